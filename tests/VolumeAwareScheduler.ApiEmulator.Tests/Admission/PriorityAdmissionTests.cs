using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace VolumeAwareScheduler.ApiEmulator.Tests.Admission;

/// <summary>
/// The Priority admission plugin through the API. Cases ported from plugin/pkg/admission/priority/admission_test.go
/// (TestPodAdmission, TestPriorityClassAdmission, TestDefaultPriority) with their names; the system classes are
/// the ones the emulator seeds, as kube-apiserver does, so upstream's globally-default system class is not used.
/// </summary>
public sealed class PriorityAdmissionTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(o => o.EnableControllers = false);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The classes of admission_test.go by name.</summary>
    private static V1PriorityClass Class(string name) => name switch
    {
        "default1" => Make.PriorityClass("default1", 1000, globalDefault: true),
        "default2" => Make.PriorityClass("default2", 2000, globalDefault: true),
        "nondefault1" => Make.PriorityClass("nondefault1", 2000),
        "nopreemptionpolicy-never" => Make.PriorityClass("nopreemptionpolicy", 2000, globalDefault: true, preemptionPolicy: "Never"),
        "nopreemptionpolicy-lower" => Make.PriorityClass("nopreemptionpolicy", 2000, globalDefault: true, preemptionPolicy: "PreemptLowerPriority"),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>name, existing classes, pod priorityClassName, pod priority, pod preemptionPolicy, expected priority (null: refused), expected policy.</summary>
    public static TheoryData<string, string[], string?, int?, string?, int?, string?> PodCases => new()
    {
        { "Pod with priority class", ["default1", "nondefault1"], "default1", null, null, 1000, "PreemptLowerPriority" },
        { "Pod without priority class", ["default1"], null, null, null, 1000, "PreemptLowerPriority" },
        { "pod without priority class and no existing priority class", [], null, null, null, 0, "PreemptLowerPriority" },
        { "pod without priority class and no default class", ["nondefault1"], null, null, null, 0, "PreemptLowerPriority" },
        { "pod with a system priority class", [], "system-cluster-critical", null, null, 2_000_000_000, "PreemptLowerPriority" },
        { "Pod with non-existing priority class", ["default1", "nondefault1"], "non-existing", null, null, null, null },
        { "pod with integer priority", [], "default1", 1000, null, null, null },
        { "pod with priority that matches computed priority", ["nondefault1"], null, 0, null, 0, "PreemptLowerPriority" },
        { "pod with priority that matches default priority", ["default2"], null, 2000, null, 2000, "PreemptLowerPriority" },
        { "pod with priority that matches resolved priority", [], "system-cluster-critical", 2_000_000_000, null, 2_000_000_000, "PreemptLowerPriority" },
        { "pod with nil preemtpion policy", ["nopreemptionpolicy-lower"], "nopreemptionpolicy", 2000, null, 2000, "PreemptLowerPriority" },
        { "pod with preemtpion policy that matches resolved preemtpion policy", ["nopreemptionpolicy-lower"], "nopreemptionpolicy", 2000, "PreemptLowerPriority", 2000, "PreemptLowerPriority" },
        { "pod with preemtpion policy that does't matches resolved preemtpion policy", ["nopreemptionpolicy-lower"], "nopreemptionpolicy", 2000, "Never", null, null },
        { "a class that never preempts gives its policy to the pod", ["nopreemptionpolicy-never"], null, null, null, 2000, "Never" },
    };

    [Theory]
    [MemberData(nameof(PodCases))]
    public async Task Pod_create_resolves_priority_from_its_class(
        string name, string[] classes, string? className, int? priority, string? policy, int? expectedPriority, string? expectedPolicy)
    {
        _ = name;
        foreach (var existing in classes)
        {
            await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class(existing));
        }

        var pod = Make.Pod("p");
        pod.Spec.PriorityClassName = className;
        pod.Spec.Priority = priority;
        pod.Spec.PreemptionPolicy = policy;

        if (expectedPriority is null)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default"));
            Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
            Assert.Equal("Forbidden", (string?)JsonNode.Parse(error.Response.Content)!["reason"]);
            return;
        }

        var created = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        Assert.Equal(expectedPriority, created.Spec.Priority);
        Assert.Equal(expectedPolicy, created.Spec.PreemptionPolicy);
    }

    [Theory]
    [InlineData("non-existing", "pods \"p\" is forbidden: no PriorityClass with name non-existing was found")]
    [InlineData("default1", "pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name")]
    public async Task Refusals_carry_upstream_messages(string className, string message)
    {
        await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("default1"));
        var pod = Make.Pod("p");
        pod.Spec.PriorityClassName = className;
        pod.Spec.Priority = className == "default1" ? 7 : null;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default"));

        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal(message, (string?)status["message"]);
        Assert.Equal("pods", (string?)status["details"]!["kind"]);
        Assert.Equal(403, (int)status["code"]!);
    }

    [Fact]
    public async Task The_default_class_names_itself_on_the_pod()
    {
        await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("default1"));

        var created = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("p"), "default");

        Assert.Equal("default1", created.Spec.PriorityClassName);
    }

    [Fact]
    public async Task An_update_that_omits_priority_keeps_what_create_set()
    {
        await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("nondefault1"));
        var pod = Make.Pod("p");
        pod.Spec.PriorityClassName = "nondefault1";
        var created = await _cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        created.Spec.Priority = null;
        created.Spec.PreemptionPolicy = null;
        created.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };

        var updated = await _cluster.Client.CoreV1.ReplaceNamespacedPodAsync(created, "p", "default");

        Assert.Equal(2000, updated.Spec.Priority);
        Assert.Equal("PreemptLowerPriority", updated.Spec.PreemptionPolicy);
    }

    /// <summary>name, existing classes, the class written, whether it is an update of an existing class, refused.</summary>
    public static TheoryData<string, string[], string, bool, bool> ClassCases => new()
    {
        { "create operator with default class", [], "default1", false, false },
        { "create operator with one existing default class", ["default1"], "default2", false, true },
        { "update operator with default class", ["default1"], "default1", true, false },
        { "update operator with different default classes", ["default1", "nondefault-2000"], "default2", true, true },
    };

    [Theory]
    [MemberData(nameof(ClassCases))]
    public async Task Only_one_class_may_be_the_global_default(string name, string[] existing, string written, bool update, bool refused)
    {
        _ = name;
        foreach (var existingClass in existing)
        {
            await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(existingClass == "nondefault-2000"
                ? Make.PriorityClass("default2", 2000)
                : Class(existingClass));
        }

        var priorityClass = Class(written);
        Task Write() => update
            ? _cluster.Client.SchedulingV1.ReplacePriorityClassAsync(priorityClass, written)
            : _cluster.Client.SchedulingV1.CreatePriorityClassAsync(priorityClass);

        if (!refused)
        {
            await Write();
            return;
        }

        var error = await Assert.ThrowsAsync<HttpOperationException>(Write);
        Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
        Assert.Equal(
            $"priorityclasses.scheduling.k8s.io \"{written}\" is forbidden: PriorityClass default1 is already marked as default. Only one default can exist",
            (string?)JsonNode.Parse(error.Response.Content)!["message"]);
    }

    /// <summary>TestDefaultPriority: what a pod without a class gets before and after a change to the classes.</summary>
    [Theory]
    [InlineData("add a default class", 0, 1000)]
    [InlineData("delete default priority class", 1000, 0)]
    [InlineData("update default class and remove its global default", 1000, 0)]
    public async Task The_default_priority_follows_the_classes(string name, int before, int after)
    {
        if (name != "add a default class")
        {
            await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("default1"));
        }

        Assert.Equal(before, (await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("before"), "default")).Spec.Priority);

        switch (name)
        {
            case "add a default class":
                await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Class("default1"));
                break;
            case "delete default priority class":
                await _cluster.Client.SchedulingV1.DeletePriorityClassAsync("default1");
                break;
            default:
                var current = await _cluster.Client.SchedulingV1.ReadPriorityClassAsync("default1");
                current.GlobalDefault = false;
                await _cluster.Client.SchedulingV1.ReplacePriorityClassAsync(current, "default1");
                break;
        }

        Assert.Equal(after, (await _cluster.Client.CoreV1.CreateNamespacedPodAsync(Make.Pod("after"), "default")).Spec.Priority);
    }

    [Fact]
    public async Task The_system_classes_exist_from_the_start()
    {
        var classes = await _cluster.Client.SchedulingV1.ListPriorityClassAsync();

        Assert.Equal(
            ["system-cluster-critical=2000000000", "system-node-critical=2000001000"],
            classes.Items.Select(c => $"{c.Metadata.Name}={c.Value}"));
        Assert.All(classes.Items, c => Assert.Equal("PreemptLowerPriority", c.PreemptionPolicy));
    }

    /// <summary>ValidatePriorityClass and ValidatePriorityClassUpdate (pkg/apis/scheduling/validation).</summary>
    [Theory]
    [InlineData("too-high", 1_000_000_001, "PriorityClass.scheduling.k8s.io \"too-high\" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000")]
    [InlineData("system-mine", 5, "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class")]
    public async Task Invalid_classes_are_422(string name, int value, string message)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Make.PriorityClass(name, value)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Equal(message, (string?)JsonNode.Parse(error.Response.Content)!["message"]);
    }

    [Fact]
    public async Task A_class_value_cannot_change()
    {
        var created = await _cluster.Client.SchedulingV1.CreatePriorityClassAsync(Make.PriorityClass("c", 10));
        created.Value = 11;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _cluster.Client.SchedulingV1.ReplacePriorityClassAsync(created, "c"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.EndsWith("value: Forbidden: may not be changed in an update.", (string?)JsonNode.Parse(error.Response.Content)!["message"], StringComparison.Ordinal);
    }
}
