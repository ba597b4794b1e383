using System.Text;

namespace VolumeAwareScheduler.Tests.Demo;

/// <summary>
/// The kubectl commands of the README's walkthrough: every line starting with "kubectl " inside the ```sh blocks
/// between &lt;!-- walkthrough --&gt; and &lt;!-- /walkthrough --&gt;, split into words the way a POSIX shell
/// would (blanks, single and double quotes), with PORT replaced.
/// </summary>
internal static class ReadmeWalkthrough
{
    public const string Begin = "<!-- walkthrough -->";
    public const string End = "<!-- /walkthrough -->";

    public static IReadOnlyList<string[]> Commands(string readme, int port)
    {
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"README.md has no {Begin} ... {End} section");
        var commands = new List<string[]>();
        var inShell = false;
        foreach (var raw in readme[start..end].ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line == "```sh";
                continue;
            }
            if (inShell && line.StartsWith("kubectl ", StringComparison.Ordinal))
            {
                commands.Add(Words(line.Replace("http://127.0.0.1:PORT", $"http://127.0.0.1:{port}", StringComparison.Ordinal)));
            }
        }
        return commands;
    }

    /// <summary>Shell word splitting without expansions: quotes group and are removed.</summary>
    public static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null) throw new FormatException($"unterminated quote in: {line}");
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }
}
