using VolumeAwareScheduler.Core.Binding;
using VolumeAwareScheduler.Core.Matching;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;
using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.State;

namespace VolumeAwareScheduler.Core.Scheduling;

/// <summary>A candidate PV for a claim on a node, and why it was or was not taken.</summary>
public sealed record CandidateVerdict(string Volume, bool Chosen, string Reason);

/// <summary>What one claim gets on one node: "bound", "static", "provision" or "none", with the candidates weighed.</summary>
public sealed record ClaimExplanation(
    string Claim,
    string Outcome,
    string? Volume,
    IReadOnlyList<CandidateVerdict> Candidates,
    int OmittedCandidates);

/// <summary>One Filter plugin's verdict on one node: its status code ("Success", "Skip" when its PreFilter skipped it, "Unschedulable"...) and reasons.</summary>
public sealed record FilterVerdict(string Plugin, string Code, IReadOnlyList<string> Reasons);

public sealed record NodeExplanation(
    string Node,
    bool Feasible,
    string Plugin,
    IReadOnlyList<string> Reasons,
    long? Score,
    IReadOnlyList<ClaimExplanation> Claims)
{
    /// <summary>Each score plugin's raw, normalized and weighted score (feasible nodes only).</summary>
    public IReadOnlyList<PluginScore> Scores { get; init; } = [];

    /// <summary>
    /// Every Filter plugin's verdict on the node, in the profile's order. The cycle stops at the first rejection (that
    /// plugin is <see cref="Plugin"/>); explain runs the rest too, so that every rule that rejects the node is named.
    /// Empty when PreFilter rejected the pod.
    /// </summary>
    public IReadOnlyList<FilterVerdict> Filters { get; init; } = [];
}

public sealed record PodExplanation(
    string Pod,
    string? PreFilterMessage,
    string? SelectedNode,
    string? Message,
    IReadOnlyList<NodeExplanation> Nodes,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Explains one scheduling decision: per node, the verdict, every reason, the PV each claim would get, or why each
/// candidate PV of the claim's class was not taken; and warnings about traps that the decision follows faithfully but
/// users do not expect. Read-only; runs the same cycle as <see cref="SchedulingFramework.Schedule"/>.
/// </summary>
public static class Explainer
{
    public const int DefaultMaxCandidates = 10;

    /// <summary>How many PVs a warning names before it only counts them.</summary>
    public const int MaxNamedVolumes = 5;

    public static PodExplanation Explain(ClusterState state, SchedulingFramework framework, PodInfo pod,
        IReadOnlyList<NodeInfo>? nodes = null, int maxCandidates = DefaultMaxCandidates)
    {
        var result = framework.Schedule(state, pod, nodes);
        var preFilterFailed = result.PreFilter.IsRejected;
        var claims = VolumeBinding.ClaimsOf(result.Cycle) ?? PodVolumeClaims.None;
        var explained = new List<NodeExplanation>(result.Nodes.Count);
        foreach (var outcome in result.Nodes)
        {
            var perClaim = preFilterFailed ? [] : ExplainClaims(state, claims, outcome, maxCandidates);
            explained.Add(new NodeExplanation(
                outcome.Node.Name,
                outcome.Status.IsSuccess,
                outcome.Status.IsSuccess ? "" : outcome.Status.Plugin,
                outcome.Status.Reasons,
                outcome.Status.IsSuccess ? outcome.TotalScore : null,
                perClaim) { Scores = outcome.Scores, Filters = preFilterFailed ? [] : FilterVerdicts(framework, result.Cycle, pod, outcome) });
        }
        return new PodExplanation(
            pod.Key.ToString(),
            preFilterFailed ? result.PreFilter.Message : null,
            result.Selected?.Node.Name,
            result.FailureMessage,
            explained,
            Warnings(state, pod));
    }

    /// <summary>
    /// Traps in the pod's claims and their PVs:
    /// <list type="bullet">
    /// <item>a claim whose volume.kubernetes.io/selected-node names a node that no longer exists: FindPodVolumes rejects
    /// every other node for it (kubernetes/kubernetes#125491 is how clusters get there);</item>
    /// <item>PVs whose node affinity has matchFields terms: CheckNodeAffinity (component-helpers/storage/volume/helpers.go)
    /// matches the PV's terms against a node built from the labels alone, and nodeaffinity.go reads matchFields only for
    /// a node with a name, so matchFields never restrict a PV, in the scheduler as in the kubelet
    /// (rancher/local-path-provisioner#451, kubernetes/kubernetes#82562).</item>
    /// </list>
    /// The PVs looked at are the bound claims' PVs and, for the unbound ones, the PVs of their class that they could get.
    /// </summary>
    public static IReadOnlyList<string> Warnings(ClusterState state, PodInfo pod)
    {
        var warnings = new List<string>();
        var fieldVolumes = new SortedSet<string>(StringComparer.Ordinal);
        var seenClasses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in pod.Claims)
        {
            if (state.GetClaim(new ObjectKey(pod.Key.Namespace, reference.ClaimName)) is not { } claim) continue;
            if (claim.SelectedNode is { } selected && !claim.IsFullyBound && state.GetNode(selected) is null)
            {
                warnings.Add($"claim {claim.Key} has {SelectedNodeAnnotation}: {selected}, a node that no longer exists: every node is rejected "
                    + $"for this claim (\"{Reasons.BindConflict}\") until the annotation is removed. A CSI external-provisioner removes it when it "
                    + $"next handles the claim; otherwise remove it: kubectl annotate pvc -n {claim.Key.Namespace} {claim.Key.Name} {SelectedNodeAnnotation}-");
            }
            if (claim.VolumeName.Length > 0)
            {
                if (state.Volumes.Get(claim.VolumeName) is { } bound && HasMatchFields(bound)) fieldVolumes.Add(bound.Name);
                continue;
            }
            if (!seenClasses.Add(claim.StorageClassName)) continue;
            foreach (var volume in state.Volumes.ListByClass(claim.StorageClassName))
            {
                if ((volume.IsFree || volume.IsBoundTo(claim)) && HasMatchFields(volume)) fieldVolumes.Add(volume.Name);
            }
        }
        if (fieldVolumes.Count > 0)
        {
            var named = string.Join(", ", fieldVolumes.Take(MaxNamedVolumes));
            var more = fieldVolumes.Count > MaxNamedVolumes ? $" and {fieldVolumes.Count - MaxNamedVolumes} more" : "";
            warnings.Add($"{fieldVolumes.Count} PV(s) ({named}{more}) have node affinity terms with matchFields, which kube-scheduler and the kubelet "
                + "ignore for PersistentVolumes: a term of matchFields alone matches every node, and in a term with matchExpressions only those count. "
                + "Select the node with matchExpressions on kubernetes.io/hostname instead (rancher/local-path-provisioner#451).");
        }
        return warnings;
    }

    /// <summary>
    /// Every Filter plugin of the profile on the node, each run on its own (RunFilterPlugins stops at the first
    /// rejection; here the later plugins still run, each reading only its own PreFilter state).
    /// </summary>
    private static List<FilterVerdict> FilterVerdicts(SchedulingFramework framework, CycleState cycle, PodInfo pod, NodeOutcome outcome)
    {
        var verdicts = new List<FilterVerdict>(framework.Profile.Filter.Count);
        foreach (var plugin in framework.Profile.Filter)
        {
            var status = cycle.SkipsFilter(plugin.Name) ? Status.Skip(plugin.Name) : plugin.Filter(cycle, pod, outcome.Node, outcome.NodeIndex);
            verdicts.Add(new FilterVerdict(plugin.Name, status.Code.ToString(), status.Reasons));
        }
        return verdicts;
    }

    private const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

    private static bool HasMatchFields(VolumeInfo volume) =>
        volume.NodeAffinity is { } affinity && affinity.Terms.Any(t => !t.MatchFields.IsEmpty);

    private static List<ClaimExplanation> ExplainClaims(ClusterState state, PodVolumeClaims claims, NodeOutcome outcome, int maxCandidates)
    {
        var list = new List<ClaimExplanation>();
        foreach (var claim in claims.BoundClaims)
        {
            var volume = state.Volumes.Get(claim.VolumeName);
            var verdict = volume is null
                ? new CandidateVerdict(claim.VolumeName, false, "bound to a PV that does not exist")
                : new CandidateVerdict(volume.Name, SelectorMatching.VolumeFitsNode(volume, outcome.Node),
                    SelectorMatching.VolumeFitsNode(volume, outcome.Node) ? "bound; reaches this node" : $"bound; node affinity {volume.NodeAffinity} does not match this node");
            list.Add(new ClaimExplanation(claim.Key.ToString(), "bound", claim.VolumeName, [verdict], 0));
        }

        var volumes = outcome.Volumes;
        var chosenForPod = volumes?.StaticBindings.ToDictionary(b => b.Claim.Key, b => b.Volume.Name) ?? [];
        foreach (var claim in claims.UnboundClaimsDelayBinding)
        {
            chosenForPod.TryGetValue(claim.Key, out var chosen);
            var provisioned = volumes?.DynamicProvisions.Any(c => c.Key == claim.Key) == true;
            // A node another filter rejected never reached volume binding: say so, and still show how its PVs would fare.
            var rejectedEarlier = !outcome.Status.IsSuccess && outcome.Status.Plugin != VolumeBinding.PluginName;
            var outcomeName = chosen is not null ? "static" : provisioned ? "provision" : rejectedEarlier ? $"not evaluated (node rejected by {outcome.Status.Plugin})" : "none";
            var otherChoices = chosenForPod.Where(p => p.Key != claim.Key).Select(p => p.Value).ToHashSet(StringComparer.Ordinal);
            var candidates = new List<CandidateVerdict>();
            var chosenVolume = chosen is null ? null : state.Volumes.Get(chosen);
            var all = state.Volumes.ListByClass(claim.StorageClassName);
            // The chosen PV first, then the closest misses: same size order as the matcher.
            foreach (var volume in all.OrderBy(v => v.Name == chosen ? 0 : 1).ThenBy(v => Math.Abs(v.CapacityBytes - claim.RequestBytes)).ThenBy(v => v.Name, StringComparer.Ordinal))
            {
                if (candidates.Count >= maxCandidates) break;
                if (volume.Name == chosen)
                {
                    candidates.Add(new CandidateVerdict(volume.Name, true, $"chosen: smallest fit ({ByteSize.Format(volume.CapacityBytes)} for {ByteSize.Format(claim.RequestBytes)}, {ByteSize.Format(volume.CapacityBytes - claim.RequestBytes)} unused)"));
                    continue;
                }
                var rejection = VolumeMatching.Check(claim, volume, outcome.Node, otherChoices, delayBinding: true, out var boundToClaim);
                if (rejection == VolumeRejection.None && !boundToClaim)
                {
                    rejection = chosenVolume is not null ? VolumeRejection.LargerThanChosen : VolumeRejection.None;
                }
                candidates.Add(new CandidateVerdict(volume.Name, false, Describe(rejection, claim, volume)));
            }
            if (chosen is null && provisioned)
            {
                candidates.Insert(0, new CandidateVerdict("(dynamic)", true, $"no static PV fits; class \"{claim.StorageClassName}\" can provision on this node"));
            }
            list.Add(new ClaimExplanation(claim.Key.ToString(), outcomeName, chosen, candidates, Math.Max(0, all.Count - candidates.Count(c => c.Volume != "(dynamic)"))));
        }
        return list;
    }

    private static string Describe(VolumeRejection rejection, ClaimInfo claim, VolumeInfo volume) => rejection switch
    {
        VolumeRejection.Excluded => "chosen for another claim of this pod",
        VolumeRejection.ClaimedByOther => $"claimed by {volume.ClaimRef!.Key}",
        VolumeRejection.TooSmall => $"too small: {ByteSize.Format(volume.CapacityBytes)} < request {ByteSize.Format(claim.RequestBytes)}",
        VolumeRejection.VolumeModeMismatch => $"volumeMode {volume.VolumeMode}, claim wants {claim.VolumeMode}",
        VolumeRejection.VolumeAttributesClassMismatch =>
            $"volumeAttributesClassName {Quoted(volume.VolumeAttributesClassName)}, claim wants {Quoted(claim.VolumeAttributesClassName)}",
        VolumeRejection.BeingDeleted => "being deleted",
        VolumeRejection.NodeAffinityMismatch => $"node affinity {volume.NodeAffinity} does not match this node",
        VolumeRejection.NotAvailable => $"phase {volume.Phase}, not Available",
        VolumeRejection.SelectorMismatch => $"labels do not match the claim's selector {claim.Selector}",
        VolumeRejection.StorageClassMismatch => $"storage class \"{volume.StorageClassName}\"",
        VolumeRejection.AccessModesMismatch => $"access modes {volume.AccessModes.ToShortString()} lack {claim.AccessModes.ToShortString()}",
        VolumeRejection.LargerThanChosen => "fits, but a smaller PV was chosen",
        _ => "fits",
    };

    /// <summary>A class name as users write it; an unset one says so.</summary>
    private static string Quoted(string name) => name.Length == 0 ? "(unset)" : $"\"{name}\"";
}
