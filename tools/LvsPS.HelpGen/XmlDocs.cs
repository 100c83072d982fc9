using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LvsPS.HelpGen;

/// <summary>
/// The compiler's XML documentation file (LvsPS.xml), read as help text. Inline tags become
/// plain words (see cref → the cmdlet's or type's name, c → its text); block tags become
/// paragraphs; code keeps its lines.
/// </summary>
public sealed partial class XmlDocs
{
    private readonly Dictionary<string, XElement> _members;
    private readonly Func<string, string?> _cmdletNameOfType;

    /// <param name="cmdletNameOfType">The cmdlet name a type doc id (T:Ns.Type) stands for, or null.</param>
    public XmlDocs(string path, Func<string, string?> cmdletNameOfType)
    {
        XDocument doc = XDocument.Load(path, LoadOptions.PreserveWhitespace);
        _members = doc.Descendants("member")
            .Where(m => m.Attribute("name") != null)
            .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _cmdletNameOfType = cmdletNameOfType;
    }

    public XElement? Type(Type type) => Member("T:" + DocName(type));

    public XElement? Property(System.Reflection.PropertyInfo property) => Member($"P:{DocName(property.DeclaringType!)}.{property.Name}");

    public XElement? Member(string id) => _members.GetValueOrDefault(id);

    private static string DocName(Type type) => type.FullName!.Replace('+', '.');

    /// <summary>The paragraphs of an element: each para, list item and loose run of text is one.</summary>
    public IReadOnlyList<string> Paragraphs(XElement? element)
    {
        var paragraphs = new List<string>();
        if (element is null)
            return paragraphs;
        var loose = new StringBuilder();
        void FlushLoose()
        {
            string text = Normalize(loose.ToString());
            if (text.Length > 0)
                paragraphs.Add(text);
            loose.Clear();
        }
        foreach (XNode node in element.Nodes())
        {
            if (node is XElement e && e.Name.LocalName == "para")
            {
                FlushLoose();
                paragraphs.AddRange(Paragraphs(e));
            }
            else if (node is XElement list && list.Name.LocalName == "list")
            {
                FlushLoose();
                foreach (XElement item in list.Elements("item"))
                {
                    string term = Inline(item.Element("term"));
                    string description = Inline(item.Element("description") ?? item);
                    paragraphs.Add(Normalize(term.Length > 0 ? $"- {term}: {description}" : $"- {description}"));
                }
            }
            else if (node is XElement code && code.Name.LocalName == "code")
            {
                FlushLoose();
                paragraphs.Add(Code(code));
            }
            else
                loose.Append(Inline(node));
        }
        FlushLoose();
        return paragraphs;
    }

    /// <summary>One paragraph of text (for a synopsis or a parameter).</summary>
    public string Text(XElement? element) => string.Join(" ", Paragraphs(element));

    /// <summary>A code block: its lines, with the common indentation and blank edges removed.</summary>
    public static string Code(XElement code)
    {
        List<string> lines = code.Value.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l));
    }

    private string Inline(XNode? node)
    {
        switch (node)
        {
            case null:
                return "";
            case XText t:
                return t.Value;
            case XElement e:
                switch (e.Name.LocalName)
                {
                    case "see" or "seealso":
                        if (e.Attribute("langword") is { } word)
                            return word.Value is "null" or "true" or "false" ? "$" + word.Value : word.Value;
                        if (!e.IsEmpty && e.Value.Length > 0)
                            return string.Concat(e.Nodes().Select(Inline));
                        return CrefText(e.Attribute("cref")?.Value ?? e.Attribute("href")?.Value ?? "");
                    case "paramref" or "typeparamref":
                        return "-" + e.Attribute("name")?.Value;
                    default:
                        return string.Concat(e.Nodes().Select(Inline));
                }
            default:
                return "";
        }
    }

    /// <summary>A cref as a reader knows it: the cmdlet name for a cmdlet class, else the member's short name.</summary>
    public string CrefText(string cref)
    {
        if (cref.StartsWith("T:", StringComparison.Ordinal) && _cmdletNameOfType(cref) is { } cmdlet)
            return cmdlet;
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0)
            name = name[..paren];
        string[] parts = name.Split('.');
        // A member (P:, F:, M:) reads better with its type: VirtualService.RealServers.
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    public static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
