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
            foreach (var binding in plan.Volumes.StaticBindings) await writer.BindVolumeAsync(binding, cancellationToken).ConfigureAwait(false);
            foreach (var claim in plan.Volumes.DynamicProvisions) await writer.SelectNodeAsync(claim, plan.Node.Name, cancellationToken).ConfigureAwait(false);
            var claims = plan.Volumes.StaticBindings.Select(b => b.Claim.Key).Concat(plan.Volumes.DynamicProvisions.Select(c => c.Key)).ToList();
            if (claims.Count > 0 && !await writer.WaitForClaimsBoundAsync(claims, bindTimeout, cancellationToken).ConfigureAwait(false))
                return BindWriteResult.Fail($"volume binding did not complete within {bindTimeout.TotalSeconds:0}s");
            await writer.BindPodAsync(plan.Pod.Key, plan.Pod.Uid, plan.Node.Name, cancellationToken).ConfigureAwait(false);
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
