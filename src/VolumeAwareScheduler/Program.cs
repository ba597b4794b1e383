using System.CommandLine;
using VolumeAwareScheduler.Cli;
using VolumeAwareScheduler.Kubernetes.Conversion;

// Before anything decodes Kubernetes JSON: KubernetesClient's options are frozen by their first use.
QuantityJson.Install();
return CommandLine.Run(args);
