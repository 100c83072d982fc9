using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace LvsPS.Loader;

/// <summary>
/// Keeps the module's dependencies to itself: the core (LvsPS.Native) and what it links
/// (Tmds.LibC) sit in the module's Dependencies folder, out of PowerShell's sight, and load into
/// a load context of their own. Another module that brought a different Tmds.LibC into the
/// process cannot change the one the core uses, and ours cannot disturb it.
/// </summary>
/// <remarks>
/// The manifest names this assembly in NestedModules, so Import-Module loads it and calls
/// <see cref="OnImport"/> before it loads LvsPS.dll (whose types cannot load without the core:
/// their fields are of the core's enums and structs); the default context then asks
/// <see cref="Resolve"/> for the core it cannot find. Where the core is already in the default context (a host that references it,
/// as the test projects do; a build's bin folder), the default context answers first and this
/// context stays unused. Types from the isolated core cannot be named in scripts
/// (<c>[LvsPS.Native...]</c>), which PowerShell resolves in the default context only.
/// </remarks>
public sealed class ModuleLoadContext : AssemblyLoadContext, IModuleAssemblyInitializer
{
    /// <summary>The folder beside the module's assemblies that holds the isolated ones.</summary>
    public const string DependencyFolder = "Dependencies";

    /// <summary>The assemblies that LvsPS.dll itself references and that live in <see cref="DependencyFolder"/>.</summary>
    private static readonly string[] s_resolvedForModule = { "LvsPS.Native" };

    private static readonly object s_gate = new();
    private static ModuleLoadContext? s_instance;
    private readonly string _directory;

    /// <summary>Needed by PowerShell to call <see cref="OnImport"/>; the load context itself is <see cref="Instance"/>.</summary>
    public ModuleLoadContext()
        : this(Path.Combine(Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location) ?? ".", DependencyFolder))
    {
    }

    private ModuleLoadContext(string directory)
        : base("LvsPS", isCollectible: false)
        => _directory = directory;

    /// <summary>The module's load context once the module was imported from a folder with <see cref="DependencyFolder"/>; else null.</summary>
    public static AssemblyLoadContext? Instance => s_instance;

    /// <summary>Registers the resolver once per process (every runspace that imports the module calls it).</summary>
    public void OnImport()
    {
        lock (s_gate)
        {
            if (s_instance != null || !Directory.Exists(_directory))
                return;
            s_instance = new ModuleLoadContext(_directory);
            Default.Resolving += Resolve;
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
        => s_instance != null && Array.IndexOf(s_resolvedForModule, name.Name) >= 0
            ? s_instance.LoadFromAssemblyName(name)
            : null;

    /// <summary>Everything the isolated assemblies reference that the folder holds comes from the folder; the rest (the framework) from the default context.</summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
