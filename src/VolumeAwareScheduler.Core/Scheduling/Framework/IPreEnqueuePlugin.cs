using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.Scheduling.Framework;

/// <summary>PreEnqueue: decides whether a pod may enter the active queue at all (a Pending status keeps it out).</summary>
public interface IPreEnqueuePlugin : IPlugin
{
    Status PreEnqueue(PodInfo pod);
}
