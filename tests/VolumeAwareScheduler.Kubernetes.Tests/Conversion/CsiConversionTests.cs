using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>What NodeVolumeLimits reads: a PV's CSI driver and volume handle, a CSINode's drivers and allocatable counts.</summary>
public sealed class CsiConversionTests
{
    [Fact]
    public void Volume_carries_its_csi_driver_and_volume_handle()
    {
        var volume = new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = "pv-1" },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                Csi = new V1CSIPersistentVolumeSource { Driver = "ebs.csi.aws.com", VolumeHandle = "vol-0123" },
            },
        };

        var info = Converter.ToVolume(volume);

        Assert.Equal("ebs.csi.aws.com", info.CsiDriver);
        Assert.Equal("vol-0123", info.CsiVolumeHandle);
    }

    [Fact]
    public void CsiNode_lists_its_drivers_with_their_allocatable_count_or_none()
    {
        var csiNode = new V1CSINode
        {
            Metadata = new V1ObjectMeta { Name = "node-1" },
            Spec = new V1CSINodeSpec
            {
                Drivers =
                [
                    new V1CSINodeDriver { Name = "ebs.csi.aws.com", NodeID = "i-1", Allocatable = new V1VolumeNodeResources { Count = 25 } },
                    new V1CSINodeDriver { Name = "lvm.csi.example.com", NodeID = "node-1" },
                ],
            },
        };

        var info = Converter.ToCsiNode(csiNode);

        Assert.Equal("node-1", info.NodeName);
        Assert.Equal([new CsiNodeDriver("ebs.csi.aws.com", 25), new CsiNodeDriver("lvm.csi.example.com", null)], info.Drivers);
    }
}
