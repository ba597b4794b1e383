using VolumeAwareScheduler.Core.Scheduling.Plugins;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>
/// The profiles each mode runs, built through <see cref="InTreeRegistry"/> as a configuration's would be.
/// <see cref="Default"/> is what an empty KubeSchedulerConfiguration decodes to: upstream's default plugins
/// (pkg/scheduler/apis/config/v1/default_plugins.go, Kubernetes v1.37) that this scheduler implements, in upstream's
/// order and with upstream's weights; our one change is VolumeBinding's scoring shape (best fit).
/// </summary>
public static class Profiles
{
    /// <summary>The schedulerName pods set to be scheduled by <c>run</c>.</summary>
    public const string DefaultSchedulerName = "volume-aware-scheduler";

    /// <summary>The default profile of <c>run</c> and <c>simulate</c>.</summary>
    public static Profile Default(string schedulerName = DefaultSchedulerName, VolumeBindingArgs? volumeBinding = null, int percentageOfNodesToScore = 0,
        NodeResourcesFitArgs? nodeResourcesFit = null, NodeResourcesBalancedAllocationArgs? balancedAllocation = null,
        PodTopologySpreadArgs? podTopologySpread = null, InterPodAffinityArgs? interPodAffinity = null)
    {
        var config = ProfileConfig.Default(InTreeRegistry.Plugins, schedulerName) with { PercentageOfNodesToScore = percentageOfNodesToScore };
        if (volumeBinding is not null) config = config.WithArgs(VolumeBinding.PluginName, volumeBinding);
        if (nodeResourcesFit is not null) config = config.WithArgs(NodeResourcesFit.PluginName, nodeResourcesFit);
        if (balancedAllocation is not null) config = config.WithArgs(NodeResourcesBalancedAllocation.PluginName, balancedAllocation);
        if (podTopologySpread is not null) config = config.WithArgs(PodTopologySpread.PluginName, podTopologySpread);
        if (interPodAffinity is not null) config = config.WithArgs(InterPodAffinity.PluginName, interPodAffinity);
        return InTreeRegistry.Plugins.Build(config);
    }

    /// <summary>
    /// The extender's profile (<c>serve</c>): VolumeBinding alone (and the queue sort and binder every profile has).
    /// kube-scheduler ran its other plugins before asking us, and its profile disables only the in-tree VolumeBinding.
    /// Every node it asks about is evaluated (percentageOfNodesToScore 100). Its bind verb is Reserve, PreBind
    /// (VolumeBinding) and Bind (DefaultBinder).
    /// </summary>
    public static Profile Extender(string schedulerName = DefaultSchedulerName, VolumeBindingArgs? volumeBinding = null)
    {
        var multiPoint = new PluginSet([new PluginSpec(PrioritySort.PluginName), new PluginSpec(VolumeBinding.PluginName), new PluginSpec(DefaultBinder.PluginName)], [new PluginSpec("*")]);
        var config = new ProfileConfig
        {
            SchedulerName = schedulerName,
            PercentageOfNodesToScore = 100,
            Plugins = DefaultPlugins.Merge(DefaultPlugins.For(InTreeRegistry.Plugins), PluginSets.Empty.With(ExtensionPoint.MultiPoint, multiPoint)),
        };
        if (volumeBinding is not null) config = config.WithArgs(VolumeBinding.PluginName, volumeBinding);
        return InTreeRegistry.Plugins.Build(config);
    }
}
