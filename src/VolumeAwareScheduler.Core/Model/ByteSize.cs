using System.Globalization;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>Byte counts as people read them in Kubernetes: the largest binary suffix that divides evenly ("5Gi", "1536Mi").</summary>
public static class ByteSize
{
    private static readonly string[] Suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    public static string Format(long bytes)
    {
        var unit = 0;
        var value = bytes;
        while (unit < Suffixes.Length - 1 && value != 0 && value % 1024 == 0)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString(CultureInfo.InvariantCulture) + Suffixes[unit];
    }
}
