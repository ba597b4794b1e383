using VolumeAwareScheduler.Core.Model;

namespace VolumeAwareScheduler.Core.State;

/// <summary>
/// The parts of framework NodeInfo that the pods on a node add up to, besides their requests: NonZeroRequested (the
/// requests scoring counts), the scalar resources requested and the host ports in use (UsedPorts). Written only by
/// <see cref="ClusterState"/>'s writer.
/// </summary>
public sealed class NodeUsage
{
    public static readonly NodeUsage Empty = new();

    private readonly Dictionary<string, long> _scalars = new(StringComparer.Ordinal);
    // (protocol, port) → host IP → how many pods bind it.
    private readonly Dictionary<(string Protocol, int Port), Dictionary<string, int>> _ports = [];

    /// <summary>NonZeroRequested: cpu and memory with the defaults for containers that request none.</summary>
    public Resources NonZeroRequested { get; private set; }

    /// <summary>Requested scalar resources by name (absent: zero).</summary>
    public IReadOnlyDictionary<string, long> Scalars => _scalars;

    public long Scalar(string name) => _scalars.GetValueOrDefault(name);

    /// <summary>True when some host port is in use on the node.</summary>
    public bool HasPorts => _ports.Count > 0;

    /// <summary>
    /// HostPortInfo.CheckConflict: 0.0.0.0 conflicts with the same protocol and port on any IP; another IP conflicts
    /// with itself and with 0.0.0.0.
    /// </summary>
    public bool PortConflicts(HostPort port)
    {
        if (port.Port <= 0 || !_ports.TryGetValue((port.Protocol, port.Port), out var ips)) return false;
        return port.HostIP == HostPort.BindAllHostIP ? ips.Count > 0 : ips.ContainsKey(port.HostIP) || ips.ContainsKey(HostPort.BindAllHostIP);
    }

    internal void Add(PodInfo pod)
    {
        NonZeroRequested += pod.NonZeroRequests;
        foreach (var (name, value) in pod.ScalarRequests) _scalars[name] = _scalars.GetValueOrDefault(name) + value;
        foreach (var port in pod.HostPorts)
        {
            if (!_ports.TryGetValue((port.Protocol, port.Port), out var ips)) _ports[(port.Protocol, port.Port)] = ips = new Dictionary<string, int>(StringComparer.Ordinal);
            ips[port.HostIP] = ips.GetValueOrDefault(port.HostIP) + 1;
        }
    }

    internal void Remove(PodInfo pod)
    {
        NonZeroRequested -= pod.NonZeroRequests;
        foreach (var (name, value) in pod.ScalarRequests)
        {
            var left = _scalars.GetValueOrDefault(name) - value;
            if (left == 0) _scalars.Remove(name);
            else _scalars[name] = left;
        }
        foreach (var port in pod.HostPorts)
        {
            if (!_ports.TryGetValue((port.Protocol, port.Port), out var ips) || !ips.TryGetValue(port.HostIP, out var count)) continue;
            if (count > 1) ips[port.HostIP] = count - 1;
            else if (ips.Remove(port.HostIP) && ips.Count == 0) _ports.Remove((port.Protocol, port.Port));
        }
    }
}
