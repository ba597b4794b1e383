namespace VolumeAwareScheduler.Core.Scheduling.Plugins;

/// <summary>PodTopologySpreadArgs defaultingType: the built-in default constraints, or the listed ones.</summary>
public enum TopologySpreadDefaulting : byte
{
    /// <summary>System: hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway (v1's default).</summary>
    System,

    /// <summary>List: the args' defaultConstraints (none when the list is empty).</summary>
    List,
}
