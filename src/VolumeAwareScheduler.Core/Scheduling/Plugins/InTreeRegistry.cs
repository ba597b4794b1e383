using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// The plugins of this scheduler, as pkg/scheduler/framework/plugins/registry.go NewInTreeRegistry lists upstream's.
/// Adding a plugin is one line here: its name, its args decoder when upstream has an args type, its factory. Its place
/// and weight in the default profile come from <see cref="DefaultPlugins.Upstream"/>.
/// </summary>
public static class InTreeRegistry
{
    public static PluginRegistry Plugins { get; } = new PluginRegistry()
        .Add(PrioritySort.PluginName, () => new PrioritySort())
        .Add(NodeUnschedulable.PluginName, () => new NodeUnschedulable())
        .Add(NodeName.PluginName, () => new NodeName())
        .Add(TaintToleration.PluginName, () => new TaintToleration())
        .Add(NodeAffinity.PluginName, NodeAffinityArgs.Decode, _ => new NodeAffinity())
        .Add(SchedulingGates.PluginName, () => new SchedulingGates())
        .Add(NodePorts.PluginName, () => new NodePorts())
        .Add(NodeResourcesFit.PluginName, NodeResourcesFitArgs.Decode, args => new NodeResourcesFit(args))
        .Add(VolumeRestrictions.PluginName, () => new VolumeRestrictions())
        .Add(NodeVolumeLimits.PluginName, () => new NodeVolumeLimits())
        .Add(VolumeBinding.PluginName, VolumeBindingArgs.Decode, args => new VolumeBinding(args))
        .Add(VolumeZone.PluginName, () => new VolumeZone())
        .Add(PodTopologySpread.PluginName, PodTopologySpreadArgs.Decode, args => new PodTopologySpread(args))
        .Add(InterPodAffinity.PluginName, InterPodAffinityArgs.Decode, args => new InterPodAffinity(args))
        .Add(NodeResourcesBalancedAllocation.PluginName, NodeResourcesBalancedAllocationArgs.Decode, args => new NodeResourcesBalancedAllocation(args))
        .Add(ImageLocality.PluginName, () => new ImageLocality())
        .Add(DefaultPreemption.PluginName, DefaultPreemptionArgs.Decode, args => new DefaultPreemption(args))
        .Add(DefaultBinder.PluginName, () => new DefaultBinder());
}
