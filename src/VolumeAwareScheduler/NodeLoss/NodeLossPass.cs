using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.NodeLoss;

namespace VolumeAwareScheduler.NodeLoss;

/// <summary>One pass of the <see cref="NodeLossController"/>: when, what the policy planned, and the claims it deleted.</summary>
public sealed record NodeLossPass(DateTimeOffset At, NodeLossPlan Plan, IReadOnlyList<ObjectKey> Released);
