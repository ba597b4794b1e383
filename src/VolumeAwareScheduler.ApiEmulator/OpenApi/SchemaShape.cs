namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>What a schema in the model catalog is.</summary>
internal enum SchemaShape
{
    /// <summary>A JSON scalar: string, integer, number or boolean (<see cref="SchemaType.Primitive"/>).</summary>
    Primitive,

    /// <summary>A named definition (<see cref="SchemaType.Reference"/>): an object model or a named scalar such as Quantity.</summary>
    Reference,

    /// <summary>A JSON array of <see cref="SchemaType.Element"/>.</summary>
    Array,

    /// <summary>A JSON object with free keys and <see cref="SchemaType.Element"/> values.</summary>
    Map,

    /// <summary>Any JSON value, kept as is (RawExtension, FieldsV1).</summary>
    Any,
}
