using k8s.Models;
using VolumeAwareScheduler.Kubernetes.Conversion;

namespace VolumeAwareScheduler.Kubernetes.Tests.Conversion;

/// <summary>A pod's requests add up without wrapping: a sum past int64 is refused, never a negative request that fits everywhere.</summary>
public sealed class PodRequestsTests
{
    [Fact]
    public void Two_capped_requests_do_not_wrap_to_a_negative_sum()
    {
        var spec = new V1PodSpec
        {
            Containers =
            [
                Container("a", "8Ei"),
                Container("b", "8Ei"),
            ],
        };

        var error = Assert.Throws<ConversionException>(() => Converter.PodRequests(spec));
        Assert.Equal("spec.containers: the memory requests add up to more than Kubernetes counts in a 64-bit integer", error.Message);
    }

    [Fact]
    public void Requests_that_fit_add_up_with_the_largest_init_container_and_the_overhead()
    {
        var spec = new V1PodSpec
        {
            Containers = [Container("a", "1Gi"), Container("b", "1Gi")],
            InitContainers = [Container("init", "3Gi")],
            Overhead = new Dictionary<string, ResourceQuantity> { ["memory"] = new WireQuantity("1Ki") },
        };

        Assert.Equal(3L * 1024 * 1024 * 1024 + 1024, Converter.PodRequests(spec).MemoryBytes);
    }

    private static V1Container Container(string name, string memory) => new()
    {
        Name = name,
        Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new WireQuantity(memory) } },
    };
}
