namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>Which document a schema or operation is written for: Swagger 2.0 (<c>/openapi/v2</c>) or OpenAPI 3.0 (<c>/openapi/v3</c>).</summary>
internal enum OpenApiVersion
{
    V2,
    V3,
}
