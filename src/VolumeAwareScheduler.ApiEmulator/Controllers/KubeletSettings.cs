namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>The simulated kubelet's timing, taken from <see cref="ApiEmulatorOptions"/>.</summary>
internal sealed record KubeletSettings(TimeSpan PodStartupDelay, TimeSpan LeaseRenewInterval, TimeSpan StatusReportInterval)
{
    /// <summary>The kubelet's default node lease duration (KubeletConfiguration nodeLeaseDurationSeconds).</summary>
    public const int LeaseDurationSeconds = 40;

    public static KubeletSettings From(ApiEmulatorOptions options) =>
        new(options.PodStartupDelay, options.NodeLeaseRenewInterval, options.NodeStatusReportInterval);
}
