using System.CommandLine;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>The options every scenario understands. A scenario applies its own defaults to the ones left unset.</summary>
public sealed record RunOptions
{
    public bool Quick { get; init; }
    /// <summary>
    /// The cluster a scenario generates: --nodes/--pvs/--seed when given, else 200 × 2,000 with --quick and
    /// 5,000 × 50,000 otherwise. Throws <see cref="ScenarioUsageException"/> when they do not make a valid shape.
    /// </summary>
    public ClusterShape Shape()
    {
        var shape = new ClusterShape
        {
            Nodes = Nodes ?? (Quick ? 200 : 5_000),
            Volumes = Volumes ?? (Quick ? 2_000 : 50_000),
            Seed = Seed,
        };
        var errors = shape.Validate().ToList();
        if (errors.Count > 0) throw new ScenarioUsageException(string.Join(" ", errors));
        return shape;
    }

    public int? Nodes { get; init; }
    public int? Volumes { get; init; }
    public int Seed { get; init; } = 42;
    public TimeSpan? Duration { get; init; }
    public long? Count { get; init; }
    public int? Concurrency { get; init; }
    public double? Rate { get; init; }
    public long? WarmUp { get; init; }
    public required string ReportsDirectory { get; init; }

    /// <summary>The common options, added to every scenario's command.</summary>
    public sealed class Definitions
    {
        public Option<bool> Quick { get; } = new("--quick") { Description = "Small cluster, correctness only (identical answers); exit code 1 on any mismatch. Never asserts timings." };
        public Option<int?> Nodes { get; } = new("--nodes") { Description = "Nodes in the generated cluster (scenario default)." };
        public Option<int?> Volumes { get; } = new("--pvs") { Description = "PersistentVolumes in the generated cluster (scenario default)." };
        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the cluster generator and of every sample.", DefaultValueFactory = _ => 42 };
        public Option<double?> Duration { get; } = new("--duration") { Description = "Seconds of measured load per phase (instead of a count), where the scenario supports it." };
        public Option<long?> Count { get; } = new("--count") { Description = "Operations per measured phase (scenario default)." };
        public Option<int?> Concurrency { get; } = new("--concurrency") { Description = "Closed model: workers running operations back to back. With --rate: the workers serving the open model (default: one per core)." };
        public Option<double?> Rate { get; } = new("--rate") { Description = "Open model: operations per second, whatever the latency (coordinated omission corrected)." };
        public Option<long?> WarmUp { get; } = new("--warmup") { Description = "Warm-up operations before each measured phase (scenario default)." };
        public Option<string> Reports { get; } = new("--reports") { Description = "Directory for the reports.", DefaultValueFactory = _ => DefaultReportsDirectory() };

        public IEnumerable<Option> All => [Quick, Nodes, Volumes, Seed, Duration, Count, Concurrency, Rate, WarmUp, Reports];

        /// <summary>Reads the options and checks them; every problem is listed, each with how to fix it.</summary>
        public (RunOptions Options, List<string> Errors) Read(ParseResult parse)
        {
            var errors = new List<string>();
            var options = new RunOptions
            {
                Quick = parse.GetValue(Quick),
                Nodes = parse.GetValue(Nodes),
                Volumes = parse.GetValue(Volumes),
                Seed = parse.GetValue(Seed),
                Duration = parse.GetValue(Duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Count = parse.GetValue(Count),
                Concurrency = parse.GetValue(Concurrency),
                Rate = parse.GetValue(Rate),
                WarmUp = parse.GetValue(WarmUp),
                ReportsDirectory = parse.GetValue(Reports)!,
            };
            if (options.Nodes is < 1) errors.Add($"--nodes must be positive; got {options.Nodes}.");
            if (options.Volumes is < 1) errors.Add($"--pvs must be positive; got {options.Volumes}.");
            if (options.Duration is { } d && d <= TimeSpan.Zero) errors.Add($"--duration must be a positive number of seconds; got {d.TotalSeconds}.");
            if (options.Count is < 1) errors.Add($"--count must be positive; got {options.Count}.");
            if (options.Concurrency is < 1) errors.Add($"--concurrency must be at least 1; got {options.Concurrency}.");
            if (options.Rate is <= 0) errors.Add($"--rate must be a positive number of operations per second; got {options.Rate}.");
            if (options.WarmUp is < 0) errors.Add($"--warmup must be zero or more; got {options.WarmUp}.");
            if (options.Duration is not null && options.Count is not null) errors.Add("give --duration or --count, not both.");
            return (options, errors);
        }
    }

    /// <summary>loadtests/reports next to this project, found from the working directory upwards; else ./loadtests/reports.</summary>
    public static string DefaultReportsDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "loadtests", "reports");
            if (Directory.Exists(candidate)) return candidate;
            if (dir.Name == "loadtests" && Directory.Exists(Path.Combine(dir.FullName, "reports"))) return Path.Combine(dir.FullName, "reports");
        }
        return Path.Combine(Environment.CurrentDirectory, "loadtests", "reports");
    }

    /// <summary>The load model the options ask for, or <paramref name="fallback"/>.</summary>
    public LoadModel ModelOr(LoadModel fallback) =>
        Rate is { } rate ? new OpenModel(rate, Concurrency ?? Environment.ProcessorCount)
        : Concurrency is { } concurrency ? new ClosedModel(concurrency)
        : fallback;

    /// <summary>The limit the options ask for, or <paramref name="fallback"/>.</summary>
    public LoadLimit LimitOr(LoadLimit fallback) =>
        Duration is { } duration ? LoadLimit.For(duration) : Count is { } count ? LoadLimit.Operations(count) : fallback;
}
