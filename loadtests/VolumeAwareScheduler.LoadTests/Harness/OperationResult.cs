namespace VolumeAwareScheduler.LoadTests.Harness;

/// <summary>What one operation under load reports: success, or a failure of a named kind (failures are values).</summary>
public readonly record struct OperationResult(string? ErrorKind)
{
    public static readonly OperationResult Ok = new((string?)null);

    public static readonly ValueTask<OperationResult> OkTask = ValueTask.FromResult(Ok);

    public bool IsOk => ErrorKind is null;

    public static OperationResult Fail(string kind) => new(kind);
}

/// <summary>One operation of a load phase. <paramref name="sequence"/> counts from 0 within the phase (warm-up apart).</summary>
public delegate ValueTask<OperationResult> Operation(long sequence, CancellationToken cancellationToken);
