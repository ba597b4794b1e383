using VolumeAwareScheduler.Cli;
using VolumeAwareScheduler.NodeLoss;

namespace VolumeAwareScheduler.Tests.NodeLoss;

/// <summary>The node-loss policy is off by default, and a grace period that is not a positive duration is bad input.</summary>
public sealed class NodeLossOptionsTests
{
    [Fact]
    public void The_policy_is_off_by_default_with_a_ten_minute_grace_period()
    {
        var options = new NodeLossOptions();

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(10), options.GracePeriod);
        Assert.Empty(options.Validate());
        Assert.False(new VolumeAwareScheduler.Standalone.StandaloneOptions().NodeLoss.Enabled);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5m")]
    [InlineData("ten minutes")]
    [InlineData("10")]
    public void Run_refuses_a_grace_period_that_is_not_a_positive_duration(string grace)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = CommandLine.Run(["run", "--server", "http://127.0.0.1:1", "--leader-elect=false", "--metrics-address", "off",
            "--release-claims-on-node-loss", "--node-loss-grace-period", grace], stdout, stderr);

        Assert.Equal(CommandLine.ExitBadInput, exit);
        Assert.Equal($"error: --node-loss-grace-period \"{grace}\" is not a positive duration such as 10m or 1h30m.", stderr.ToString().Trim());
    }

    [Fact]
    public void A_grace_period_that_is_not_positive_is_reported_with_how_to_fix_it()
    {
        var errors = new NodeLossOptions { GracePeriod = TimeSpan.Zero }.Validate();

        Assert.Equal(["the node-loss grace period must be positive (such as 10m); got 00:00:00."], errors);
    }
}
