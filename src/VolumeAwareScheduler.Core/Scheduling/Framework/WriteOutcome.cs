namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>What an <see cref="IBindingClient"/> write came to: done, or why not (a conflict, a refusal, a timeout).</summary>
public readonly record struct WriteOutcome(string? Error)
{
    public static WriteOutcome Ok => default;

    public bool Succeeded => Error is null;

    public static WriteOutcome Fail(string error) => new(error);
}
