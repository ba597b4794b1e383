using System.Collections.Immutable;
using System.Text;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Tests.Scheduling.Framework;

/// <summary>
/// VolumeBinding's PreFilter names the nodes where every WaitForFirstConsumer claim whose class cannot provision has a
/// free PV (<see cref="CandidateNodes"/>), and the framework filters only those. That must change no output: for
/// generated clusters (tainted and cordoned nodes, so that plugins before VolumeBinding reject nodes first; claims
/// bound to PVs, so that bound-claim reasons vary by node; a class that provisions, so that some pods are not
/// narrowed), the same pods scheduled one after another with and without candidate nodes give the same selected node,
/// every node's status, the FitError message and the same round-robin start (percentageOfNodesToScore samples), in the
/// default profile and in the extender's.
/// </summary>
public class CandidateNodesPropertyTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 10)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Filtering_only_the_candidate_nodes_changes_no_output(int seed)
    {
        var rng = new Random(seed * 7919);
        var state = GeneratedState(seed, rng, out var claims);
        var profiles = new (string Name, Func<Profile> Make, bool Sample)[]
        {
            ("default, adaptive percentage", () => Profiles.Default(), true),
            ("default, 10 percent", () => Profiles.Default(percentageOfNodesToScore: 10), true),
            ("extender", () => Profiles.Extender(), false),
        };
        var failures = new StringBuilder();
        int narrowed = 0, ruledOutRead = 0, unschedulable = 0, earlierPlugin = 0, boundReasons = 0;

        foreach (var (name, make, sample) in profiles)
        {
            var withCandidates = new SchedulingFramework(make());
            var everyNode = new SchedulingFramework(make()) { UsesCandidateNodes = false };
            for (var p = 0; p < 40; p++)
            {
                var pod = Pod(rng, claims, p);
                using var got = sample ? withCandidates.Schedule(state, pod) : withCandidates.FilterAll(state, pod, state.Nodes);
                using var want = sample ? everyNode.Schedule(state, pod) : everyNode.FilterAll(state, pod, state.Nodes);
                if (got.Cycle.Candidates is { } candidates && candidates.Count < state.Nodes.Count)
                {
                    narrowed++;
                    ruledOutRead += got.Nodes.Count - candidates.Count;
                }
                var (gotText, wantText) = (Describe(got), Describe(want));
                if (gotText != wantText) failures.AppendLine($"  {name}, pod {p}:\n    with candidates: {gotText}\n    every node:      {wantText}");
                if (want.Selected is null && want.Error is null && !want.PreFilter.IsRejected)
                {
                    unschedulable++;
                    var message = want.FailureMessage!;
                    if (message.Contains("untolerated taint", StringComparison.Ordinal) || message.Contains("unschedulable", StringComparison.Ordinal)) earlierPlugin++;
                    if (message.Contains(Reasons.NodeConflict, StringComparison.Ordinal)) boundReasons++;
                }
            }
        }

        Assert.True(failures.Length == 0, $"seed {seed}:\n{failures}");
        // The generator must exercise the narrowed path, statuses read for ruled-out nodes, and every kind of reason.
        Assert.True(narrowed > 0, $"seed {seed}: no cycle was narrowed to candidate nodes");
        Assert.True(ruledOutRead > 0, $"seed {seed}: no ruled-out node's status was read");
        Assert.True(unschedulable > 0 && earlierPlugin > 0, $"seed {seed}: {unschedulable} unschedulable pod(s), {earlierPlugin} with an earlier plugin's reason");
        _ = boundReasons; // seeds differ in whether a pod with a bound claim fits nowhere: counted, not required
    }

    [Fact]
    public void Bound_claim_reasons_and_earlier_plugins_reach_the_FitError_of_a_narrowed_cycle()
    {
        // Summed over seeds, so that each kind of reason is known to be compared at least once.
        int boundReasons = 0, taints = 0;
        foreach (var seed in Enumerable.Range(1, 10))
        {
            var rng = new Random(seed * 7919);
            var state = GeneratedState(seed, rng, out var claims);
            var framework = new SchedulingFramework(Profiles.Default());
            for (var p = 0; p < 40; p++)
            {
                using var result = framework.Schedule(state, Pod(rng, claims, p));
                if (result.Cycle.Candidates is null || result.Selected is not null || result.Error is not null) continue;
                var message = result.FailureMessage!;
                if (message.Contains(Reasons.NodeConflict, StringComparison.Ordinal)) boundReasons++;
                if (message.Contains("untolerated taint", StringComparison.Ordinal)) taints++;
            }
        }
        Assert.True(boundReasons > 0, "no narrowed cycle reported a bound claim's node conflict");
        Assert.True(taints > 0, "no narrowed cycle reported TaintToleration's reason");
    }

    private static ClusterState GeneratedState(int seed, Random rng, out List<ClaimInfo> claims)
    {
        var cluster = ClusterGenerator.Generate(seed, nodes: 300, volumes: 1500, claims: 30);
        var state = new ClusterState(new VolumeIndex());
        foreach (var storageClass in cluster.StorageClasses)
        {
            // "zonal" provisions: its pods are not narrowed, and mixed pods must not be either.
            state.UpsertStorageClass(storageClass.Name == "zonal" ? storageClass with { Provisioner = "zonal.csi.example.com" } : storageClass);
        }
        foreach (var node in cluster.Nodes)
        {
            var roll = rng.Next(12);
            state.UpsertNode(roll switch
            {
                0 => node with { Taints = [new Taint("dedicated", "infra", TaintEffect.NoSchedule)] },
                1 => node with { Unschedulable = true },
                _ => node,
            });
        }
        var volumes = cluster.Volumes.ToDictionary(v => v.Name, StringComparer.Ordinal);
        claims = [];
        foreach (var claim in cluster.Claims)
        {
            // Every fifth claim is bound to a free PV of its class: its PV's affinity rules nodes out with NodeConflict.
            var free = claims.Count % 5 == 0
                ? volumes.Values.Where(v => v.IsFree && v.StorageClassName == claim.StorageClassName && v.NodeAffinity is not null).OrderBy(v => v.Name, StringComparer.Ordinal).FirstOrDefault()
                : null;
            if (free is null)
            {
                claims.Add(claim);
                continue;
            }
            volumes[free.Name] = free with { ClaimRef = new ClaimReference(claim.Key.Namespace, claim.Key.Name, claim.Uid), Phase = VolumePhase.Bound };
            claims.Add(claim with { VolumeName = free.Name, BindCompleted = true, Phase = ClaimPhase.Bound });
        }
        foreach (var volume in volumes.Values) state.Volumes.Upsert(volume);
        foreach (var claim in claims) state.UpsertClaim(claim);
        return state;
    }

    /// <summary>A pod of one to three claims of one namespace (sometimes none, sometimes one named twice).</summary>
    private static PodInfo Pod(Random rng, List<ClaimInfo> claims, int p)
    {
        var ns = claims[rng.Next(claims.Count)].Key.Namespace;
        var sameNamespace = claims.Where(c => c.Key.Namespace == ns).ToList();
        var picked = rng.Next(10) == 0 ? [] : Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => sameNamespace[rng.Next(sameNamespace.Count)]).ToList();
        if (picked.Count > 0 && rng.Next(8) == 0) picked.Add(picked[0]);
        var builder = Make.Pod(ns, $"pod-{p}");
        if (rng.Next(4) == 0) builder.Tolerating(new Toleration("dedicated", TolerationOperator.Equal, "infra", TaintEffect.NoSchedule));
        return builder.Build() with { Claims = [.. picked.Select((c, i) => new PodClaimReference($"v{i}", c.Key.Name, IsEphemeral: false, ReadOnly: false))] };
    }

    /// <summary>Everything a user or the next cycle can see: selected node, FitError, each evaluated node's status and volumes.</summary>
    private static string Describe(SchedulingResult result)
    {
        var text = new StringBuilder($"selected {result.Selected?.Node.Name} | error {result.Error} | {result.FailureMessage} | nominated {result.NominatedNodeName}\n");
        for (var i = 0; i < result.NodeCount; i++)
        {
            if (result.StatusAt(i) is not { } status) continue;
            text.Append("      ").Append(result.Cycle.Nodes[i].Name).Append(' ').Append(status.Code).Append(' ').Append(status.Plugin).Append(' ').Append(status.Message);
            var outcome = result.OutcomeAt(i)!;
            text.Append(' ').Append(outcome.TotalScore);
            foreach (var binding in outcome.Volumes?.StaticBindings ?? []) text.Append(' ').Append(binding.Claim.Key).Append("->").Append(binding.Volume.Name);
            text.Append('\n');
        }
        text.Append("      failed nodes ").Append(string.Join(";", result.FailedNodes.Select(p => $"{p.Key}={p.Value}")));
        return text.ToString();
    }
}
