using VolumeAwareScheduler.Core.Index;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Extender;
using VolumeAwareScheduler.Testing;

namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// The extender's filter answers a request with one all-nodes index query per claim and reuses the previous request's
/// resolved node list when it names the same nodes. Neither may change an answer: for generated clusters, pods of one
/// to three claims and candidate lists with unknown and repeated names, asked twice in a row and then in another
/// order, every verdict equals <see cref="ExtenderCycle.FilterNode"/> asked node by node; and so does every status of
/// the form the filter reply uses (statuses only, no volumes built).
/// </summary>
public sealed class BatchedFilterPropertyTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Filter_over_many_nodes_equals_the_per_node_verdicts(int seed)
    {
        var cluster = ClusterGenerator.Generate(seed, nodes: 300, volumes: 3000, claims: 30);
        var state = new ClusterState(new VolumeIndex());
        foreach (var storageClass in cluster.StorageClasses) state.UpsertStorageClass(storageClass);
        foreach (var node in cluster.Nodes) state.UpsertNode(node);
        foreach (var volume in cluster.Volumes) state.Volumes.Upsert(volume);
        foreach (var claim in cluster.Claims) state.UpsertClaim(claim);
        var extender = new ExtenderCycle(new SchedulingFramework(Profiles.Extender()), new SchedulingFramework(Profiles.Default()));
        var binder = new VolumeAwareScheduler.Core.Binding.VolumeBinder(state);
        var rng = new Random(seed);
        var mismatches = new List<string>();
        var feasible = 0;
        var compared = 0;

        for (var p = 0; p < 12; p++)
        {
            var namespaceOf = cluster.Claims[rng.Next(cluster.Claims.Count)].Key.Namespace;
            var sameNamespace = cluster.Claims.Where(c => c.Key.Namespace == namespaceOf).ToList();
            var picked = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => sameNamespace[rng.Next(sameNamespace.Count)]).Distinct().ToList();
            var pod = Make.Pod(namespaceOf, $"pod-{p}").Build() with
            {
                Claims = [.. picked.Select((c, i) => new PodClaimReference($"v{i}", c.Key.Name, IsEphemeral: false, ReadOnly: false))],
            };
            var names = cluster.Nodes.Select(n => n.Name).Where(_ => rng.Next(10) > 0).ToList();
            names.Insert(rng.Next(names.Count), "ghost-node");
            names.Add(names[rng.Next(names.Count)]);
            var (preFilter, _) = binder.GetPodVolumeClaims(pod);
            if (!preFilter.IsSuccess) continue; // a PreFilter rejection holds for every node: no per-node decision to compare
            var expectedVerdicts = names.Select(name => extender.FilterNode(state, pod, name)).ToList();
            var expected = expectedVerdicts.Select(Describe).ToList();
            compared++;

            // The same list twice (the second reuses the resolved nodes), then reversed; in parallel and not.
            foreach (var (list, parallel) in new[] { (names, true), (names, false), (Enumerable.Reverse(names).ToList(), true) })
            {
                using var decision = extender.Filter(state, pod, list, parallel);
                var want = ReferenceEquals(list, names) ? expected : Enumerable.Reverse(expected).ToList();
                var got = decision.Nodes.Select(Describe).ToList();
                for (var i = 0; i < list.Count; i++)
                {
                    if (got[i] != want[i]) mismatches.Add($"pod {p} on {list[i]} (parallel {parallel}): batched [{got[i]}], per node [{want[i]}]");
                }
            }

            // The filter reply's form: statuses only, no volumes built; the same statuses.
            using (var statuses = extender.Filter(state, pod, names, parallel: false, volumes: false))
            {
                var got = statuses.Nodes.Select(v => Describe(v with { Volumes = null })).ToList();
                for (var i = 0; i < names.Count; i++)
                {
                    var want = Describe(expectedVerdicts[i] with { Volumes = null });
                    if (got[i] != want) mismatches.Add($"pod {p} on {names[i]} (statuses only): batched [{got[i]}], per node [{want}]");
                }
            }
            feasible += expected.Count(e => e.StartsWith("Success", StringComparison.Ordinal));
        }

        Assert.True(mismatches.Count == 0, $"seed {seed}: {mismatches.Count} verdict(s) differ:\n" + string.Join("\n", mismatches.Take(5)));
        Assert.True(compared >= 3, $"seed {seed}: only {compared} pod(s) passed PreFilter; the generator is not exercising the filter");
        Assert.True(feasible > 0, $"seed {seed}: no pod fits anywhere; the generator is not exercising the binder");
    }

    private static string Describe(NodeVerdict verdict) =>
        $"{verdict.Status.Code} {verdict.Status.Message} "
        + string.Join(", ", verdict.Volumes?.StaticBindings.Select(b => $"{b.Claim.Key}->{b.Volume.Name}") ?? [])
        + " | " + string.Join(", ", verdict.Volumes?.DynamicProvisions.Select(c => c.Key.ToString()) ?? []);
}
