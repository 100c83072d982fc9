using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LvsPS.Native.Ipvs;
using LvsPS.Native.RouteNetlink;

namespace LvsPS;

/// <summary>
/// Completes -Scheduler with the schedulers this kernel has: built in, loaded, or installed as an ip_vs_NAME module
/// (the kernel loads those on first use). Every known name when the kernel's module lists cannot be read.
/// </summary>
public sealed class SchedulerCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(KernelSchedulers.OfRunningKernel() ?? Schedulers.Names, wordToComplete);
}

/// <summary>Completes -SchedulerFlag, with only the flags of the scheduler already given when there is one.</summary>
public sealed class SchedulerFlagCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? scheduler = fakeBoundParameters[ServiceOptions.Scheduler] as string;
        IEnumerable<string> names = Schedulers.FlagNames.Where(f => scheduler is null || !f.Contains('-') || f.StartsWith("flag-", StringComparison.Ordinal) || f.StartsWith(scheduler + "-", StringComparison.Ordinal));
        return Completion.From(names, wordToComplete);
    }
}

/// <summary>Completes -Forwarding (Masquerade, Route, Tunnel and ipvsadm's NAT, DR, TUN).</summary>
public sealed class ForwardingCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(InputParsing.ForwardingNames, wordToComplete);
}

/// <summary>Completes -VirtualService with the services the kernel has; best effort (no IPVS or no privilege: nothing).</summary>
public sealed class VirtualServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? ns = fakeBoundParameters[nameof(LvsCmdletBase.NetworkNamespace)] as string;
        try
        {
            using IIpvsClient client = IpvsClients.Open(string.IsNullOrEmpty(ns) ? null : ns);
            return Completion.From(client.GetVirtualServices(includeRealServers: false).Select(s => s.Key.ToString()), wordToComplete).ToList();
        }
        catch (Exception)
        {
            // Completion must never fail the prompt; no list is the honest answer.
            return Array.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes -State of Get-LvsConnection with the state names the kernel prints (TCP, UDP, SCTP, templates).</summary>
public sealed class ConnectionStateCompleter : IArgumentCompleter
{
    /// <summary>ip_vs_proto_tcp.c, _udp.c, _sctp.c and the template states of ip_vs_proto.c, most used first.</summary>
    public static readonly IReadOnlyList<string> StateNames = new[]
    {
        "ESTABLISHED", "SYN_RECV", "SYN_SENT", "FIN_WAIT", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK", "CLOSE", "LISTEN", "SYNACK",
        "UDP", "NONE", "ASSURED", "INIT1", "INIT", "COOKIE_SENT", "COOKIE_REPLIED", "COOKIE_WAIT", "COOKIE_ECHOED",
        "SHUTDOWN_SENT", "SHUTDOWN_RECEIVED", "SHUTDOWN_ACK_SENT", "REJECTED", "CLOSED",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(StateNames, wordToComplete);
}

internal static class Completion
{
    public static IEnumerable<CompletionResult> From(IEnumerable<string> values, string word)
    {
        string prefix = (word ?? "").Trim('\'', '"');
        foreach (string value in values)
        {
            if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            // Brackets of IPv6 services would be read as wildcards elsewhere; quoting keeps them literal.
            string text = value.IndexOfAny(new[] { '[', ' ' }) >= 0 ? $"'{value}'" : value;
            yield return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
        }
    }

    /// <summary>The link names of the namespace in -NetworkNamespace (or the current one) after <paramref name="first"/>; nothing when they cannot be read.</summary>
    public static IEnumerable<CompletionResult> Links(IDictionary fakeBoundParameters, string word, params string[] first)
    {
        string? ns = fakeBoundParameters[nameof(LvsCmdletBase.NetworkNamespace)] as string;
        try
        {
            using RouteNetlinkClient client = RouteNetlinkClient.Open(string.IsNullOrEmpty(ns) ? null : ns);
            return From(first.Concat(client.GetLinks().Select(l => l.Name).Order(StringComparer.Ordinal)), word).ToList();
        }
        catch (Exception)
        {
            // Completion must never fail the prompt (a namespace that does not exist, no privilege): no list.
            return Array.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes -NetworkNamespace with the names ip netns knows (the entries of /run/netns); no folder: nothing.</summary>
public sealed class NetworkNamespaceCompleter : IArgumentCompleter
{
    public const string NamedNamespaces = "/run/netns";

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return Completion.From(Directory.EnumerateFileSystemEntries(NamedNamespaces).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal), wordToComplete).ToList();
        }
        catch (IOException)
        {
            return Array.Empty<CompletionResult>(); // completion must never fail the prompt
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes an interface name with the links of the namespace given by -NetworkNamespace, or of the current one; best effort.</summary>
public sealed class InterfaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.Links(fakeBoundParameters, wordToComplete);
}

/// <summary>Completes the interface of an ARP sysctl: all and default (net.ipv4.conf.all / .default), then the links.</summary>
public sealed class ArpInterfaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.Links(fakeBoundParameters, wordToComplete, "all", "default");
}
