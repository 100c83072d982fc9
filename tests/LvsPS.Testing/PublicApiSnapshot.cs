using System.Reflection;
using PublicApiGenerator;

namespace LvsPS.Testing;

/// <summary>
/// The public API of an assembly against the approved text in tests/PublicApi (the Tmds.Ssh way): any
/// difference fails and writes NAME.received.txt beside it; to accept a change, read the diff and copy
/// the received file over the approved one.
/// </summary>
public static class PublicApiSnapshot
{
    public static string Directory => Path.Combine(PowerShellSession.RepoRoot, "tests", "PublicApi");

    /// <summary>Null when the API is the approved one; else what to tell the developer.</summary>
    public static string? Compare(Assembly assembly)
    {
        string name = assembly.GetName().Name!;
        string api = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        string approved = Path.Combine(Directory, $"{name}.approved.txt");
        string received = Path.Combine(Directory, $"{name}.received.txt");
        if (File.Exists(approved) && File.ReadAllText(approved).ReplaceLineEndings("\n") == api)
        {
            File.Delete(received);
            return null;
        }
        File.WriteAllText(received, api);
        return $"The public API of {name} differs from {approved}; the new one is in {received}. " +
               $"If the change is meant, review the diff (diff -u {approved} {received}) and copy the received file over the approved one.";
    }
}
