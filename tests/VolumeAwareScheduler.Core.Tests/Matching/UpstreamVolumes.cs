using static VolumeAwareScheduler.Testing.Make;

namespace VolumeAwareScheduler.Core.Tests.Matching;

/// <summary>The PV and claim fixtures of upstream's matching tests, with upstream's names and UIDs.</summary>
internal static class UpstreamVolumes
{
    public const string ClassWait = "wait";
    /// <summary>pv_helpers_test.go classGold and classSilver, used there as VolumeAttributesClass names.</summary>
    public const string ClassGold = "gold";
    public const string ClassSilver = "silver";
    private const AccessModes RwoRox = AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany;
    private const AccessModes RwoRoxRwx = AccessModes.ReadWriteOnce | AccessModes.ReadOnlyMany | AccessModes.ReadWriteMany;

    /// <summary>
    /// staging/src/k8s.io/component-helpers/storage/volume/pv_helpers_test.go TestFindMatchVolumeWithNode volumes:
    /// makeTestVolume(uid, name, capacity, available, modfn), access modes RWO+ROX, Filesystem.
    /// Note that upstream gives "affinity-prebound" and "affinity-pv3" the same name; <paramref name="uniqueNames"/>
    /// renames the latter for the indexes, which are keyed by name as the informer store is.
    /// </summary>
    public static List<VolumeInfo> NodeAffinityVolumes(bool uniqueNames = false) =>
    [
        Pv("local-small", "local001", "5G"),
        Pv("local-pd-very-large", "local002", "200E").WithClass("large"),
        Pv("affinity-pv", "affinity001", "100G").WithClass(ClassWait).WithAffinity(Term(In("key1", "value1"))),
        Pv("affinity-pv2", "affinity002", "150G").WithClass(ClassWait).WithAffinity(Term(In("key1", "value1"))),
        Pv("affinity-prebound", "affinity003", "100G").WithClass(ClassWait).ClaimedBy("myns", "claim02").WithAffinity(Term(In("key1", "value1"))),
        Pv("affinity-pv3", uniqueNames ? "affinity003-pv3" : "affinity003", "200G").WithClass(ClassWait).WithAffinity(Term(In("key1", "value3"))),
        Pv("affinity-pv4", "affinity004", "200G").WithClass(ClassWait).WithAffinity(Term(In("key1", "value4"))).Phase(VolumePhase.Pending),
    ];

    /// <summary>makeTestPersistentVolumeClaim: namespace myns, class "wait", Filesystem.</summary>
    public static ClaimInfo WaitClaim(string name, string size, AccessModes modes) =>
        Claim("myns", name).Requesting(size).WithModes(modes).WithClass(ClassWait);

    /// <summary>pkg/controller/volume/persistentvolume/index_test.go createTestVolumes (later duplicates of a name replace earlier ones, as in the informer store).</summary>
    public static List<VolumeInfo> ControllerVolumes()
    {
        List<VolumeInfo> all =
        [
            Pv("gce-pd-10", "gce003", "10G").WithModes(RwoRox),
            Pv("gce-pd-20", "gce004", "20G").WithModes(RwoRox).ClaimedBy("", "", "def456").Phase(VolumePhase.Bound),
            Pv("nfs-5", "nfs002", "5G").WithModes(RwoRoxRwx),
            Pv("gce-pd-1", "gce001", "1G").WithModes(RwoRox).ClaimedBy("", "", "abc123").Phase(VolumePhase.Bound),
            Pv("nfs-10", "nfs003", "10G").WithModes(RwoRoxRwx),
            Pv("gce-pd-5", "gce002", "5G").WithModes(RwoRox),
            Pv("nfs-1", "nfs001", "1G").WithModes(RwoRoxRwx),
            Pv("gce-pd-2", "gce0022", "20000G").WithModes(AccessModes.ReadWriteOnce).WithLabel("should-exist", "true"),
            Pv("gce-pd-silver1", "gce0023", "10000G").WithModes(AccessModes.ReadWriteOnce).WithLabel("should-exist", "true").WithClass("silver"),
            Pv("gce-pd-silver2", "gce0024", "100G").WithModes(AccessModes.ReadWriteOnce).WithClass("silver"),
            Pv("gce-pd-gold", "gce0025", "50G").WithModes(AccessModes.ReadWriteOnce).WithClass("gold"),
            Pv("local-pd-very-large", "local001", "200E").WithModes(RwoRoxRwx).WithClass("large"),
            Pv("local-pd-extremely-large", "local002", "800E").WithModes(RwoRoxRwx).WithClass("large"),
            Pv("affinity-pv", "affinity001", "100G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value1"))),
            Pv("affinity-pv2", "affinity002", "150G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value1"))),
            Pv("affinity-prebound", "affinity003", "100G").WithModes(RwoRox).WithClass(ClassWait).ClaimedBy("myns", "claim02").WithAffinity(Term(In("key1", "value1"))),
            Pv("affinity-pv3", "affinity003", "200G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value3"))),
            Pv("affinity-pv4-pending", "affinity004-pending", "200G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value4"))).Phase(VolumePhase.Pending),
            Pv("affinity-pv4-failed", "affinity004-failed", "200G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value4"))).Phase(VolumePhase.Failed),
            Pv("affinity-pv4-released", "affinity004-released", "200G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value4"))).Phase(VolumePhase.Released),
            // Upstream leaves status.phase empty; our model has no empty phase, and Pending is what it means to FindMatchingVolume.
            Pv("affinity-pv4-empty", "affinity004-empty", "200G").WithModes(RwoRox).WithClass(ClassWait).WithAffinity(Term(In("key1", "value4"))).Phase(VolumePhase.Pending),
        ];
        return [.. all.GroupBy(v => v.Name).Select(g => g.Last())];
    }

    /// <summary>index_test.go makePVC: claim01 in myns, access modes ROX+RWO, Filesystem, no class.</summary>
    public static ClaimBuilder MakePVC(string size) => Claim("myns", "claim01").Requesting(size).WithModes(RwoRox);

    private static VolumeBuilder Pv(string uid, string name, string capacity) =>
        Volume(name).WithUid(uid).WithCapacity(capacity).WithModes(RwoRox);
}
