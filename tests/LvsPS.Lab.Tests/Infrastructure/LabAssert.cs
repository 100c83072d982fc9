using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace LvsPS.Lab.Tests.Infrastructure;

public static class LabAssert
{
    /// <summary>Like Assert.Matches, but a failure shows the whole text (ipvsadm listings are longer than xunit's preview).</summary>
    public static void Matches(string pattern, string text)
    {
        if (!Regex.IsMatch(text, pattern))
            throw new XunitException($"Pattern not found: {pattern}\n--- in ---\n{text}");
    }
}
