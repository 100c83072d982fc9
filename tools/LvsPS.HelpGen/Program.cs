using LvsPS.HelpGen;

// lvsps-helpgen [--module out/LvsPS/LvsPS.psd1] [--xmldoc src/LvsPS/bin/Release/net8.0/LvsPS.xml]
//               [--out en-US/LvsPS.dll-Help.xml] [--check]
// --check writes nothing and exits 1 when the file on disk differs from what would be written.
string root = HelpGenerator.FindRepoRoot(Directory.GetCurrentDirectory());
string manifest = HelpGenerator.DefaultManifest(root), xmlDoc = HelpGenerator.DefaultXmlDoc(root), output = HelpGenerator.DefaultOutput(root);
bool check = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--module": manifest = Path.GetFullPath(Next()); break;
        case "--xmldoc": xmlDoc = Path.GetFullPath(Next()); break;
        case "--out": output = Path.GetFullPath(Next()); break;
        case "--check": check = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: lvsps-helpgen [--module PSD1] [--xmldoc XML] [--out FILE] [--check]");
            return 2;
    }
}

HelpGenerator.Result result = HelpGenerator.Generate(manifest, xmlDoc);
foreach (string problem in result.Problems)
    Console.Error.WriteLine("help: " + problem);
if (result.Problems.Count > 0)
{
    Console.Error.WriteLine($"{result.Problems.Count} help problem(s): write the missing doc comments in src/LvsPS.");
    return 1;
}
if (check)
{
    bool same = File.Exists(output) && File.ReadAllText(output).ReplaceLineEndings("\n") == result.Maml;
    Console.WriteLine(same ? $"{output} is up to date." : $"{output} is stale: run scripts/build-help.sh.");
    return same ? 0 : 1;
}
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllText(output, result.Maml);
Console.WriteLine($"wrote help for {result.Commands.Count} cmdlets to {output}");
return 0;
