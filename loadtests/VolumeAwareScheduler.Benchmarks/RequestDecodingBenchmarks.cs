using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using VolumeAwareScheduler.Extender;

namespace VolumeAwareScheduler.Benchmarks;

/// <summary>
/// Decoding a kube-scheduler filter request (ExtenderArgs, NodeNames form, nodeCacheCapable) with N node names:
/// serve's slim reader (<see cref="ArgsReader"/>: one Utf8JsonReader pass, names shared through a
/// <see cref="NodeNameTable"/>, the Pod kept as bytes) against System.Text.Json deserializing the whole
/// <see cref="ExtenderArgs"/> with the wire types' source-generated context (the general path).
/// </summary>
[Config(typeof(SmallRunConfig))]
[MemoryDiagnoser]
public class RequestDecodingBenchmarks
{
    private const string Pod = """{"metadata":{"name":"db-0","namespace":"default","uid":"3f1c","labels":{"app":"db"}},"spec":{"schedulerName":"default-scheduler","containers":[{"name":"db","image":"postgres:16","resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data-db-0"}}]}}""";

    private byte[] _body = [];
    private readonly NodeNameTable _table = new();

    [Params(500, 5_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var names = string.Join(',', Enumerable.Range(0, Nodes).Select(i => $"\"node-{i:D5}\""));
        _body = Encoding.UTF8.GetBytes($$"""{"Pod":{{Pod}},"Nodes":null,"NodeNames":[{{names}}]}""");
        using var warm = ArgsReader.FromBytes(_body, _table); // the table learns the names, as after serve's first request
    }

    [Benchmark(Baseline = true)]
    public int FullDeserialize() => JsonSerializer.Deserialize(_body, ExtenderJsonContext.Wire.ExtenderArgs)!.NodeNames!.Count;

    [Benchmark]
    public int SlimReader()
    {
        using var reader = ArgsReader.FromBytes(_body, _table);
        return reader.Names.Count + reader.Pod.Length;
    }
}
