namespace LvsPS.Fuzz;

/// <summary>Runs one input through a decoder; a span so the harness never copies what AFL hands it.</summary>
internal delegate void FuzzInputAction(ReadOnlySpan<byte> input);

/// <summary>
/// One decoder under fuzz and its contract: an input either decodes, or the decoder throws one of
/// its documented format exceptions (<see cref="Rejections"/>). Anything else that escapes
/// <see cref="Run"/> — another exception type, a hang, a crash — is a finding.
/// </summary>
internal sealed class FuzzTarget
{
    public FuzzTarget(string name, string decoder, FuzzInputAction run, IReadOnlyList<Type> rejections, Func<SeedContext, IEnumerable<Seed>> seeds)
    {
        Name = name;
        Decoder = decoder;
        _run = run;
        Rejections = rejections;
        Seeds = seeds;
    }

    private readonly FuzzInputAction _run;

    /// <summary>What scripts/fuzz.sh and the corpus folders call it.</summary>
    public string Name { get; }

    /// <summary>The code under test, for the listing.</summary>
    public string Decoder { get; }

    /// <summary>The exact exception types the decoder documents for bad input (subclasses do not count).</summary>
    public IReadOnlyList<Type> Rejections { get; }

    /// <summary>The starting corpus: golden captures, recorded samples and inputs built with the encoders.</summary>
    public Func<SeedContext, IEnumerable<Seed>> Seeds { get; }

    /// <summary>Runs one input: null when it decoded, the documented rejection when refused; anything else escapes.</summary>
    public Exception? Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _run(input);
            return null;
        }
        catch (Exception e) when (Rejections.Contains(e.GetType()))
        {
            return e;
        }
    }
}

/// <summary>One file of the starting corpus.</summary>
internal sealed record Seed(string Name, byte[] Bytes);

/// <summary>Where seeds come from: the checkout (golden captures, samples, saved findings).</summary>
internal sealed record SeedContext(string Root)
{
    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Every file of a checkout folder that matches, as a seed named after it; none when the folder is absent.</summary>
    public IEnumerable<Seed> Files(string folder, string pattern = "*")
    {
        string dir = PathOf(folder);
        if (!Directory.Exists(dir))
            return [];
        return Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal)
            .Select(f => new Seed(Path.GetFileName(f), File.ReadAllBytes(f)));
    }
}
