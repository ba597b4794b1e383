namespace VolumeAwareScheduler.Tests.Simulation;

/// <summary>Bad input: exit code 2 and one sentence naming the file, the document and the problem; never a stack trace.</summary>
public sealed class SimulateInputErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vas-sim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "broken-yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: [oops\n", "invalid YAML at line" },
        { "no-kind", "apiVersion: v1\nmetadata: {name: x}\n", "document 1 (line 1) has no kind" },
        { "not-a-mapping", "- just\n- a list\n", "document 1 (line 1) is not a Kubernetes object" },
        { "bad-quantity", "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  capacity: {storage: 5Gx}\n", "document 1 (PersistentVolume \"pv-1\", line 1): spec.capacity.storage \"5Gx\" is not a valid quantity (quantities must match the regular expression" },
        { "bad-operator", "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  capacity: {storage: 5Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: a, operator: Near, values: [b]}\n", "operator \"Near\" is not a valid operator" },
        { "in-without-values", "---\napiVersion: v1\nkind: Node\nmetadata: {name: n}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  capacity: {storage: 5Gi}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: a, operator: In, values: []}\n", "document 2 (PersistentVolume \"pv-1\", line 6)" },
        { "wrong-type", "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec:\n  unschedulable: notabool\n", "document 1 (Node, line 5) cannot be read: The value \"notabool\" is not a valid YAML Boolean" },
        { "list-expected", "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec:\n  taints: 5\n", "document 1 (Node, line 5) cannot be read: a field has the wrong type" },
        { "no-name", "apiVersion: v1\nkind: Node\nmetadata: {labels: {a: b}}\n", "Node has no metadata.name" },
        { "bad-access-mode", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteSometimes]\n", "unknown access mode \"ReadWriteSometimes\"" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_2_with_one_sentence_naming_file_and_problem(string name, string yaml, string expectedFragment)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, yaml);

        var (exit, stdout, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", path, "--output", "json");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines);
        Assert.StartsWith($"error: {path}: ", error, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.EndsWith(".", error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_exits_2()
    {
        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", Path.Combine(_dir, "absent.yaml"));

        Assert.Equal(2, exit);
        Assert.Contains("absent.yaml: cannot be read", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_output_format_is_a_usage_error()
    {
        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", "x.yaml", "--output", "xml");

        Assert.Equal(2, exit);
        Assert.Contains("xml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kinds_are_warned_once_per_kind_with_a_count_and_skipped()
    {
        var path = Path.Combine(_dir, "cm.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n}\n");

        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", path, "--output", "json");

        Assert.Equal(0, exit);
        var warning = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"warning: {path}: ignoring 2 ConfigMap objects (first: a, document 1, line 1): not used for scheduling decisions.", warning.TrimEnd());
    }

    [Fact]
    public void A_kind_read_under_another_apiVersion_is_named_with_its_apiVersion()
    {
        var path = Path.Combine(_dir, "old-sts.yaml");
        File.WriteAllText(path, "apiVersion: apps/v1beta2\nkind: StatefulSet\nmetadata: {name: web, namespace: shop}\nspec: {}\n");

        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", path, "--output", "json");

        Assert.Equal(0, exit);
        var warning = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"warning: {path}: ignoring StatefulSet (apps/v1beta2) shop/web (document 1, line 1): not used for scheduling decisions.", warning.TrimEnd());
    }

    [Fact]
    public void A_file_that_cannot_be_read_prints_only_the_error_not_the_warnings()
    {
        var path = Path.Combine(_dir, "cm-then-bad.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteSometimes]\n");

        var (exit, _, stderr) = SimulateGoldenTests.Run("simulate", "--cluster", path, "--output", "json");

        Assert.Equal(2, exit);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: document 2 (PersistentVolumeClaim \"c\", line 5)", error, StringComparison.Ordinal);
    }
}
