using System.Collections.Frozen;

namespace VolumeAwareScheduler.Core.Model;

/// <summary>
/// What preemption reads of a policy/v1 PodDisruptionBudget: its selector (null for a missing or invalid one: it
/// matches nothing), status.disruptionsAllowed and the names in status.disruptedPods (evictions the API server already
/// counted).
/// </summary>
public sealed record PodDisruptionBudgetInfo
{
    public required ObjectKey Key { get; init; }
    public LabelSelector? Selector { get; init; }
    public int DisruptionsAllowed { get; init; }
    public FrozenSet<string> DisruptedPods { get; init; } = FrozenSet<string>.Empty;
}
