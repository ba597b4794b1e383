using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.Scheduling.Framework;

namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>
/// Mirrors pkg/scheduler/framework/plugins/defaultbinder/default_binder.go: binds the pod to the node with a Binding
/// (pods/binding) that carries the pod's UID, through the framework's <see cref="IBindingClient"/>; a failed call is an
/// Error (framework.AsStatus). The last of the default plugins.
/// </summary>
public sealed class DefaultBinder : IBindPlugin
{
    public const string PluginName = "DefaultBinder";

    public string Name => PluginName;

    public async ValueTask<Status> BindAsync(CycleState state, PodInfo pod, string nodeName, CancellationToken cancellationToken)
    {
        if (state.Framework?.Client is not { } client) return Status.Error(PluginName, "no API client to create the pod's Binding with");
        var written = await client.BindPodAsync(pod, nodeName, cancellationToken).ConfigureAwait(false);
        return written.Succeeded ? Status.Success : Status.Error(PluginName, written.Error!);
    }
}
