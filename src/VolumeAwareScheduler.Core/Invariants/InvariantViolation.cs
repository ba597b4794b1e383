namespace VolumeAwareScheduler.Core.Invariants;

/// <summary>One broken invariant: which one, and one sentence naming the objects involved.</summary>
public sealed record InvariantViolation(Invariant Invariant, string Message)
{
    public override string ToString() => Message;
}
