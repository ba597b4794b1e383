using VolumeAwareScheduler.ApiEmulator.Resources;

namespace VolumeAwareScheduler.ApiEmulator.Storage;

/// <summary>Outcome of a store operation: the resulting object or an API error. <see cref="Removed"/> tells a delete that completed.</summary>
internal readonly record struct StoreResult(StoredObject? Object, ApiError? Error, bool Removed = false)
{
    public static implicit operator StoreResult(ApiError error) => new(null, error);

    public static StoreResult Ok(StoredObject obj, bool removed = false) => new(obj, null, removed);
}

/// <summary>Which parts of a stored object a write may change.</summary>
internal enum WriteScope
{
    /// <summary>Main resource endpoint: status is kept from the stored object when the kind has a status subresource.</summary>
    Main,

    /// <summary>Status subresource: only <c>status</c> is taken from the new object.</summary>
    Status,

    /// <summary>In-process writes (seeding, controllers): spec and status together.</summary>
    All,
}
