using k8s.Models;

namespace VolumeAwareScheduler.LoadTests.Scenarios.E2e;

/// <summary>One pod's known answer for the <see cref="OracleBinder"/>: the PV (as created, with its resourceVersion) its claim gets, and that PV's node.</summary>
public sealed record OracleAssignment(string Pod, string PodUid, string Claim, string ClaimUid, V1PersistentVolume Volume, string Node);
