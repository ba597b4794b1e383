namespace VolumeAwareScheduler.Core.Model;

/// <summary>
/// A container port bound on the node (hostPort &gt; 0): host IP ("0.0.0.0" when unset) and protocol ("TCP" when
/// unset), sanitized as framework HostPortInfo does.
/// </summary>
public readonly record struct HostPort(string HostIP, string Protocol, int Port)
{
    /// <summary>DefaultBindAllHostIP.</summary>
    public const string BindAllHostIP = "0.0.0.0";

    public static HostPort Of(string? hostIP, string? protocol, int port) =>
        new(string.IsNullOrEmpty(hostIP) ? BindAllHostIP : hostIP, string.IsNullOrEmpty(protocol) ? "TCP" : protocol, port);
}
