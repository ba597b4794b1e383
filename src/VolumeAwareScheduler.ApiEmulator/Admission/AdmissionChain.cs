using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Admission;

/// <summary>The admission steps in the order they run; the first refusal ends the write.</summary>
internal sealed class AdmissionChain(IReadOnlyList<IAdmissionPlugin> plugins)
{
    public static AdmissionChain None { get; } = new([]);

    /// <summary>
    /// What kube-apiserver would do for the kinds served: the Priority and DefaultStorageClass admission plugins
    /// (both on by default), then the Namespace, Service and PriorityClass strategies.
    /// </summary>
    public static AdmissionChain Default() => new(
    [
        new PriorityAdmission(),
        new DefaultStorageClassAdmission(),
        new NamespaceStrategy(),
        new ServiceStrategy(),
        new PriorityClassStrategy(),
    ]);

    public ApiError? Admit(AdmissionAttributes attributes)
    {
        foreach (var plugin in plugins)
        {
            if (plugin.Admit(attributes) is { } refused)
            {
                return refused;
            }
        }

        return null;
    }
}
