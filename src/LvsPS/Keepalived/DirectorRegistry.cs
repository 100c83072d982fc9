using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Runtime;
using LvsPS.Runtime;

namespace LvsPS.Keepalived;

/// <summary>The directors running in this process: a view over the runtime's supervisor.</summary>
internal static class DirectorRegistry
{
    public static IEnumerable<RunningDirector> All
        => Supervisor.Shared.WorkersOf<RunningDirector>().OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase);

    public static RunningDirector? Find(string name) => Supervisor.Shared.Find<RunningDirector>(name, RunningDirector.WorkerKind);

    public static bool IsNameTaken(string name) => Supervisor.Shared.IsNameTaken(RunningDirector.WorkerKind, name);

    /// <summary>Registers a director or one of its parts for this session (Remove-Module and pwsh exit stop it).</summary>
    public static bool TryAdd(IWorker worker) => Supervisor.Shared.TryAdd(worker, ModuleLifecycle.CurrentOwner);

    public static ErrorRecord NotFound(string name)
        => ErrorMapper.Record(ErrorMapper.DirectorNotFound, new ItemNotFoundException($"There is no director named '{name}' in this PowerShell process."), name);
}

public sealed class DirectorCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        => Completion.From(DirectorRegistry.All.Select(d => d.Name), wordToComplete);
}
