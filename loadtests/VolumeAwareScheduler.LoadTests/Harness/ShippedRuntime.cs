using System.Diagnostics;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>
/// Runs the harness again under the scheduler executable's runtime configuration: <c>dotnet exec --runtimeconfig
/// VolumeAwareScheduler.runtimeconfig.json</c> (copied beside the harness by the project reference), with the harness's
/// own dependencies. The GC mode and settings a memory figure depends on are then the ones the product ships (set in
/// src/VolumeAwareScheduler/VolumeAwareScheduler.csproj), not the harness's; DOTNET_gc* environment variables still
/// override them, to compare configurations.
/// </summary>
public static class ShippedRuntime
{
    private const string Marker = "VAS_LOADTESTS_SHIPPED_RUNTIME";

    /// <summary>The executable's runtime configuration, as the build copies it beside the harness.</summary>
    public const string ConfigFile = "VolumeAwareScheduler.runtimeconfig.json";

    /// <summary>True in the process started by <see cref="Run"/>.</summary>
    public static bool IsCurrent => Environment.GetEnvironmentVariable(Marker) == "1";

    /// <summary>Runs the harness with <paramref name="args"/> under the executable's configuration; its console is this one's.</summary>
    public static int Run(string[] args)
    {
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(DotnetHost()) { UseShellExecute = false };
        foreach (var arg in (string[])["exec", "--runtimeconfig", Path.Combine(directory, ConfigFile),
            "--depsfile", Path.Combine(directory, "VolumeAwareScheduler.LoadTests.deps.json"), Path.Combine(directory, "VolumeAwareScheduler.LoadTests.dll")])
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment[Marker] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the harness under the executable's runtime configuration");
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>The dotnet host: this process's when it is one (dotnet run, dotnet X.dll), else the SDK's or the PATH's.</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }

    /// <summary>The GC as configured in this process, in words: mode, concurrency, and the settings that shape the heap.</summary>
    public static string DescribeGc()
    {
        var variables = GC.GetConfigurationVariables();
        string Setting(string name) => variables.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "?";
        var server = System.Runtime.GCSettings.IsServerGC;
        var concurrent = Setting("ConcurrentGC") == "True";
        var parts = new List<string> { server ? "server" : "workstation", concurrent ? "concurrent" : "non-concurrent" };
        if (server) parts.Add($"{Setting("HeapCount")} heaps, DATAS {(Setting("GCDynamicAdaptationMode") == "1" ? "on" : "off")}");
        parts.Add($"ConserveMemory {Setting("GCConserveMem")}");
        return string.Join(", ", parts);
    }
}
