using System.Text.Json;
using k8s;

namespace VolumeAwareScheduler.Kubernetes.Conversion;

/// <summary>
/// KubernetesClient's JSON settings with <see cref="QuantityJsonConverter"/> in front of the library's own quantity
/// converter, which builds a <see cref="k8s.Models.ResourceQuantity"/> (unbounded arithmetic) for every quantity read.
/// </summary>
public static class QuantityJson
{
    /// <summary>A copy of KubernetesJson's options with our converter first: for the decoding we call ourselves.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// Puts our converter in front in KubernetesJson's own options, which decode every list and watch event of
    /// KubernetesClient's generated API: the informers get <see cref="WireQuantity"/> too. Those options are frozen by
    /// their first use, so this is called first thing by the executable (and by each test assembly); later calls change
    /// nothing. True when the converter is in place.
    /// </summary>
    public static bool Install()
    {
        var installed = false;
        KubernetesJson.AddJsonOptions(options =>
        {
            lock (options)
            {
                if (options.Converters.Any(c => c is QuantityJsonConverter))
                {
                    installed = true;
                    return;
                }
                if (options.IsReadOnly) return;
                try
                {
                    options.Converters.Insert(0, new QuantityJsonConverter());
                    installed = true;
                }
                catch (InvalidOperationException)
                {
                    // frozen by a first use on another thread meanwhile
                }
            }
        });
        return installed;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        JsonSerializerOptions? copy = null;
        KubernetesJson.AddJsonOptions(options => copy = new JsonSerializerOptions(options));
        if (!copy!.Converters.Any(c => c is QuantityJsonConverter)) copy.Converters.Insert(0, new QuantityJsonConverter());
        return copy;
    }
}
