namespace VolumeAwareScheduler.ApiEmulator.Resources;

/// <summary>What a delete does to an object that supports graceful deletion.</summary>
internal enum DeletionAction
{
    /// <summary>Remove now (finalizers still honoured).</summary>
    Immediate,

    /// <summary>Already being deleted at least as soon as asked: leave it as it is.</summary>
    Pending,

    /// <summary>Set <c>deletionTimestamp</c> and <c>deletionGracePeriodSeconds</c>; the kubelet removes it later.</summary>
    Graceful,
}
