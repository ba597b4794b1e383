using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// One launch, a few warm-up and measured iterations: the whole suite stays within minutes on a laptop. A
/// <c>--job</c> given on the command line replaces this job. Memory is always measured. Artifacts go under
/// loadtests/BenchmarkDotNet.Artifacts (git-ignored), wherever the command was started from inside the repository.
/// </summary>
public sealed class SmallRunConfig : ManualConfig
{
    public SmallRunConfig()
    {
        ArtifactsPath = ArtifactsDirectory();
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8).WithId("small").AsDefault());
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(CategoriesColumn.Default);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
    }

    public static string ArtifactsDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "loadtests") return Path.Combine(dir.FullName, "BenchmarkDotNet.Artifacts");
            var loadtests = Path.Combine(dir.FullName, "loadtests");
            if (Directory.Exists(loadtests)) return Path.Combine(loadtests, "BenchmarkDotNet.Artifacts");
        }
        return Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
    }
}
