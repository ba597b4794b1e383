using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using VolumeAwareScheduler.Benchmarks;

// dotnet run -c Release --project loadtests/VolumeAwareScheduler.Benchmarks -- --filter '*'
// dotnet run -c Release --project loadtests/VolumeAwareScheduler.Benchmarks -- --filter '*IndexQuery*'
// dotnet run -c Release --project loadtests/VolumeAwareScheduler.Benchmarks -- --filter '*RequestDecoding*'
// dotnet run -c Release --project loadtests/VolumeAwareScheduler.Benchmarks -- --list flat
BenchmarkSwitcher.FromAssembly(typeof(SmallRunConfig).Assembly)
    .Run(args, DefaultConfig.Instance.WithArtifactsPath(SmallRunConfig.ArtifactsDirectory()));
