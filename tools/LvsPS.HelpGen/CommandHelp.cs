using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;

namespace LvsPS.HelpGen;

/// <summary>The help of one cmdlet: its metadata (from Get-Command) merged with its doc comments.</summary>
public sealed record CommandHelp(
    string Name, string Verb, string Noun, string Synopsis, IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxItem> Syntax, IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<TypeHelp> Inputs, IReadOnlyList<TypeHelp> Outputs, IReadOnlyList<string> Notes,
    IReadOnlyList<ExampleHelp> Examples, IReadOnlyList<LinkHelp> Links);

public sealed record SyntaxItem(string ParameterSet, IReadOnlyList<ParameterHelp> Parameters);

public sealed record ParameterHelp(
    string Name, string TypeName, bool IsSwitch, string Description, bool Required, string Position,
    string PipelineInput, string Aliases, string DefaultValue, IReadOnlyList<string> AcceptedValues);

public sealed record TypeHelp(string TypeName, string Description);

public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

public sealed record LinkHelp(string Text, string Uri);

/// <summary>Builds <see cref="CommandHelp"/> from a CmdletInfo and the doc comments, and lists what is missing.</summary>
public sealed class CommandHelpBuilder(XmlDocs docs)
{
    /// <summary>The about topic every command links to.</summary>
    public const string AboutTopic = "about_LvsPS";

    // WhatIf and Confirm are listed like PlatyPS does; the other common parameters are not.
    private static readonly Dictionary<string, string> RiskParameters = new(StringComparer.Ordinal)
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs: one \"What if:\" line per object, naming its canonical identity (tcp/10.0.0.3:80, tcp/10.0.0.3:80 -> 10.0.0.7:80) and the settings. Nothing is changed in the kernel.",
        ["Confirm"] = "Prompts you for confirmation before each change, naming the object and the settings.",
    };

    public List<string> Problems { get; } = new();

    public CommandHelp Build(CmdletInfo cmdlet)
    {
        Type type = cmdlet.ImplementingType;
        XElement? doc = docs.Type(type);
        string name = cmdlet.Name;
        if (doc is null)
            Problems.Add($"{name}: no doc comment on {type.FullName} (is GenerateDocumentationFile on?)");

        string synopsis = docs.Text(doc?.Element("summary"));
        IReadOnlyList<string> description = docs.Paragraphs(doc?.Element("remarks"));
        if (synopsis.Length == 0) Problems.Add($"{name}: no <summary> (synopsis)");
        if (description.Count == 0) Problems.Add($"{name}: no <remarks> (description)");

        Dictionary<string, XElement> overrides = (doc?.Elements("parameter") ?? Enumerable.Empty<XElement>())
            .ToDictionary(p => p.Attribute("name")?.Value ?? "", StringComparer.OrdinalIgnoreCase);
        object? defaults = CreateForDefaults(type);

        var byName = new Dictionary<string, ParameterHelp>(StringComparer.OrdinalIgnoreCase);
        var syntax = new List<SyntaxItem>();
        foreach (CommandParameterSetInfo set in OrderSets(cmdlet))
        {
            var items = new List<ParameterHelp>();
            foreach (CommandParameterInfo p in OrderParameters(set.Parameters.Where(IsDocumented)))
                items.Add(Parameter(name, type, p, new[] { p }, overrides, defaults));
            syntax.Add(new SyntaxItem(set.Name, items));
        }
        foreach (IGrouping<string, CommandParameterInfo> group in cmdlet.ParameterSets.SelectMany(s => s.Parameters).Where(IsDocumented)
                     .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            byName[group.Key] = Parameter(name, type, group.First(), group.ToList(), overrides, defaults, report: true);
        foreach (string unknown in overrides.Keys.Where(k => !byName.ContainsKey(k)))
            Problems.Add($"{name}: <parameter name=\"{unknown}\"> names no parameter");

        var examples = new List<ExampleHelp>();
        foreach (XElement example in doc?.Elements("example") ?? Enumerable.Empty<XElement>())
        {
            int n = examples.Count + 1;
            string code = example.Element("code") is { } c ? XmlDocs.Code(c) : "";
            var remarks = docs.Paragraphs(new XElement("r", example.Nodes().Where(x => x is not XElement { Name.LocalName: "code" })));
            string title = XmlDocs.Normalize(example.Attribute("title")?.Value ?? "");
            if (code.Length == 0 || remarks.Count == 0)
                Problems.Add($"{name}: example {n} needs a <code> and a <para> explaining it");
            examples.Add(new ExampleHelp($"-------------------------- Example {n}{(title.Length > 0 ? ": " + title : "")} --------------------------", code, remarks));
        }
        if (examples.Count == 0)
            Problems.Add($"{name}: no <example>");

        return new CommandHelp(name, cmdlet.Verb, cmdlet.Noun, synopsis, description, syntax,
            byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList(),
            Inputs(cmdlet, doc), Outputs(cmdlet, doc), docs.Paragraphs(doc?.Element("notes")), examples, Links(doc));
    }

    private static bool IsDocumented(CommandParameterInfo p)
        => !Cmdlet.CommonParameters.Contains(p.Name) && (!Cmdlet.OptionalCommonParameters.Contains(p.Name) || RiskParameters.ContainsKey(p.Name))
           && !p.Attributes.OfType<ParameterAttribute>().Any(a => a.DontShow);

    /// <summary>The default set first, then the others by name (Get-Help's order).</summary>
    private static IEnumerable<CommandParameterSetInfo> OrderSets(CmdletInfo cmdlet)
        => cmdlet.ParameterSets.OrderBy(s => s.IsDefault ? 0 : 1).ThenBy(s => s.Name, StringComparer.Ordinal);

    /// <summary>Positional ones by position, then mandatory, then the rest; WhatIf and Confirm last.</summary>
    private static IEnumerable<CommandParameterInfo> OrderParameters(IEnumerable<CommandParameterInfo> parameters)
        => parameters.Select((p, i) => (p, i))
            .OrderBy(x => RiskParameters.ContainsKey(x.p.Name) ? 3 : x.p.Position >= 0 ? 0 : x.p.IsMandatory ? 1 : 2)
            .ThenBy(x => x.p.Position >= 0 ? x.p.Position : 0)
            .ThenBy(x => x.i)
            .Select(x => x.p);

    private ParameterHelp Parameter(string cmdlet, Type type, CommandParameterInfo p, IReadOnlyList<CommandParameterInfo> inSets,
        Dictionary<string, XElement> overrides, object? defaults, bool report = false)
    {
        PropertyInfo? property = type.GetProperty(p.Name, BindingFlags.Public | BindingFlags.Instance);
        overrides.TryGetValue(p.Name, out XElement? over);
        string description = over is not null && docs.Text(over).Length > 0 ? docs.Text(over)
            : RiskParameters.TryGetValue(p.Name, out string? risk) ? risk
            : property is null ? "" : docs.Text(docs.Property(property)?.Element("summary"));
        if (report && description.Length == 0)
            Problems.Add($"{cmdlet}: parameter -{p.Name} has no description");

        Type t = p.ParameterType;
        bool isSwitch = t == typeof(SwitchParameter);
        string pipeline = string.Join(", ", new[]
        {
            inSets.Any(s => s.ValueFromPipelineByPropertyName) ? "ByPropertyName" : null,
            inSets.Any(s => s.ValueFromPipeline) ? "ByValue" : null,
        }.Where(x => x != null));
        int position = inSets.Select(s => s.Position).Where(x => x >= 0).DefaultIfEmpty(-1).Min();

        Type element = Nullable.GetUnderlyingType(t) ?? (t.IsArray ? t.GetElementType()! : t);
        IReadOnlyList<string> accepted = p.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault()?.ValidValues.ToList()
            ?? (element.IsEnum ? Enum.GetNames(element).ToList() : (IReadOnlyList<string>)Array.Empty<string>());

        string defaultValue = over?.Attribute("default")?.Value
            ?? (isSwitch ? "False" : RiskParameters.ContainsKey(p.Name) ? "False" : DefaultOf(property, defaults));
        return new ParameterHelp(p.Name, TypeName(t), isSwitch, description, inSets.All(s => s.IsMandatory),
            position >= 0 ? (position + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "named",
            pipeline.Length == 0 ? "False" : $"True ({pipeline})",
            p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases), defaultValue, accepted);
    }

    /// <summary>A fresh cmdlet object: its property initialisers are the defaults of unbound parameters.</summary>
    private static object? CreateForDefaults(Type type)
    {
        try { return Activator.CreateInstance(type); }
        catch (Exception) { return null; }
    }

    private static string DefaultOf(PropertyInfo? property, object? instance)
    {
        if (property is null || instance is null)
            return "None";
        object? value = property.GetValue(instance);
        if (value is null || value is string { Length: 0 } || value is Array { Length: 0 })
            return "None";
        Type t = property.PropertyType;
        if (t.IsValueType && Nullable.GetUnderlyingType(t) is null && !t.IsEnum && value.Equals(Activator.CreateInstance(t)))
            return "None";
        return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "None";
    }

    /// <summary>Get-Help's way of naming a parameter type: String, UInt32, VirtualServiceIdentity, RealServer[].</summary>
    public static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner)
            return TypeName(inner);
        if (t.IsArray)
            return TypeName(t.GetElementType()!) + "[]";
        return t.Name;
    }

    private IReadOnlyList<TypeHelp> Inputs(CmdletInfo cmdlet, XElement? doc)
    {
        var documented = (doc?.Elements("input") ?? Enumerable.Empty<XElement>())
            .Select(e => new TypeHelp(e.Attribute("type")?.Value ?? "None", docs.Text(e))).ToList();
        if (documented.Count > 0)
            return documented;
        var piped = cmdlet.ParameterSets.SelectMany(s => s.Parameters)
            .Where(p => p.ValueFromPipeline && IsDocumented(p))
            .GroupBy(p => p.ParameterType)
            .Select(g => new TypeHelp(g.Key.FullName!, $"You can pipe {TypeName(g.Key)} to -{g.First().Name}."))
            .ToList();
        return piped.Count > 0 ? piped : new[] { new TypeHelp("None", "This cmdlet takes no pipeline input.") };
    }

    private IReadOnlyList<TypeHelp> Outputs(CmdletInfo cmdlet, XElement? doc)
    {
        var documented = (doc?.Elements("output") ?? Enumerable.Empty<XElement>())
            .Select(e => new TypeHelp(e.Attribute("type")?.Value ?? "None", docs.Text(e))).ToList();
        if (documented.Count > 0)
            return documented;
        var declared = cmdlet.OutputType.Where(t => t.Type != typeof(void))
            .Select(t => new TypeHelp(t.Name, "")).ToList();
        return declared.Count > 0 ? declared : new[] { new TypeHelp("None", "This cmdlet writes no output.") };
    }

    private IReadOnlyList<LinkHelp> Links(XElement? doc)
    {
        var links = new List<LinkHelp>();
        foreach (XElement see in doc?.Elements("seealso") ?? Enumerable.Empty<XElement>())
        {
            if (see.Attribute("href")?.Value is { } href)
                links.Add(new LinkHelp(see.Value.Trim().Length > 0 ? XmlDocs.Normalize(see.Value) : href, href));
            else if (see.Attribute("cref")?.Value is { } cref)
                links.Add(new LinkHelp(docs.CrefText(cref), ""));
        }
        links.Add(new LinkHelp(AboutTopic, ""));
        return links;
    }
}
