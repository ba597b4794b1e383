namespace VolumeAwareScheduler.Core.Model;

/// <summary>Resource names and the scheduler's defaults for them (pkg/scheduler/util/pod_resources.go, apis/core/v1/helper).</summary>
public static class ResourceNames
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string Pods = "pods";

    /// <summary>DefaultMilliCPURequest: what a container without a cpu request counts for in scoring (100m).</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>DefaultMemoryRequest: what a container without a memory request counts for in scoring (200Mi).</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    /// <summary>
    /// IsScalarResourceName: extended resources (a domain-prefixed name outside kubernetes.io), hugepages-*,
    /// kubernetes.io/-prefixed native resources and attachable-volumes-*.
    /// </summary>
    public static bool IsScalar(string name) =>
        name.StartsWith("hugepages-", StringComparison.Ordinal)
        || name.StartsWith("attachable-volumes-", StringComparison.Ordinal)
        || (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith("requests.", StringComparison.Ordinal));

    /// <summary>IsExtendedResourceName: a scalar resource named outside kubernetes.io (not hugepages or attachable volumes).</summary>
    public static bool IsExtended(string name) =>
        name.Contains('/', StringComparison.Ordinal) && !name.Contains("kubernetes.io/", StringComparison.Ordinal)
        && !name.StartsWith("requests.", StringComparison.Ordinal);

    /// <summary>The requests of a one-container pod as scoring counts them: zero cpu or memory become the defaults.</summary>
    public static Resources NonZero(Resources requests) => requests with
    {
        MilliCpu = requests.MilliCpu == 0 ? DefaultMilliCpuRequest : requests.MilliCpu,
        MemoryBytes = requests.MemoryBytes == 0 ? DefaultMemoryRequest : requests.MemoryBytes,
    };
}
