namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>The outcome of <see cref="GracefulDeletion.Decide"/>: for <see cref="DeletionAction.Graceful"/>, the period and when it ends.</summary>
internal readonly record struct DeletionDecision(DeletionAction Action, long GracePeriodSeconds, DateTimeOffset DeletionTimestamp);
