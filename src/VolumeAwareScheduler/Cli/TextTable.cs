namespace VolumeAwareScheduler.Cli;

/// <summary>Writes rows as columns separated by two spaces, each as wide as its widest cell (kubectl's plain table look).</summary>
public static class TextTable
{
    public static void Write(IReadOnlyList<string[]> rows, TextWriter output)
    {
        if (rows.Count == 0) return;
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows) output.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
    }
}
