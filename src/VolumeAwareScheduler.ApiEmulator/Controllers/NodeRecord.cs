using System.Globalization;

namespace VolumeAwareScheduler.ApiEmulator.Controllers;

/// <summary>
/// What the simulated kubelet remembers of a node it registered: its uid and its addresses. The n-th node registered
/// gets host address 172.18.x.y and the pod range 10.(244 + n/256).(n mod 256).0/24, handed out in order (kind's
/// and kubeadm's default ranges), so a run that registers nodes in the same order gets the same addresses.
/// </summary>
internal sealed class NodeRecord(string uid, int index)
{
    private int _lastPod;

    public string Uid => uid;

    public string HostIp { get; } = string.Create(CultureInfo.InvariantCulture, $"172.18.{index / 250}.{(index % 250) + 2}");

    /// <summary>The next pod address in the node's range, wrapping after .254.</summary>
    public string NextPodIp()
    {
        _lastPod = (_lastPod % 254) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"10.{(244 + (index / 256)) % 256}.{index % 256}.{_lastPod}");
    }
}
