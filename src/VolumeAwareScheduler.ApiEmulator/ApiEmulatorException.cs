namespace VolumeAwareScheduler.ApiEmulator;

/// <summary>An in-process call was refused the way the API would refuse it over HTTP.</summary>
public sealed class ApiEmulatorException : Exception
{
    public ApiEmulatorException()
    {
    }

    public ApiEmulatorException(string message)
        : base(message)
    {
    }

    public ApiEmulatorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ApiEmulatorException(int statusCode, string reason, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>The HTTP status the API would have answered (404, 409, 422, ...).</summary>
    public int StatusCode { get; }

    /// <summary>The Status reason (<c>NotFound</c>, <c>AlreadyExists</c>, <c>Conflict</c>, ...).</summary>
    public string Reason { get; } = "";
}
