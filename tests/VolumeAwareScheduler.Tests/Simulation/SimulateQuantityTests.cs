namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>
/// An extreme quantity in a dump: exit code 2 and one sentence naming the file, the object and the field, within a
/// generous bound (the conversion used to spin forever on "-1e+308" and never finish reading "1e1000000000").
/// </summary>
public sealed class SimulateQuantityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-sim-q-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Cluster = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
        status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: fine, namespace: default}
        spec:
          containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: app, namespace: default}
        spec:
          containers:
          - name: c
            image: busybox
            resources:
              requests: {cpu: QUANTITY}

        """;

    public static TheoryData<string, string> Quantities() => new()
    {
        { "-1e+308", "spec.containers[0].resources.requests.cpu \"-1e+308\" must be greater than or equal to 0" },
        { "\"1e1000000000\"", "spec.containers[0].resources.requests.cpu \"1e1000000000\" is out of range" },
        { "\"-1\"", "spec.containers[0].resources.requests.cpu \"-1\" must be greater than or equal to 0" },
        { "9999999999999999999999Ei", "spec.containers[0].resources.requests.cpu \"9999999999999999999999Ei\" is out of range" },
        { "1e-1000000000x", "spec.containers[0].resources.requests.cpu \"1e-1000000000x\" is not a valid quantity" },
    };

    [Theory]
    [MemberData(nameof(Quantities))]
    public async Task An_extreme_quantity_exits_2_naming_the_file_the_object_and_the_field(string quantity, string expectedFragment)
    {
        var path = Path.Combine(_dir, "cluster.yaml");
        await File.WriteAllTextAsync(path, Cluster.Replace("QUANTITY", quantity, StringComparison.Ordinal));

        var (exit, stdout, stderr) = await Task.Run(() => SimulateGoldenTests.Run("simulate", "--cluster", path, "--output", "json"))
            .WaitAsync(TimeSpan.FromSeconds(60)); // generous: start-up included, on a shared machine

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: document 3 (Pod \"app\", line 12): ", error, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.EndsWith(".", error.TrimEnd(), StringComparison.Ordinal);
    }
}
