using VolumeAwareScheduler.Core.Scheduling.Plugins;
using VolumeAwareScheduler.Core.Scheduling.Plugins.Helper;

namespace VolumeAwareScheduler.Core.Tests.Scheduling;

/// <summary>
/// Ported from pkg/scheduler/apis/config/validation/validation_pluginargs_test.go TestValidateVolumeBindingArgs, the
/// rows with StorageCapacityScoring on (its v1.37 default), case names kept; the expected messages are the
/// field.Error strings ValidateVolumeBindingArgs produces.
/// </summary>
public class VolumeBindingArgsTests
{
    public static TheoryData<string, VolumeBindingArgs, string[]> Cases => new()
    {
        { "zero is a valid config", new VolumeBindingArgs { BindTimeoutSeconds = 0 }, [] },
        { "positive value is valid config", new VolumeBindingArgs { BindTimeoutSeconds = 10 }, [] },
        {
            "negative value is invalid config ", new VolumeBindingArgs { BindTimeoutSeconds = -10 },
            ["bindTimeoutSeconds: Invalid value: -10: invalid BindTimeoutSeconds, should not be a negative value"]
        },
        {
            "[StorageCapacityScoring=on] shape should not be empty", new VolumeBindingArgs { BindTimeoutSeconds = 10, Shape = [] },
            ["shape: Required value: at least one point must be specified"]
        },
        {
            "[StorageCapacityScoring=on] shape points must be sorted in increasing order",
            new VolumeBindingArgs { BindTimeoutSeconds = 10, Shape = [new FunctionShapePoint(3, 3), new FunctionShapePoint(1, 1)] },
            ["shape[1].utilization: Invalid value: 1: values must be sorted in increasing order"]
        },
        {
            "[StorageCapacityScoring=on] shape point: invalid utilization and score",
            new VolumeBindingArgs { BindTimeoutSeconds = 10, Shape = [new(-1, 1), new(10, -1), new(20, 11), new(101, 1)] },
            [
                "shape[0].utilization: Invalid value: -1: not in valid range [0, 100]",
                "shape[1].score: Invalid value: -1: not in valid range [0, 10]",
                "shape[2].score: Invalid value: 11: not in valid range [0, 10]",
                "shape[3].utilization: Invalid value: 101: not in valid range [0, 100]",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validates_as_ValidateVolumeBindingArgs_with_upstreams_messages(string name, VolumeBindingArgs args, string[] expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected, args.Validate());
    }

    [Fact]
    public void Only_the_first_unsorted_point_is_reported_and_paths_are_under_the_args()
    {
        var args = new VolumeBindingArgs { Shape = [new(50, 1), new(40, 2), new(30, 3)] };
        Assert.Equal(["profiles[0].pluginConfig[0].args.shape[1].utilization: Invalid value: 40: values must be sorted in increasing order"],
            args.Validate("profiles[0].pluginConfig[0].args"));
    }

    [Fact]
    public void Both_shapes_we_name_are_valid()
    {
        Assert.Empty(new VolumeBindingArgs { Shape = VolumeBindingArgs.BestFitShape }.Validate());
        Assert.Empty(new VolumeBindingArgs { Shape = VolumeBindingArgs.UpstreamShape }.Validate());
    }
}
