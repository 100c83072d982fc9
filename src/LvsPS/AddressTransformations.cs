using System.Collections;
using System.Management.Automation;
using System.Net;
using LvsPS.Native.Text;

namespace LvsPS;

/// <summary>
/// Reads address arguments with the core's one strict parser while PowerShell binds them, so a
/// bad address (10.1, 0x0a.1, an IPv6 address with a port but no brackets) is refused before the
/// cmdlet runs, -WhatIf included, with the parser's message. The bound value is the canonical
/// text; IPAddress objects (from Get-LvsVip, Get-LvsRealServer) are taken as they are.
/// </summary>
public abstract class NetTextTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Canonical text of one argument; throws <see cref="NetTextException"/>.</summary>
    protected abstract string Canonical(string text);

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null,
                string s => Canonical(s),
                IPAddress a => Canonical(WithoutScope(a).ToString()),
                IList list => list.Cast<object?>().Select(item => Transform(engineIntrinsics, item)).ToArray(),
                _ => Canonical(value.ToString() ?? ""),
            };
        }
        catch (NetTextException e)
        {
            throw new ArgumentTransformationMetadataException(ErrorMapper.Word(e), e);
        }
    }

    // ScopeId throws for IPv4 addresses.
    private static IPAddress WithoutScope(IPAddress a)
        => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && a.ScopeId != 0 ? new IPAddress(a.GetAddressBytes()) : a;
}

/// <summary>An address alone: 10.0.0.3, 2001:db8::3.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class AddressTransformationAttribute : NetTextTransformationAttribute
{
    protected override string Canonical(string text) => NetText.ParseAddress(text).ToString();
}

/// <summary>An address with an optional port: 10.0.0.7, 10.0.0.7:8080, 2001:db8::7, [2001:db8::7]:80.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EndpointTransformationAttribute : NetTextTransformationAttribute
{
    protected override string Canonical(string text) => NetText.ParseEndpoint(text).ToString();
}

/// <summary>An address with an optional prefix length: 10.0.0.3/24, 2001:db8::/32 (the length is kept as written).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PrefixTransformationAttribute : NetTextTransformationAttribute
{
    protected override string Canonical(string text)
    {
        string t = text.Trim();
        NetPrefix prefix = NetText.ParsePrefix(t);
        return t.Contains('/') ? prefix.ToString() : prefix.Address.ToString();
    }
}

/// <summary>
/// Refuses a bad virtual service identity piped by value (tcp/10.1:80, tcp/2001:db8::1:80) with the strict
/// parser's reason: PowerShell alone swallows the conversion error there and says only that the input binds
/// to no parameter (InputObjectNotBound). Everything else passes unchanged, so the binder still matches
/// whole records, rows and identities in its usual order; typed arguments already get the parser's reason
/// from the identity's conversion.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class VirtualServiceTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        // Pipeline input arrives wrapped in a PSObject; a property's value or a typed argument does not.
        if (inputData is PSObject { BaseObject: string text })
        {
            try
            {
                NetText.ParseServiceIdentity(text);
            }
            catch (NetTextException e)
            {
                throw new ArgumentTransformationMetadataException(ErrorMapper.Word(e), e);
            }
        }
        return inputData;
    }
}
