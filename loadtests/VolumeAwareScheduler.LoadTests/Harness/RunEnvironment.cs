using System.Runtime;
using System.Runtime.InteropServices;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>Where a run happened: enough to tell two reports' machines and runtimes apart.</summary>
public static class RunEnvironment
{
    public static Dictionary<string, string> Describe()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["machine"] = Environment.MachineName,
            ["os"] = RuntimeInformation.OSDescription,
            ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
            ["processors"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["gc"] = $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}",
#if DEBUG
            ["configuration"] = "Debug (numbers are not representative)",
#else
            ["configuration"] = "Release",
#endif
            ["stopwatch"] = $"{System.Diagnostics.Stopwatch.Frequency:N0} ticks/s",
            ["load average at start"] = LoadAverage(),
        };
        return environment;
    }

    /// <summary>
    /// The 1, 5 and 15 minute load averages (Linux), or "n/a". Above the processor count other work competed for the
    /// cores during the run, and latencies include waiting for them.
    /// </summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return fields.Length >= 3 ? $"{fields[0]} {fields[1]} {fields[2]}" : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
