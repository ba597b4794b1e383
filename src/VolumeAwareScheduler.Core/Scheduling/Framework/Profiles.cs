using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// The profiles each mode runs. <see cref="Default"/> follows getDefaultPlugins
/// (pkg/scheduler/apis/config/v1/default_plugins.go, Kubernetes v1.37) with the plugins this scheduler implements, in
/// upstream's order and with upstream's weights; our one change is VolumeBinding's scoring shape (best fit).
/// </summary>
public static class Profiles
{
    /// <summary>The schedulerName pods set to be scheduled by <c>run</c>.</summary>
    public const string DefaultSchedulerName = "volume-aware-scheduler";

    /// <summary>The default profile of <c>run</c> and <c>simulate</c>.</summary>
    public static Profile Default(string schedulerName = DefaultSchedulerName, VolumeBindingArgs? volumeBinding = null, int percentageOfNodesToScore = 0,
        PodTopologySpreadArgs? podTopologySpread = null, InterPodAffinityArgs? interPodAffinity = null)
    {
        var nodeUnschedulable = new NodeUnschedulable();
        var nodeName = new NodeName();
        var taintToleration = new TaintToleration();
        var nodeAffinity = new NodeAffinity();
        var fit = new NodeResourcesFit();
        var restrictions = new VolumeRestrictions();
        var binding = new VolumeBinding(volumeBinding ?? new VolumeBindingArgs());
        var spread = new PodTopologySpread(podTopologySpread);
        var interPod = new InterPodAffinity(interPodAffinity);
        return new Profile
        {
            SchedulerName = schedulerName,
            QueueSort = new PrioritySort(),
            PreFilter = [nodeAffinity, restrictions, binding, spread, interPod],
            Filter = [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, fit, restrictions, binding, spread, interPod],
            PreScore = [taintToleration, nodeAffinity, binding, spread, interPod],
            Score = [new(taintToleration, 3), new(nodeAffinity, 2), new(fit, 1), new(binding, 1), new(spread, 2), new(interPod, 2)],
            Reserve = [binding],
            PercentageOfNodesToScore = percentageOfNodesToScore,
        };
    }

    /// <summary>
    /// The extender's profile (<c>serve</c>): VolumeBinding alone. kube-scheduler ran its other plugins before asking
    /// us, and its profile disables only the in-tree VolumeBinding.
    /// </summary>
    public static Profile Extender(string schedulerName = DefaultSchedulerName, VolumeBindingArgs? volumeBinding = null)
    {
        var binding = new VolumeBinding(volumeBinding ?? new VolumeBindingArgs());
        return new Profile
        {
            SchedulerName = schedulerName,
            QueueSort = new PrioritySort(),
            PreFilter = [binding],
            Filter = [binding],
            PreScore = [binding],
            Score = [new(binding, 1)],
            Reserve = [binding],
            PercentageOfNodesToScore = 100,
        };
    }
}
