using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.LoadTests.Harness;

// As the executable does: quantities read as text by every KubernetesClient decoding.
QuantityJson.Install();
// A scenario that measures memory runs again under the executable's own runtime configuration (GC settings).
if (!ShippedRuntime.IsCurrent && args.Length > 0 && ScenarioRegistry.All.Any(s => s.Name == args[0] && s.RunsOnShippedRuntime))
    return ShippedRuntime.Run(args);
return ScenarioRegistry.Run(args, Console.Out, Console.Error);
