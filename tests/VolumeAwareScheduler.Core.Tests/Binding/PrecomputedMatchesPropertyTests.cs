using System.Text;
using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Tests.Binding;

/// <summary>
/// A scheduling cycle computes each unbound delayed claim's best PV on every node once
/// (<see cref="VolumeBinder.PrepareMatches"/>) and FindPodVolumes reads it per node. That must change no answer: for
/// generated clusters and pods of one to four claims (same-class twins that compete for the same PVs, a claim named
/// twice, claims with prebound PVs), FindPodVolumes with the precomputed matches equals FindPodVolumes without them on
/// every node, and a whole cycle on the fast index equals one on <see cref="LinearVolumeIndex"/>.
/// </summary>
public class PrecomputedMatchesPropertyTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FindPodVolumes_with_precomputed_matches_answers_as_without(int seed)
    {
        var cluster = ClusterGenerator.Generate(seed, nodes: 60, volumes: 600, claims: 12);
        var rng = new Random(seed * 31);
        // Twins: same class, size and modes under another name, so that two claims of a pod want the same PVs.
        var claims = cluster.Claims.Concat(cluster.Claims.Select(c => c with { Key = new ObjectKey(c.Key.Namespace, c.Key.Name + "-twin"), Uid = c.Uid + "-twin" })).ToList();
        var fastIndex = new VolumeIndex { AlwaysBatch = seed % 2 == 0 }; // odd seeds leave small node lists to the per-node path
        var fast = State(cluster, claims, fastIndex);
        var linear = State(cluster, claims, new LinearVolumeIndex());
        var fastScheduler = new SchedulingFramework(Profiles.Default());
        var linearScheduler = new SchedulingFramework(Profiles.Default());
        var binder = new VolumeBinder(fast);
        var failures = new StringBuilder();
        var feasible = 0;

        for (var p = 0; p < 40; p++)
        {
            var pod = Make.Pod(claims[rng.Next(claims.Count)].Key.Namespace, $"pod-{p}").Build();
            var sameNamespace = claims.Where(c => c.Key.Namespace == pod.Key.Namespace).ToList();
            var picked = Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => sameNamespace[rng.Next(sameNamespace.Count)]).ToList();
            if (rng.Next(5) == 0) picked.Add(picked[0]); // the same claim twice
            pod = pod with { Claims = [.. picked.Select((c, i) => new PodClaimReference($"v{i}", c.Key.Name, IsEphemeral: false, ReadOnly: false))] };

            var (status, podClaims) = binder.GetPodVolumeClaims(pod);
            if (status.IsSuccess)
            {
                var nodes = rng.Next(3) == 0 ? (IReadOnlyList<NodeInfo>)[.. fast.Nodes.OrderBy(_ => rng.Next()).Take(1 + rng.Next(10))] : fast.Nodes;
                var matches = binder.PrepareMatches(podClaims, nodes);
                for (var i = 0; i < nodes.Count; i++)
                {
                    var want = Describe(binder.FindPodVolumes(podClaims, nodes[i]));
                    var got = Describe(binder.FindPodVolumes(podClaims, nodes[i], matches, i));
                    if (want.StartsWith("feasible", StringComparison.Ordinal)) feasible++;
                    if (want != got) failures.AppendLine($"  pod {p} ({string.Join(", ", picked.Select(c => c.Key.Name))}) on {nodes[i].Name}: per node [{want}], precomputed [{got}]");
                }
            }

            var cycle = Describe(fastScheduler.Schedule(fast, pod));
            var baseline = Describe(linearScheduler.Schedule(linear, pod));
            if (cycle != baseline) failures.AppendLine($"  pod {p} ({string.Join(", ", picked.Select(c => c.Key.Name))}): Schedule differs from the linear baseline");
        }

        Assert.True(failures.Length == 0, $"seed {seed}:\n{failures}");
        Assert.True(feasible > 0, $"seed {seed}: no pod was feasible anywhere; the generator is not exercising the binder");
    }

    private static ClusterState State(GeneratedCluster cluster, IEnumerable<ClaimInfo> claims, IVolumeIndex index)
    {
        var state = new ClusterState(index);
        foreach (var storageClass in cluster.StorageClasses) state.UpsertStorageClass(storageClass);
        foreach (var node in cluster.Nodes) state.UpsertNode(node);
        foreach (var volume in cluster.Volumes) index.Upsert(volume);
        foreach (var claim in claims) state.UpsertClaim(claim);
        return state;
    }

    private static string Describe(FindResult found) =>
        found.Error is not null ? "error " + found.Error
        : !found.IsFeasible ? "rejected " + string.Join("; ", found.Reasons)
        : "feasible " + string.Join(", ", found.Volumes!.StaticBindings.Select(b => $"{b.Claim.Key}->{b.Volume.Name}"))
          + " | provision " + string.Join(", ", found.Volumes.DynamicProvisions.Select(c => c.Key.ToString()));

    private static string Describe(SchedulingResult result)
    {
        var text = new StringBuilder($"{result.Selected?.Node.Name} | {result.FailureMessage}\n");
        foreach (var outcome in result.Nodes)
        {
            text.Append(outcome.Node.Name).Append(' ').Append(outcome.Status.Code).Append(' ').Append(outcome.Status.Message).Append(' ').Append(outcome.TotalScore);
            foreach (var binding in outcome.Volumes?.StaticBindings ?? []) text.Append(' ').Append(binding.Claim.Key).Append("->").Append(binding.Volume.Name);
            text.Append('\n');
        }
        return text.ToString();
    }
}
