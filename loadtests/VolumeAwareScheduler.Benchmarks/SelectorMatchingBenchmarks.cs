using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.LoadTests.Generation;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// Node-affinity evaluation (SelectorMatching.Matches) on a node with cloud-provider labels, for the shapes PVs
/// carry: hostname In (hit and miss), a long In list, zone + rack, NotIn, Exists, Gt, and three ORed terms.
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class SelectorMatchingBenchmarks
{
    private readonly FrozenDictionary<string, string> _labels = new Dictionary<string, string>
    {
        [ClusterGenerator.HostnameLabel] = "node-000123",
        [ClusterGenerator.ZoneLabel] = "eu-west-1b",
        [ClusterGenerator.RegionLabel] = "eu-west-1",
        [ClusterGenerator.InstanceTypeLabel] = "i3en.6xlarge",
        [ClusterGenerator.RackLabel] = "eu-west-1b-r003",
        ["kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = "amd64",
        ["disk-count"] = "8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Shapes => Selectors.Keys;

    private static readonly Dictionary<string, NodeSelector> Selectors = new(StringComparer.Ordinal)
    {
        ["hostname-in-hit"] = Of(Term(In(ClusterGenerator.HostnameLabel, "node-000123"))),
        ["hostname-in-miss"] = Of(Term(In(ClusterGenerator.HostnameLabel, "node-000124"))),
        ["hostname-in-16-values"] = Of(Term(In(ClusterGenerator.HostnameLabel, [.. Enumerable.Range(108, 16).Select(i => $"node-{i:D6}")]))),
        ["zone-and-rack"] = Of(Term(In(ClusterGenerator.ZoneLabel, "eu-west-1b"), In(ClusterGenerator.RackLabel, "eu-west-1b-r003"))),
        ["instance-type-notin"] = Of(Term(new SelectorRequirement(ClusterGenerator.InstanceTypeLabel, SelectorOperator.NotIn, ["m6id.4xlarge", "c6id.8xlarge"]))),
        ["exists"] = Of(Term(new SelectorRequirement("disk-count", SelectorOperator.Exists, []))),
        ["gt"] = Of(Term(new SelectorRequirement("disk-count", SelectorOperator.Gt, ["4"]))),
        ["three-terms-last-hits"] = Of(
            Term(In(ClusterGenerator.HostnameLabel, "node-000001")),
            Term(In(ClusterGenerator.ZoneLabel, "eu-west-1a")),
            Term(In(ClusterGenerator.HostnameLabel, "node-000123"))),
    };

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    private NodeSelector _selector = null!;

    [GlobalSetup]
    public void Setup() => _selector = Selectors[Shape];

    [Benchmark]
    public bool Matches() => SelectorMatching.Matches(_selector, _labels, nodeName: "");

    private static NodeSelector Of(params NodeSelectorTerm[] terms) => new([.. terms]);

    private static NodeSelectorTerm Term(params SelectorRequirement[] requirements) => new([.. requirements], []);

    private static SelectorRequirement In(string key, params string[] values) => new(key, SelectorOperator.In, [.. values]);
}
