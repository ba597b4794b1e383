using System.Collections.Concurrent;
using System.Text;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.LoadTests.Scenarios.Index;

/// <summary>
/// Asks the same questions of two states that differ only in their volume index and collects every answer that
/// differs. Four levels: FindMatchingVolume for (claim, node) pairs (again with the first answer excluded, as a
/// pod's second claim would see it), the all-nodes query FindMatchingVolumes (against the per-node query on every
/// node and against the baseline on a sample), FindPodVolumes for (pod, node) pairs, and whole scheduling cycles.
/// Reads run in parallel: both indexes allow concurrent readers between writes.
/// </summary>
public sealed class AnswerComparer(ClusterState fast, ClusterState baseline)
{
    public const int MaxExamples = 10;

    private readonly SchedulingFramework _fastScheduler = new(Profiles.Default());
    private readonly SchedulingFramework _baselineScheduler = new(Profiles.Default());

    public sealed record Outcome(string Level, long Compared, long Mismatches, IReadOnlyList<string> Examples)
    {
        public bool Passed => Mismatches == 0;
    }

    public Outcome CompareVolumes(IReadOnlyList<(ClaimInfo Claim, NodeInfo Node)> pairs)
    {
        var examples = new ConcurrentQueue<string>();
        long compared = 0, mismatches = 0;
        Parallel.For(0, pairs.Count, () => (0L, 0L), (i, _, local) =>
        {
            var (claim, node) = pairs[i];
            var a = fast.Volumes.FindMatchingVolume(claim, node, excluded: null);
            var b = baseline.Volumes.FindMatchingVolume(claim, node, excluded: null);
            local.Item1++;
            if (a?.Name != b?.Name)
            {
                local.Item2++;
                Note(examples, $"{claim.Key} ({Describe(claim)}) on {node.Name}: index {a?.Name ?? "none"}, baseline {b?.Name ?? "none"}");
            }
            else if (a is not null)
            {
                // As a pod's next claim sees it: the PV just chosen is excluded.
                var excluded = new HashSet<string>(StringComparer.Ordinal) { a.Name };
                var a2 = fast.Volumes.FindMatchingVolume(claim, node, excluded);
                var b2 = baseline.Volumes.FindMatchingVolume(claim, node, excluded);
                local.Item1++;
                if (a2?.Name != b2?.Name)
                {
                    local.Item2++;
                    Note(examples, $"{claim.Key} ({Describe(claim)}) on {node.Name} excluding {a.Name}: index {a2?.Name ?? "none"}, baseline {b2?.Name ?? "none"}");
                }
            }
            return local;
        }, local =>
        {
            Interlocked.Add(ref compared, local.Item1);
            Interlocked.Add(ref mismatches, local.Item2);
        });
        return new Outcome("FindMatchingVolume (claim × node)", compared, mismatches, [.. examples]);
    }

    /// <summary>
    /// The fast index's all-nodes query for each claim, over every node: node by node it must equal the fast index's
    /// per-node answer (every node) and the baseline's (<paramref name="baselineNodes"/> sampled positions per claim;
    /// the baseline's per-node scan is the slow part). Claims run in parallel, as concurrent readers would.
    /// </summary>
    public Outcome CompareAllNodes(IReadOnlyList<ClaimInfo> claims, IReadOnlyList<NodeInfo> nodes, int baselineNodes, int seed)
    {
        var examples = new ConcurrentQueue<string>();
        long compared = 0, mismatches = 0;
        Parallel.For(0, claims.Count, c =>
        {
            var claim = claims[c];
            var random = new Random(seed + c);
            var results = new VolumeInfo?[nodes.Count];
            fast.Volumes.FindMatchingVolumes(claim, nodes, excluded: null, results);
            long localCompared = 0, localMismatches = 0;
            for (var i = 0; i < nodes.Count; i++)
            {
                var perNode = fast.Volumes.FindMatchingVolume(claim, nodes[i], excluded: null);
                localCompared++;
                if (perNode?.Name == results[i]?.Name) continue;
                localMismatches++;
                Note(examples, $"{claim.Key} ({Describe(claim)}) on {nodes[i].Name}: all-nodes query {results[i]?.Name ?? "none"}, per-node query {perNode?.Name ?? "none"}");
            }
            var sample = Math.Min(baselineNodes, nodes.Count);
            for (var k = 0; k < sample; k++)
            {
                var i = sample == nodes.Count ? k : random.Next(nodes.Count);
                var expected = baseline.Volumes.FindMatchingVolume(claim, nodes[i], excluded: null);
                localCompared++;
                if (expected?.Name == results[i]?.Name) continue;
                localMismatches++;
                Note(examples, $"{claim.Key} ({Describe(claim)}) on {nodes[i].Name}: all-nodes query {results[i]?.Name ?? "none"}, baseline {expected?.Name ?? "none"}");
            }
            Interlocked.Add(ref compared, localCompared);
            Interlocked.Add(ref mismatches, localMismatches);
        });
        return new Outcome("FindMatchingVolumes (claim × all nodes)", compared, mismatches, [.. examples]);
    }

    public Outcome CompareFindPodVolumes(IReadOnlyList<(PodInfo Pod, NodeInfo Node)> pairs)
    {
        var examples = new ConcurrentQueue<string>();
        long mismatches = 0;
        Parallel.For(0, pairs.Count, i =>
        {
            var (pod, node) = pairs[i];
            var a = Describe(new VolumeBinder(fast), pod, node);
            var b = Describe(new VolumeBinder(baseline), pod, node);
            if (a == b) return;
            Interlocked.Increment(ref mismatches);
            Note(examples, $"pod {pod.Key} on {node.Name}: index [{a}], baseline [{b}]");
        });
        return new Outcome("FindPodVolumes (pod × node)", pairs.Count, mismatches, [.. examples]);
    }

    public Outcome CompareSchedules(IReadOnlyList<PodInfo> pods)
    {
        var examples = new List<string>();
        long mismatches = 0;
        foreach (var pod in pods)
        {
            var a = Describe(_fastScheduler.Schedule(fast, pod));
            var b = Describe(_baselineScheduler.Schedule(baseline, pod));
            if (a == b) continue;
            mismatches++;
            if (examples.Count < MaxExamples) examples.Add($"pod {pod.Key}: first difference at {FirstDifference(a, b)}");
        }
        return new Outcome("Schedule (whole cycle)", pods.Count, mismatches, examples);
    }

    private static string Describe(VolumeBinder binder, PodInfo pod, NodeInfo node)
    {
        var (status, claims) = binder.GetPodVolumeClaims(pod);
        if (status.Code is not (StatusCode.Success or StatusCode.Skip)) return $"prefilter {status.Code}: {status.Message}";
        var found = binder.FindPodVolumes(claims, node);
        if (found.Error is not null) return $"error {found.Error}";
        if (!found.IsFeasible) return "rejected " + string.Join("; ", found.Reasons);
        var volumes = found.Volumes!;
        return "feasible " + string.Join(", ", volumes.StaticBindings.Select(b => $"{b.Claim.Key}->{b.Volume.Name}"))
            + " | provision " + string.Join(", ", volumes.DynamicProvisions.Select(c => c.Key.ToString()));
    }

    private static string Describe(SchedulingResult result)
    {
        var text = new StringBuilder();
        text.Append("selected ").Append(result.Selected?.Node.Name ?? "none").Append(" | ").Append(result.FailureMessage).Append('\n');
        foreach (var outcome in result.Nodes)
        {
            text.Append(outcome.Node.Name).Append(' ').Append(outcome.Status.Code).Append(' ').Append(outcome.Status.Message)
                .Append(" score ").Append(outcome.TotalScore).Append(' ');
            if (outcome.Volumes is { } volumes)
            {
                foreach (var binding in volumes.StaticBindings) text.Append(binding.Claim.Key).Append("->").Append(binding.Volume.Name).Append(' ');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string FirstDifference(string a, string b)
    {
        var linesA = a.Split('\n');
        var linesB = b.Split('\n');
        for (var i = 0; i < Math.Min(linesA.Length, linesB.Length); i++)
        {
            if (linesA[i] != linesB[i]) return $"line {i}: index [{linesA[i]}], baseline [{linesB[i]}]";
        }
        return $"length: index {linesA.Length} lines, baseline {linesB.Length} lines";
    }

    public static string Describe(ClaimInfo claim) =>
        $"{claim.StorageClassName}, {claim.RequestBytes >> 30}Gi, {claim.VolumeMode}, {claim.AccessModes.ToShortString()}{(claim.Selector is null ? "" : ", selector " + claim.Selector)}";

    private static void Note(ConcurrentQueue<string> examples, string example)
    {
        if (examples.Count < MaxExamples) examples.Enqueue(example);
    }
}
