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
        .Add(NodeResourcesFit.PluginName, NodeResourcesFitArgs.Decode, _ => new NodeResourcesFit())
        .Add(VolumeRestrictions.PluginName, () => new VolumeRestrictions())
        .Add(VolumeBinding.PluginName, VolumeBindingArgs.Decode, args => new VolumeBinding(args));
}
