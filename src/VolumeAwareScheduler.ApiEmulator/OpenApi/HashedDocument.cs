namespace VolumeAwareScheduler.ApiEmulator.OpenApi;

/// <summary>A served OpenAPI document and the hash that names its version (upper-case hex SHA-512, as handler3.go computes it).</summary>
internal sealed record HashedDocument(byte[] Json, string Hash);
