using System.Buffers;
using System.IO.Compression;
using EdgeToken.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeToken.Collector.Ingest;

/// <summary>POST /api/v1/ingest: reads the body within its limits (1 MiB on the wire, gzip allowed), hands it to the <see cref="BatchIngestor"/>.</summary>
public static class IngestEndpoint
{
    public static async Task HandleAsync(HttpContext context, BatchIngestor ingestor, CollectorOptions options)
    {
        if (context.User.FindFirst(DeviceAuthentication.DeviceClaim)?.Value is not { } device)
        {
            await DeviceAuthentication.Refuse(context, 401, "missing_credential", "send the device's token as \"Authorization: Bearer <token>\"");
            return;
        }
        var request = context.Request;
        if (request.ContentLength > WireFormat.MaxBatchBytes)
        {
            await Write(context, IngestOutcome.Refused(413, "batch_too_large", $"the body is {request.ContentLength} bytes; at most {WireFormat.MaxBatchBytes}, send fewer records per batch"));
            return;
        }
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await Write(context, IngestOutcome.Refused(415, "unsupported_media_type", $"Content-Type is {type}; send application/json"));
            return;
        }
        string encoding = request.Headers.ContentEncoding.ToString();
        bool gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await Write(context, IngestOutcome.Refused(415, "unsupported_encoding", $"Content-Encoding {encoding} is not supported; send gzip or none"));
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = WireFormat.MaxBatchBytes + 1;

        var wire = new CountingStream(request.Body);
        Stream body = gzip ? new GZipStream(wire, CompressionMode.Decompress, leaveOpen: true) : wire;
        int limit = gzip ? options.MaxDecompressedBytes : WireFormat.MaxBatchBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0) break;
                length += read;
                if (length > limit || wire.Count > WireFormat.MaxBatchBytes)
                {
                    await Write(context, IngestOutcome.Refused(413, "batch_too_large",
                        gzip ? $"the body is over {WireFormat.MaxBatchBytes} bytes compressed or {limit} bytes decompressed; send fewer records per batch"
                             : $"the body is over {WireFormat.MaxBatchBytes} bytes; send fewer records per batch"));
                    return;
                }
            }
            var outcome = await ingestor.IngestAsync(buffer.AsMemory(0, length), device, (int)wire.Count, context.RequestAborted);
            await Write(context, outcome);
        }
        catch (InvalidDataException)
        {
            await Write(context, IngestOutcome.Refused(400, "bad_gzip", "Content-Encoding is gzip but the body is not valid gzip"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            await Write(context, IngestOutcome.Refused(413, "batch_too_large", $"the body is over {WireFormat.MaxBatchBytes} bytes; send fewer records per batch"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (gzip) await body.DisposeAsync();
        }
    }

    static Task Write(HttpContext context, IngestOutcome outcome)
    {
        context.Response.StatusCode = outcome.Status;
        return outcome.Response is { } response
            ? context.Response.WriteAsJsonAsync(response, WireJsonContext.Default.IngestResponse, contentType: null, context.RequestAborted)
            : context.Response.WriteAsJsonAsync(outcome.Error!, WireJsonContext.Default.IngestError, contentType: null, context.RequestAborted);
    }

    /// <summary>Counts the bytes read off the wire, under a decompressing stream, for the wire-size limit and the uplink volume.</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) { int n = inner.Read(buffer, offset, count); Count += n; return n; }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            Count += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
