namespace VolumeAwareScheduler.Core.Tests.Support;

/// <summary>The shared test helpers (VolumeAwareScheduler.Testing) do what the other tests rely on.</summary>
public class TestingSupportTests
{
    [Theory]
    [InlineData("5Gi", 5L << 30)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("100Mi", 100L << 20)]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData("1.0000000001G", 1_000_000_001L)] // 1.0000000001e9 rounds up to the next byte
    [InlineData("1500m", 2L)]                      // milli-bytes round up, as Quantity.Value() does
    [InlineData("8", 8L)]
    [InlineData("0Mi", 0L)]
    [InlineData("200E", long.MaxValue)]            // beyond int64: saturates
    public void Quantity_parses_and_rounds_up(string text, long bytes) => Assert.Equal(bytes, Quantity.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("Gi")]
    [InlineData("5 Gi")]
    [InlineData("-1Gi")]
    public void Quantity_rejects_what_it_does_not_understand(string text)
    {
        var error = Assert.ThrowsAny<Exception>(() => Quantity.Parse(text));
        Assert.True(error is ArgumentException or FormatException, error.GetType().Name);
    }

    [Fact]
    public void Generator_is_deterministic_per_seed()
    {
        var a = ClusterGenerator.Generate(42, 30, 300, 10);
        var b = ClusterGenerator.Generate(42, 30, 300, 10);
        Assert.Equal(a.Nodes.Select(n => string.Join(",", n.Labels.OrderBy(l => l.Key))), b.Nodes.Select(n => string.Join(",", n.Labels.OrderBy(l => l.Key))));
        Assert.Equal(a.Volumes.Select(v => (v.Name, v.CapacityBytes, v.NodeAffinity?.ToString(), v.ClaimRef)), b.Volumes.Select(v => (v.Name, v.CapacityBytes, v.NodeAffinity?.ToString(), v.ClaimRef)));
        Assert.NotEqual(a.Volumes.Select(v => v.CapacityBytes), ClusterGenerator.Generate(43, 30, 300, 10).Volumes.Select(v => v.CapacityBytes));
    }

    [Fact]
    public void Generator_covers_every_shape_the_property_test_needs()
    {
        var volumes = ClusterGenerator.Generate(7, 100, 3000, 20).Volumes;
        Assert.Contains(volumes, v => v.NodeAffinity is null);
        Assert.Contains(volumes, v => v.NodeAffinity is { Terms.Length: 0 });
        Assert.Contains(volumes, v => v.NodeAffinity is { Terms.Length: > 1 });
        Assert.Contains(volumes, v => v.NodeAffinity?.Terms.Any(t => t.MatchExpressions.IsEmpty && !t.MatchFields.IsEmpty) == true);
        Assert.Contains(volumes, v => v.NodeAffinity?.Terms.Any(t => t.MatchExpressions.Length > 0 && t.MatchExpressions.All(r => r.Operator == SelectorOperator.NotIn)) == true);
        foreach (var op in Enum.GetValues<SelectorOperator>())
            Assert.Contains(volumes, v => v.NodeAffinity?.Terms.Any(t => t.MatchExpressions.Any(r => r.Operator == op)) == true);
        Assert.Contains(volumes, v => v.ClaimRef is { Uid.Length: > 0 });
        Assert.Contains(volumes, v => v.ClaimRef is { Uid.Length: 0 });
        Assert.Contains(volumes, v => v.Phase != VolumePhase.Available);
        Assert.Contains(volumes, v => v.IsDeleting);
        Assert.Contains(volumes, v => v.VolumeMode == VolumeMode.Block);
        Assert.Contains(volumes, v => v.Labels.ContainsKey(ClusterGenerator.TierLabel));
    }
}
