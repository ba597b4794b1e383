using System.Globalization;
using System.Text.Json.Nodes;
using VolumeAwareScheduler.ApiEmulator.Admission;
using VolumeAwareScheduler.ApiEmulator.Resources;
using VolumeAwareScheduler.ApiEmulator.Selectors;

namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>
/// The emulator's etcd + registry: every object of every kind, one global resourceVersion counter, the
/// retained event window and the change feed. All writes and subscriptions take one lock, so the order of
/// events in every subscriber's channel is the order of resourceVersions. Mirrors the generic registry
/// semantics of k8s.io/apiserver/pkg/registry/generic/registry/store.go (create, update with preconditions,
/// finalizer-aware delete). Creates and main-resource updates pass the <see cref="AdmissionChain"/> under the lock,
/// whoever writes: HTTP clients, in-process seeding and the simulated controllers alike.
/// </summary>
internal sealed class ObjectStore : IClusterReader
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Lock _lock = new();
    private readonly Dictionary<ResourceKind, Dictionary<ObjectKey, StoredObject>> _objects = [];
    private readonly List<WatchSubscription> _subscriptions = [];
    private readonly EventLog _log;
    private readonly TimeProvider _time;
    private readonly int _maxWatchBacklog;
    private readonly AdmissionChain _admission;
    private readonly bool _gracefulPodDeletion;
    private long _resourceVersion;

    /// <param name="gracefulPodDeletion">
    /// Whether deleting a pod on a node is graceful (<see cref="GracefulDeletion"/>), which needs a kubelet to finish it.
    /// </param>
    public ObjectStore(ResourceRegistry registry, TimeProvider time, int eventWindow, int maxWatchBacklog, AdmissionChain? admission = null,
        bool gracefulPodDeletion = false)
    {
        Registry = registry;
        _admission = admission ?? AdmissionChain.None;
        _gracefulPodDeletion = gracefulPodDeletion;
        _time = time;
        _log = new EventLog(eventWindow);
        _maxWatchBacklog = maxWatchBacklog;
        foreach (var kind in registry.Kinds)
        {
            _objects[kind] = [];
        }
    }

    public ResourceRegistry Registry { get; }

    public long CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    IEnumerable<JsonObject> IClusterReader.List(string resource, string? ns) =>
        Snapshot(Registry.Find(resource)!, ns).Items.Select(o => o.ToJsonObject());

    JsonObject? IClusterReader.Get(string resource, string? ns, string name) => Get(Registry.Find(resource)!, ns, name)?.ToJsonObject();

    public StoredObject? Get(ResourceKind kind, string? ns, string name)
    {
        lock (_lock)
        {
            return _objects[kind].GetValueOrDefault(new ObjectKey(ScopeNamespace(kind, ns), name));
        }
    }

    /// <summary>Objects of a kind (optionally one namespace) in key order, with the resourceVersion of the snapshot.</summary>
    public (List<StoredObject> Items, long ResourceVersion) Snapshot(ResourceKind kind, string? ns)
    {
        lock (_lock)
        {
            var items = _objects[kind].Values
                .Where(o => ns is null || o.Namespace == ns)
                .ToList();
            items.Sort((a, b) => a.Key.CompareTo(b.Key));
            return (items, _resourceVersion);
        }
    }

    /// <summary>A paged, filtered list as the API serves it.</summary>
    public ListPage List(ResourceKind kind, string? ns, LabelSelector labels, FieldSelector fields, int limit, ContinueToken? continueFrom)
    {
        lock (_lock)
        {
            if (continueFrom is { } token && !_log.CanResumeFrom(token.ResourceVersion))
            {
                return new ListPage([], 0, null, null, ApiError.Expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
            }

            var listVersion = continueFrom?.ResourceVersion ?? _resourceVersion;
            var matching = _objects[kind].Values
                .Where(o => (ns is null || o.Namespace == ns)
                    && (continueFrom is null || o.Key.CompareTo(continueFrom.Value.After) > 0)
                    && labels.Matches(o.Labels) && fields.Matches(o.Fields))
                .ToList();
            matching.Sort((a, b) => a.Key.CompareTo(b.Key));
            if (limit <= 0 || matching.Count <= limit)
            {
                return new ListPage(matching, listVersion, null, null, null);
            }

            var page = matching.GetRange(0, limit);
            var next = new ContinueToken(listVersion, page[^1].Key);
            return new ListPage(page, listVersion, next, matching.Count - limit, null);
        }
    }

    /// <summary>Creates an object. <paramref name="ns"/> is the request's namespace (null when not given by a URL).</summary>
    public StoreResult Create(ResourceKind kind, string? ns, JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        if (TypeMismatch(kind, obj) is { } typeError)
        {
            return typeError;
        }

        var bodyNamespace = Json.GetString(metadata, "namespace");
        if (kind.Namespaced)
        {
            if (ns is not null && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
            {
                return ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = ns ?? (string.IsNullOrEmpty(bodyNamespace) ? "default" : bodyNamespace);
        }
        else
        {
            metadata.Remove("namespace");
        }

        var name = Json.GetString(metadata, "name") ?? "";
        var generateName = Json.GetString(metadata, "generateName") ?? "";
        if (name.Length == 0 && generateName.Length == 0)
        {
            return ApiError.Invalid(kind, "", "metadata.name", "FieldValueRequired", "Required value: name or generateName is required");
        }

        if (name.Length > 0 && NameError(name) is { } invalidName)
        {
            return ApiError.Invalid(kind, name, "metadata.name", "FieldValueInvalid", $"Invalid value: \"{name}\": {invalidName}");
        }

        obj["apiVersion"] = kind.GroupVersion;
        obj["kind"] = kind.Kind;
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Timestamp();
        if (kind.Kind == "Pod" && kind.Group.Length == 0) PodCreateStrategy.PrepareForCreate(obj, Timestamp());
        if (obj["spec"] is not null)
        {
            metadata["generation"] = 1;
        }

        lock (_lock)
        {
            var objects = _objects[kind];
            var key = new ObjectKey(Json.GetString(metadata, "namespace") ?? "", name);
            if (name.Length == 0)
            {
                do
                {
                    key = key with { Name = generateName + RandomSuffix() };
                }
                while (objects.ContainsKey(key));

                metadata["name"] = key.Name;
            }
            else if (objects.ContainsKey(key))
            {
                return ApiError.AlreadyExists(kind, name);
            }

            if (_admission.Admit(new AdmissionAttributes(AdmissionOperation.Create, kind, name.Length > 0 ? name : generateName, obj, null, this)) is { } refused)
            {
                return refused;
            }

            var stored = Commit(kind, obj, previous: null, StoreEventType.Added);
            return StoreResult.Ok(stored);
        }
    }

    /// <summary>
    /// Replaces an object (PUT). A non-empty <c>metadata.resourceVersion</c> in <paramref name="proposed"/> is a precondition.
    /// </summary>
    public StoreResult Update(ResourceKind kind, string? ns, string name, JsonObject proposed, WriteScope scope)
    {
        lock (_lock)
        {
            // Not Mutate: the proposed object replaces the current one, so there is no copy of it to parse and hand out.
            var key = new ObjectKey(ScopeNamespace(kind, ns), name);
            return _objects[kind].TryGetValue(key, out var existing)
                ? CommitUpdate(kind, existing, proposed, scope)
                : ApiError.NotFound(kind, name);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a fresh copy of the current object under the lock (patch, binding,
    /// controllers' read-modify-write) and commits the result like <see cref="Update"/>.
    /// </summary>
    public StoreResult Mutate(ResourceKind kind, string? ns, string name, WriteScope scope, Func<JsonObject, MutationResult> change)
    {
        lock (_lock)
        {
            var key = new ObjectKey(ScopeNamespace(kind, ns), name);
            if (!_objects[kind].TryGetValue(key, out var existing))
            {
                return ApiError.NotFound(kind, name);
            }

            var outcome = change(existing.ToJsonObject());
            if (outcome.Error is not null)
            {
                return outcome.Error;
            }

            return CommitUpdate(kind, existing, outcome.Object!, scope);
        }
    }

    /// <summary>
    /// Deletes, or marks for deletion when finalizers remain (then <see cref="StoreResult.Removed"/> is false). With
    /// <paramref name="graceful"/> (a client's delete), a pod on a node is only marked, for
    /// <paramref name="gracePeriodSeconds"/> or its own period, when graceful pod deletion is on; in-process deletes
    /// are immediate, like a delete with grace period 0.
    /// </summary>
    public StoreResult Delete(ResourceKind kind, string? ns, string name, string? uidPrecondition = null, string? resourceVersionPrecondition = null,
        bool graceful = false, long? gracePeriodSeconds = null)
    {
        lock (_lock)
        {
            var key = new ObjectKey(ScopeNamespace(kind, ns), name);
            if (!_objects[kind].TryGetValue(key, out var existing))
            {
                return ApiError.NotFound(kind, name);
            }

            if (!string.IsNullOrEmpty(uidPrecondition) && uidPrecondition != existing.Uid)
            {
                return ApiError.Conflict(kind.QualifiedResource, kind.Group, name,
                    $"Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {existing.Uid}");
            }

            if (!string.IsNullOrEmpty(resourceVersionPrecondition)
                && resourceVersionPrecondition != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                return ApiError.Conflict(kind.QualifiedResource, kind.Group, name,
                    $"Precondition failed: ResourceVersion in precondition: {resourceVersionPrecondition}, ResourceVersion in object meta: {existing.ResourceVersion}");
            }

            if (graceful && _gracefulPodDeletion && kind.Group.Length == 0 && kind.Plural == "pods")
            {
                var pod = existing.ToJsonObject();
                var decision = GracefulDeletion.Decide(pod, gracePeriodSeconds, _time.GetUtcNow());
                if (decision.Action == DeletionAction.Pending)
                {
                    return StoreResult.Ok(existing);
                }

                if (decision.Action == DeletionAction.Graceful)
                {
                    GracefulDeletion.Mark(pod, decision, GracefulDeletion.Format(decision.DeletionTimestamp));
                    return StoreResult.Ok(Commit(kind, pod, existing, StoreEventType.Modified));
                }
            }

            if (existing.FinalizerCount > 0)
            {
                if (existing.IsDeleting)
                {
                    return StoreResult.Ok(existing);
                }

                var marked = existing.ToJsonObject();
                var metadata = (JsonObject)marked["metadata"]!;
                metadata["deletionTimestamp"] = Timestamp();
                metadata["deletionGracePeriodSeconds"] = 0;
                return StoreResult.Ok(Commit(kind, marked, existing, StoreEventType.Modified));
            }

            return StoreResult.Ok(Remove(kind, existing), removed: true);
        }
    }

    /// <summary>
    /// Subscribes to changes of one kind (or all kinds when <paramref name="kind"/> is null). With
    /// <paramref name="fromResourceVersion"/> null the subscriber first receives synthetic ADDED events for the
    /// current state; otherwise every retained event after it, or an Expired error when it is older than the window.
    /// </summary>
    public WatchSubscription Subscribe(ResourceKind? kind, string? ns, long? fromResourceVersion, bool droppable, out ApiError? error)
    {
        error = null;
        lock (_lock)
        {
            var subscription = new WatchSubscription(kind, ns, droppable, _maxWatchBacklog, Unsubscribe);
            if (fromResourceVersion is null)
            {
                var kinds = kind is null ? Registry.Kinds : [kind];
                foreach (var k in kinds)
                {
                    var initial = _objects[k].Values.Where(o => ns is null || o.Namespace == ns).ToList();
                    initial.Sort((a, b) => a.Key.CompareTo(b.Key));
                    foreach (var obj in initial)
                    {
                        subscription.Offer(new StoreEvent(StoreEventType.Added, obj, null));
                    }
                }
            }
            else if (!_log.CanResumeFrom(fromResourceVersion.Value))
            {
                error = ApiError.Expired(FormattableString.Invariant(
                    $"too old resource version: {fromResourceVersion.Value} ({_log.Floor})"));
                subscription.Close();
                return subscription;
            }
            else
            {
                foreach (var storeEvent in _log.After(fromResourceVersion.Value))
                {
                    if (subscription.Accepts(storeEvent))
                    {
                        subscription.Offer(storeEvent);
                    }
                }
            }

            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Forgets all retained events, so watches resuming from any earlier resourceVersion get 410 Expired.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _log.Compact(_resourceVersion);
        }
    }

    /// <summary>Ends every droppable subscription (HTTP watches); clients see their stream end.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions.Where(s => s.Droppable).ToList())
            {
                subscription.Close();
                _subscriptions.Remove(subscription);
            }
        }
    }

    /// <summary>Ends every subscription (shutdown).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Close();
            }

            _subscriptions.Clear();
        }
    }

    /// <summary>The store's clock (the emulator's TimeProvider).</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    public string Timestamp() =>
        _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private StoreResult CommitUpdate(ResourceKind kind, StoredObject existing, JsonObject proposed, WriteScope scope)
    {
        if (TypeMismatch(kind, proposed) is { } typeError)
        {
            return typeError;
        }

        var current = existing.ToJsonObject();
        var currentMetadata = (JsonObject)current["metadata"]!;
        if (proposed["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            proposed["metadata"] = metadata;
        }

        var bodyName = Json.GetString(metadata, "name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != existing.Name)
        {
            return ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({existing.Name})");
        }

        var bodyNamespace = Json.GetString(metadata, "namespace");
        if (kind.Namespaced && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != existing.Namespace)
        {
            return ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var precondition = Json.GetString(metadata, "resourceVersion");
        if (!string.IsNullOrEmpty(precondition) && precondition != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            return ApiError.StaleResourceVersion(kind, existing.Name);
        }

        JsonObject next;
        if (scope == WriteScope.Status)
        {
            // Status updates change status only (ResetObjectMetaForStatus + the strategies' PrepareForUpdate).
            next = (JsonObject)current.DeepClone();
            var status = proposed["status"];
            if (status is null)
            {
                next.Remove("status");
            }
            else
            {
                next["status"] = status.DeepClone();
            }
        }
        else
        {
            next = proposed;
            if (scope == WriteScope.Main && kind.HasStatus)
            {
                if (current["status"] is { } keptStatus)
                {
                    next["status"] = keptStatus.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }

            // Server-owned metadata cannot be changed by an update.
            metadata["name"] = existing.Name;
            if (kind.Namespaced)
            {
                metadata["namespace"] = existing.Namespace;
            }
            else
            {
                metadata.Remove("namespace");
            }

            CopyOrRemove(currentMetadata, metadata, "uid");
            CopyOrRemove(currentMetadata, metadata, "creationTimestamp");
            CopyOrRemove(currentMetadata, metadata, "deletionTimestamp");
            CopyOrRemove(currentMetadata, metadata, "deletionGracePeriodSeconds");
            CopyOrRemove(currentMetadata, metadata, "generation");
            if (existing.IsDeleting && metadata["finalizers"] is JsonArray added && added.Count > existing.FinalizerCount)
            {
                return ApiError.Invalid(kind, existing.Name, "metadata.finalizers", "FieldValueForbidden",
                    "Forbidden: no new finalizers can be added if the object is being deleted");
            }

            if (_admission.Admit(new AdmissionAttributes(AdmissionOperation.Update, kind, existing.Name, next, current, this)) is { } refused)
            {
                return refused;
            }

            if (next["spec"] is { } spec && !JsonNode.DeepEquals(spec, current["spec"]) && metadata["generation"] is not null)
            {
                metadata["generation"] = (Json.GetString(metadata, "generation") is { } g && long.TryParse(g, out var gen) ? gen : 0) + 1;
            }
        }

        next["apiVersion"] = kind.GroupVersion;
        next["kind"] = kind.Kind;
        var nextMetadata = (JsonObject)next["metadata"]!;
        nextMetadata["resourceVersion"] = existing.ResourceVersion.ToString(CultureInfo.InvariantCulture);

        if (existing.IsDeleting && (nextMetadata["finalizers"] as JsonArray)?.Count is null or 0)
        {
            return StoreResult.Ok(Remove(kind, StoredObject.From(kind, next, existing.ResourceVersion)), removed: true);
        }

        if (JsonNode.DeepEquals(next, current))
        {
            // A no-op write does not bump the resourceVersion (etcd3 store GuaranteedUpdate short-circuit).
            return StoreResult.Ok(existing);
        }

        return StoreResult.Ok(Commit(kind, next, existing, StoreEventType.Modified));
    }

    private StoredObject Remove(ResourceKind kind, StoredObject existing)
    {
        var last = existing.ToJsonObject();
        var rv = ++_resourceVersion;
        ((JsonObject)last["metadata"]!)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        var tombstone = StoredObject.From(kind, last, rv);
        _objects[kind].Remove(existing.Key);
        Publish(new StoreEvent(StoreEventType.Deleted, tombstone, existing));
        return tombstone;
    }

    private StoredObject Commit(ResourceKind kind, JsonObject obj, StoredObject? previous, StoreEventType type)
    {
        var rv = ++_resourceVersion;
        ((JsonObject)obj["metadata"]!)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        var stored = StoredObject.From(kind, obj, rv);
        _objects[kind][stored.Key] = stored;
        Publish(new StoreEvent(type, stored, previous));
        return stored;
    }

    private void Publish(StoreEvent storeEvent)
    {
        _log.Append(storeEvent);
        for (var i = _subscriptions.Count - 1; i >= 0; i--)
        {
            var subscription = _subscriptions[i];
            if (subscription.Accepts(storeEvent) && !subscription.Offer(storeEvent))
            {
                _subscriptions.RemoveAt(i);
            }
        }
    }

    private static void CopyOrRemove(JsonObject from, JsonObject to, string property)
    {
        if (from[property] is { } value)
        {
            to[property] = value.DeepClone();
        }
        else
        {
            to.Remove(property);
        }
    }

    private static ApiError? TypeMismatch(ResourceKind kind, JsonObject obj)
    {
        var apiVersion = Json.GetString(obj, "apiVersion");
        var objKind = Json.GetString(obj, "kind");
        if (!string.IsNullOrEmpty(objKind) && objKind != kind.Kind)
        {
            return ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({kind.GroupVersion}) or kind {objKind} is not {kind.Kind}");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != kind.GroupVersion)
        {
            return ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({kind.GroupVersion})");
        }

        return null;
    }

    private static string? NameError(string name)
    {
        if (name.Length > 253)
        {
            return "must be no more than 253 characters";
        }

        return name.Any(c => c is '/' or '%' || char.IsWhiteSpace(c) || char.IsControl(c))
            ? "a name may not contain '/', '%' or whitespace"
            : null;
    }

    private static string ScopeNamespace(ResourceKind kind, string? ns) => kind.Namespaced ? ns ?? "default" : "";

    private static string RandomSuffix() => string.Create(5, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
        }
    });
}

/// <summary>Result of a read-modify-write step: the object to commit, or why not.</summary>
internal readonly record struct MutationResult(JsonObject? Object, ApiError? Error)
{
    public static implicit operator MutationResult(JsonObject obj) => new(obj, null);

    public static implicit operator MutationResult(ApiError error) => new(null, error);
}

/// <summary>One page of a list.</summary>
internal sealed record ListPage(List<StoredObject> Items, long ResourceVersion, ContinueToken? Continue, long? RemainingItemCount, ApiError? Error);

/// <summary>Where the next page starts: after <see cref="After"/> in key order, as of <see cref="ResourceVersion"/>.</summary>
internal readonly record struct ContinueToken(long ResourceVersion, ObjectKey After)
{
    public string Encode()
    {
        var json = new JsonObject
        {
            ["v"] = "meta.k8s.io/v1",
            ["rv"] = ResourceVersion,
            ["start"] = After.Namespace + "/" + After.Name,
        };
        return Convert.ToBase64String(Json.ToBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string text, out ContinueToken token)
    {
        token = default;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var json = Json.ParseObject(Convert.FromBase64String(base64));
            var start = Json.GetString(json, "start");
            var rv = Json.GetString(json, "rv");
            if (start is null || !long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return false;
            }

            var slash = start.IndexOf('/', StringComparison.Ordinal);
            token = new ContinueToken(version, slash < 0 ? new ObjectKey("", start) : new ObjectKey(start[..slash], start[(slash + 1)..]));
            return slash >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
