namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>A scheduling plugin; it takes part in each extension point whose interface it implements (framework/interface.go).</summary>
public interface IPlugin
{
    /// <summary>The plugin's name as in a KubeSchedulerConfiguration (upstream's names for upstream's plugins).</summary>
    string Name { get; }
}
