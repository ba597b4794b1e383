using System.Threading.Channels;
using k8s;
using k8s.Models;
using VolumeAwareScheduler.Core.Model;
using VolumeAwareScheduler.Core.State;
using VolumeAwareScheduler.Kubernetes.Informers;

namespace VolumeAwareScheduler.Kubernetes.Cache;

/// <summary>How the cache keeps a kind's API objects for the writers beside its Core snapshots.</summary>
public enum RawForm : byte
{
    /// <summary>Not kept: the writers never update this kind.</summary>
    None,
    /// <summary>Kept as the object.</summary>
    Object,
    /// <summary>Kept as JSON (a third of the object graph's size; for the kinds a large cluster has most of).</summary>
    Json,
}

/// <summary>
/// Everything the adapter does with one kind, registered once: list and watch it, key it, convert it to its Core
/// snapshot, apply and remove the snapshot, and list what the state holds of it (so that a relist removes what is
/// gone). See <see cref="ResourceKinds"/> for the registrations.
/// </summary>
public abstract class KindRegistration
{
    public abstract ResourceKind Kind { get; }

    public abstract RawForm Raw { get; }

    /// <summary>An object that cannot be converted leaves the state and its change is still published (pods).</summary>
    public abstract bool PublishUnconvertible { get; }

    /// <summary>An informer for the kind over <paramref name="client"/>, writing to <paramref name="sink"/>.</summary>
    public abstract IInformer CreateInformer(IKubernetes client, ChannelWriter<InformerEvent> sink, TimeProvider time, InformerOptions? options);

    public abstract ObjectKey KeyOf(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>The Core snapshot, or null when the object is not part of the state (a finished pod). Throws <see cref="Conversion.ConversionException"/>.</summary>
    public abstract object? Convert(IKubernetesObject<V1ObjectMeta> obj);

    public abstract void Upsert(ClusterState state, object snapshot);

    public abstract void Remove(ClusterState state, ObjectKey key);

    /// <summary>The keys the state holds of this kind.</summary>
    public abstract IEnumerable<ObjectKey> Keys(ClusterState state);
}

/// <summary>A <see cref="KindRegistration"/> from delegates, typed by the API object, its list and its Core snapshot.</summary>
public sealed class KindRegistration<T, TList, TInfo> : KindRegistration
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    where TInfo : class
{
    public required ResourceKind Of { get; init; }

    public RawForm Keep { get; init; }

    public bool PublishWhenUnconvertible { get; init; }

    public required Func<IKubernetes, ListCall<TList>> List { get; init; }

    public required Func<IKubernetes, WatchCall<T>> Watch { get; init; }

    /// <summary>Converts; null leaves the object out of the state.</summary>
    public required Func<T, TInfo?> ToInfo { get; init; }

    public required Action<ClusterState, TInfo> UpsertInfo { get; init; }

    public required Action<ClusterState, ObjectKey> RemoveKey { get; init; }

    public required Func<ClusterState, IEnumerable<ObjectKey>> StateKeys { get; init; }

    /// <summary>Cluster-scoped kinds are keyed by name alone; namespaced ones default to "default" as the API server does.</summary>
    public bool Namespaced { get; init; }

    public override ResourceKind Kind => Of;

    public override RawForm Raw => Keep;

    public override bool PublishUnconvertible => PublishWhenUnconvertible;

    public override IInformer CreateInformer(IKubernetes client, ChannelWriter<InformerEvent> sink, TimeProvider time, InformerOptions? options) =>
        new Informer<T, TList>(Of, List(client), Watch(client), sink, time, options);

    public override ObjectKey KeyOf(IKubernetesObject<V1ObjectMeta> obj) =>
        Namespaced ? new ObjectKey(obj.Namespace() ?? "default", obj.Name()) : ObjectKey.Cluster(obj.Name());

    public override object? Convert(IKubernetesObject<V1ObjectMeta> obj) => ToInfo((T)obj);

    public override void Upsert(ClusterState state, object snapshot) => UpsertInfo(state, (TInfo)snapshot);

    public override void Remove(ClusterState state, ObjectKey key) => RemoveKey(state, key);

    public override IEnumerable<ObjectKey> Keys(ClusterState state) => StateKeys(state);
}
