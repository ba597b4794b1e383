namespace VolumeAwareScheduler.Tests.Extender;

/// <summary>
/// Golden cases: testdata/&lt;verb&gt;-&lt;case&gt;/{cluster.yaml,args.json,expected.json}. args.json is exactly what
/// kube-scheduler sends (the contract's G1/G2/G3 shapes: single line, "Nodes":null or "NodeNames":null); the reply
/// must equal expected.json byte for byte once the golden file's whitespace is removed.
/// </summary>
public sealed class ExtenderGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(ExtenderTestHost.TestData()).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reply_matches_golden(string caseName)
    {
        var verb = caseName[..caseName.IndexOf('-', StringComparison.Ordinal)];
        await using var host = await ExtenderTestHost.StartAsync(ExtenderTestHost.TestData(caseName, "cluster.yaml"));
        var args = await File.ReadAllTextAsync(ExtenderTestHost.TestData(caseName, "args.json"));

        var (status, body) = await host.PostAsync($"/scheduler/{verb}", args);

        Assert.Equal(200, status);
        Assert.Equal(JsonText.Compact(await File.ReadAllTextAsync(ExtenderTestHost.TestData(caseName, "expected.json"))), body);
    }
}
