using VolumeAwareScheduler.Kubernetes.Writers;

namespace VolumeAwareScheduler.Hosting;

/// <summary>
/// The live writer: VolumeBinding's PreBind (PV claimRef with a resourceVersion precondition, selected-node on
/// claims to provision, then waiting for the PV controller by watching the cache) and DefaultBinder's Binding,
/// which carries the pod's UID. A PV already prebound when a later step fails stays prebound to its claim, as
/// upstream leaves it: the next decision finds it as the claim's own PV, so nothing is ever given to two claims.
/// </summary>
public sealed class ApiBindingWriter(ApiWriter writer, TimeSpan bindTimeout) : IBindingWriter
{
    public async ValueTask<BindWriteResult> WriteAsync(BindPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await writer.BindPodAndVolumesAsync(plan.Pod, plan.Node.Name, plan.Volumes, bindTimeout, cancellationToken).ConfigureAwait(false);
            return BindWriteResult.Ok;
        }
        catch (WriteFailedException e)
        {
            return BindWriteResult.Fail(e.Message);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or IOException)
        {
            return BindWriteResult.Fail($"API request failed: {e.Message}");
        }
    }
}
