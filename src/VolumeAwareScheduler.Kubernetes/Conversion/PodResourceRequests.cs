using System.Collections.Frozen;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// A pod's effective requests as the scheduler counts them: <see cref="Requests"/> and <see cref="Scalars"/> as
/// NodeInfo.Requested adds them, <see cref="NonZero"/> as NodeInfo.NonZeroRequested and the scorers do.
/// </summary>
public sealed record PodResourceRequests(Resources Requests, Resources NonZero, FrozenDictionary<string, long> Scalars)
{
    /// <summary>
    /// Mirrors component-helpers/resource/helpers.go PodRequests (AggregateContainerRequests, v1.37): the containers'
    /// sum, restartable (sidecar) init containers added to it; each other init container counts with the sidecars
    /// started before it, and the largest of those wins per resource; pod-level requests (cpu, memory) replace the
    /// aggregate (hugepages too, as the v1.37 fit tests have it); overhead is added. For <see cref="NonZero"/>, a container without a cpu or memory request counts
    /// 100m and 200Mi (NonMissingContainerRequests, schedutil GetNonzeroRequests); an explicit zero stays zero.
    /// </summary>
    public static PodResourceRequests Of(V1PodSpec spec)
    {
        var requests = Aggregate(spec, nonMissing: false);
        var nonZero = Aggregate(spec, nonMissing: true);
        var scalars = requests.Where(p => p.Value != 0 && ResourceNames.IsScalar(p.Key)).ToFrozenDictionary(StringComparer.Ordinal);
        return new PodResourceRequests(ToResources(requests), ToResources(nonZero), scalars);
    }

    private static Resources ToResources(Dictionary<string, long> amounts) => new(
        amounts.GetValueOrDefault(ResourceNames.Cpu),
        amounts.GetValueOrDefault(ResourceNames.Memory),
        amounts.GetValueOrDefault(ResourceNames.EphemeralStorage),
        1);

    private static Dictionary<string, long> Aggregate(V1PodSpec spec, bool nonMissing)
    {
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (container, i) in (spec.Containers ?? []).Select((c, i) => (c, i)))
        {
            Add(total, ContainerRequests(container, $"spec.containers[{i}].resources.requests", nonMissing), "spec.containers");
        }
        var sidecars = new Dictionary<string, long>(StringComparer.Ordinal);
        var init = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (container, i) in (spec.InitContainers ?? []).Select((c, i) => (c, i)))
        {
            var own = ContainerRequests(container, $"spec.initContainers[{i}].resources.requests", nonMissing);
            Dictionary<string, long> use;
            if (container.RestartPolicy == "Always")
            {
                Add(total, own, "spec.initContainers");
                Add(sidecars, own, "spec.initContainers");
                use = sidecars;
            }
            else
            {
                use = new Dictionary<string, long>(own, StringComparer.Ordinal);
                Add(use, sidecars, "spec.initContainers");
            }
            Max(init, use);
        }
        Max(total, init);

        // IsPodLevelRequestsSet / IsSupportedPodLevelResource: cpu, memory and hugepages-* are taken from pod level.
        if (spec.Resources?.Requests is { } podLevel)
        {
            foreach (var (name, quantity) in podLevel)
            {
                if (name is ResourceNames.Cpu or ResourceNames.Memory || name.StartsWith("hugepages-", StringComparison.Ordinal))
                    total[name] = Amount(name, quantity, $"spec.resources.requests.{name}");
            }
        }
        if (spec.Overhead is { } overhead)
        {
            foreach (var (name, quantity) in overhead) total[name] = AddChecked(total.GetValueOrDefault(name), Amount(name, quantity, $"spec.overhead.{name}"), "spec.overhead", name);
        }
        return total;
    }

    private static Dictionary<string, long> ContainerRequests(V1Container container, string path, bool nonMissing)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, quantity) in container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>())
        {
            result[name] = Amount(name, quantity, $"{path}.{name}");
        }
        if (nonMissing)
        {
            result.TryAdd(ResourceNames.Cpu, ResourceNames.DefaultMilliCpuRequest);
            result.TryAdd(ResourceNames.Memory, ResourceNames.DefaultMemoryRequest);
        }
        return result;
    }

    /// <summary>Millicores for cpu, whole units (rounded up) for everything else.</summary>
    private static long Amount(string name, ResourceQuantity quantity, string field) =>
        name == ResourceNames.Cpu ? Quantities.MilliValue(quantity, field) : Quantities.Value(quantity, field);

    /// <summary>Sums that refuse to wrap: two containers asking for 8Ei must not add up to a negative request that fits everywhere.</summary>
    private static void Add(Dictionary<string, long> into, Dictionary<string, long> amounts, string path)
    {
        foreach (var (name, value) in amounts) into[name] = AddChecked(into.GetValueOrDefault(name), value, path, name);
    }

    private static long AddChecked(long a, long b, string path, string resource) => a > long.MaxValue - b
        ? throw new ConversionException($"{path}: the {resource} requests add up to more than Kubernetes counts in a 64-bit integer")
        : a + b;

    private static void Max(Dictionary<string, long> into, Dictionary<string, long> amounts)
    {
        foreach (var (name, value) in amounts)
        {
            if (!into.TryGetValue(name, out var current) || value > current) into[name] = value;
        }
    }
}
