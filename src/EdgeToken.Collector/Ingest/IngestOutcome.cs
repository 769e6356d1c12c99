using EdgeToken.Contracts;

namespace EdgeToken.Collector.Ingest;

/// <summary>What one batch came to: 200 with a response, or a 4xx/5xx with a code and a sentence.</summary>
public sealed record IngestOutcome(int Status, IngestResponse? Response, IngestError? Error)
{
    public static IngestOutcome Stored(IngestResponse response) => new(200, response, null);

    public static IngestOutcome Refused(int status, string code, string message) => new(status, null, new IngestError(code, message));
}
