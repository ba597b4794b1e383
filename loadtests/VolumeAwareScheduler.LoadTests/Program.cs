using VolumeAwareScheduler.Kubernetes.Conversion;
using VolumeAwareScheduler.LoadTests.Harness;

// As the executable does: quantities read as text by every KubernetesClient decoding.
QuantityJson.Install();
return ScenarioRegistry.Run(args, Console.Out, Console.Error);
