using System.Runtime.CompilerServices;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests;

/// <summary>
/// What the executable does first thing, done before any test of this assembly runs: KubernetesClient's JSON options
/// are frozen by their first use, so the quantity converter must be in them before any test decodes or encodes.
/// </summary>
internal static class QuantityJsonSetup
{
#pragma warning disable CA2255 // a module initializer is the one hook that runs before every test of the assembly
    [ModuleInitializer]
    internal static void Install() => QuantityJson.Install();
#pragma warning restore CA2255
}
