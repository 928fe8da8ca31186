using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// A stand-in for S3 on 127.0.0.1 that serves one bucket of <see cref="GeneratedObjects"/> generated objects, computed
/// from their index and never stored, so that a listing of a million objects costs what S3's paging costs and no disk:
/// object <c>i</c> is <see cref="Key"/>(i), <see cref="Size"/>(i) bytes, <see cref="ETag"/>(i), in key order. Changes
/// made through <see cref="Put"/> and <see cref="Delete"/> (what a client's writes would have done) are kept apart and
/// shown by listings and heads alike.
/// </summary>
/// <remarks>
/// As strict as S3 for what it serves, through the real SDK (path-style requests, as on an IP address):
/// <list type="bullet">
/// <item>ListObjectsV2 (<c>GET /bucket?list-type=2</c>): at most 1,000 keys a page whatever <c>max-keys</c> asks (a
/// smaller one is honoured; one that is not a whole number ≥ 0 is 400 <c>InvalidArgument</c>), <c>KeyCount</c>,
/// <c>IsTruncated</c> and an opaque <c>NextContinuationToken</c> that only this server issued for this bucket: any other
/// token is 400 <c>InvalidArgument</c>, as S3 answers a forged one. <c>prefix</c>, <c>delimiter</c>, <c>start-after</c>
/// and <c>fetch-owner</c> are 501 <c>NotImplemented</c> rather than ignored.</item>
/// <item>HeadObject: 200 with <c>Content-Length</c>, the quoted <c>ETag</c> and <c>Last-Modified</c> for a key the
/// bucket holds, 404 without a body for any other.</item>
/// <item>Every request must carry a SigV4 <c>Authorization</c> header (<c>AWS4-HMAC-SHA256</c>, a credential scope for
/// <c>s3</c>, <c>SignedHeaders</c> with <c>host</c> and <c>x-amz-date</c>, a 64-digit signature) and the
/// <c>x-amz-date</c> and <c>x-amz-content-sha256</c> headers: without one it is 403 <c>AccessDenied</c>, malformed
/// 400. The signature's shape is checked, not recomputed.</item>
/// <item>Another bucket is 404 <c>NoSuchBucket</c>; any other operation 501 <c>NotImplemented</c>.</item>
/// </list>
/// Errors are S3's XML (<c>Error</c> with <c>Code</c>, <c>Message</c>, <c>RequestId</c>). Requests are counted by kind.
/// </remarks>
public sealed partial class GeneratedS3Bucket : IAsyncDisposable
{
    /// <summary>The most keys ListObjectsV2 returns in one page, whatever <c>max-keys</c> asks.</summary>
    public const int MaxKeysPerPage = 1000;

    private const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    // Every generated object was last modified at this moment.
    private static readonly DateTimeOffset LastModified = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Unimplemented = ["prefix", "delimiter", "start-after"];

    private readonly byte[] _tokenKey = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _gate = new();

    // Objects written or deleted since they were generated (null: deleted), by index; keys past the generated ones
    // are appended in order.
    private readonly Dictionary<long, (long Size, string ETag)?> _changed = [];
    private readonly LoopbackHttpServer _server;
    private long _keys;
    private long _deleted;
    private int _lists;
    private int _heads;
    private int _others;

    /// <param name="bucketName">The one bucket served.</param>
    /// <param name="objects">How many objects it holds.</param>
    public GeneratedS3Bucket(string bucketName, long objects)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(objects);
        (BucketName, GeneratedObjects, _keys) = (bucketName, objects, objects);
        _server = new LoopbackHttpServer(AnswerAsync, concurrent: false);
        Endpoint = new Uri($"http://{_server.HostAndPort}/");
    }

    /// <summary>The value for <c>AWS_ENDPOINT_URL_S3</c>.</summary>
    public Uri Endpoint { get; }

    public string BucketName { get; }

    /// <summary>How many objects were generated: indices 0 to this, exclusive.</summary>
    public long GeneratedObjects { get; }

    /// <summary>How many objects the bucket holds now.</summary>
    public long ObjectCount
    {
        get
        {
            lock (_gate)
            {
                return _keys - _deleted;
            }
        }
    }

    /// <summary>ListObjectsV2 requests answered (refused ones included).</summary>
    public int ListRequests => Volatile.Read(ref _lists);

    /// <summary>HeadObject requests answered (404s included).</summary>
    public int HeadRequests => Volatile.Read(ref _heads);

    /// <summary>Any other request.</summary>
    public int OtherRequests => Volatile.Read(ref _others);

    /// <summary>The sum of every object's size, now.</summary>
    public long TotalSize
    {
        get
        {
            long total = 0;
            lock (_gate)
            {
                for (long i = 0; i < _keys; i++)
                {
                    total += Current(i)?.Size ?? 0;
                }
            }

            return total;
        }
    }

    /// <summary>
    /// Writes <paramref name="key"/> as a client's PutObject would: a generated key, or the next key after the last
    /// (<see cref="Key"/> of the number of keys so far), which appends it.
    /// </summary>
    public void Put(string key, long size, string etag)
    {
        lock (_gate)
        {
            var index = Parse(key) is { } found && found <= _keys
                ? found
                : throw new ArgumentException($"{key} is neither a key of this bucket nor the next one ({Key(_keys)})", nameof(key));
            if (index == _keys)
            {
                _keys++;
            }
            else if (Current(index) is null)
            {
                _deleted--;
            }

            _changed[index] = (size, etag);
        }
    }

    /// <summary>Deletes <paramref name="key"/> as a client's DeleteObject would (nothing happens to a key that is not there).</summary>
    public void Delete(string key)
    {
        lock (_gate)
        {
            if (IndexOf(key) is { } index)
            {
                _changed[index] = null;
                _deleted++;
            }
        }
    }

    /// <summary>The key a <see cref="Put"/> appends: the one after the last.</summary>
    public string NextKey
    {
        get
        {
            lock (_gate)
            {
                return Key(_keys);
            }
        }
    }

    /// <summary>Whether the bucket holds <paramref name="key"/> now.</summary>
    public bool Holds(string key)
    {
        lock (_gate)
        {
            return IndexOf(key) is not null;
        }
    }

    /// <summary>The key of object <paramref name="index"/>: zero-padded, so key order is index order.</summary>
    public static string Key(long index) => $"object-{index:D10}";

    /// <summary>The size of object <paramref name="index"/>: 1 byte to 1 MiB, fixed by the index.</summary>
    public static long Size(long index) => 1 + (long)(Mix((ulong)index) % (1024 * 1024));

    /// <summary>The ETag of object <paramref name="index"/> without quotes (32 hexadecimal digits, the shape of an MD5).</summary>
    public static string ETag(long index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Mix((ulong)index ^ 0x5EED):x16}{Mix(~(ulong)index):x16}");

    private static long? Parse(string key) =>
        key.StartsWith("object-", StringComparison.Ordinal) && key.Length == 17
        && long.TryParse(key.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    // Under _gate: the index of the object the bucket holds under key, else null.
    private long? IndexOf(string key) => Parse(key) is { } index && index < _keys && Current(index) is not null ? index : null;

    // Under _gate: the object at index now, or null when it was deleted.
    private (long Size, string ETag)? Current(long index) =>
        _changed.TryGetValue(index, out var changed) ? changed : (Size(index), ETag(index));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // SplitMix64's finalizer: a fixed, well-spread value per index.
    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
        return value ^ (value >> 31);
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath.TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? path : path[..slash];
        var key = slash < 0 ? "" : Uri.UnescapeDataString(path[(slash + 1)..]);
        var listing = request.HttpMethod == "GET" && key.Length == 0 && request.QueryString["list-type"] == "2";
        var head = request.HttpMethod == "HEAD" && key.Length > 0;
        Interlocked.Increment(ref listing ? ref _lists : ref head ? ref _heads : ref _others);
        try
        {
            if (AuthorizationProblem(request) is { } refused)
            {
                await ErrorAsync(context, refused.Status, refused.Code, refused.Message);
            }
            else if (bucket != BucketName)
            {
                await ErrorAsync(context, 404, "NoSuchBucket", "The specified bucket does not exist");
            }
            else if (listing)
            {
                await ListAsync(context);
            }
            else if (head)
            {
                await HeadAsync(context, key);
            }
            else
            {
                await ErrorAsync(context, 501, "NotImplemented", "A header you provided implies functionality that is not implemented");
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    // What S3 answers a request without a usable SigV4 Authorization header, or null when the header is well formed.
    private static (int Status, string Code, string Message)? AuthorizationProblem(HttpListenerRequest request)
    {
        var authorization = request.Headers["Authorization"];
        if (string.IsNullOrEmpty(authorization))
        {
            return (403, "AccessDenied", "Access Denied");
        }

        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return (400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }

        var match = SigV4Header().Match(authorization);
        var amzDate = request.Headers["x-amz-date"];
        if (!match.Success || amzDate is null || !amzDate.StartsWith(match.Groups["date"].Value, StringComparison.Ordinal)
            || !match.Groups["signed"].Value.Split(';').Contains("host") || !match.Groups["signed"].Value.Split(';').Contains("x-amz-date"))
        {
            return (400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential is mal-formed, or a required header is not signed.");
        }

        return request.Headers["x-amz-content-sha256"] is null
            ? (400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
            : null;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=[^/,\s]+/(?<date>\d{8})/[a-z0-9-]+/s3/aws4_request,\s*SignedHeaders=(?<signed>[a-z0-9;-]+),\s*Signature=[0-9a-f]{64}$")]
    private static partial Regex SigV4Header();

    private async Task ListAsync(HttpListenerContext context)
    {
        var query = context.Request.QueryString;
        if (Unimplemented.Any(name => !string.IsNullOrEmpty(query[name])) || query["fetch-owner"] == "true")
        {
            await ErrorAsync(context, 501, "NotImplemented", "A header you provided implies functionality that is not implemented");
            return;
        }

        var encoding = query["encoding-type"];
        if (encoding is not (null or "url"))
        {
            await ErrorAsync(context, 400, "InvalidArgument", "Invalid Encoding Method specified in Request");
            return;
        }

        var maxKeys = MaxKeysPerPage;
        if (query["max-keys"] is { } asked && (!int.TryParse(asked, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys)))
        {
            await ErrorAsync(context, 400, "InvalidArgument", "Provided max-keys not an integer or within integer range");
            return;
        }

        maxKeys = Math.Min(maxKeys, MaxKeysPerPage);
        var given = query["continuation-token"];
        var start = given is null ? 0 : ReadToken(given) ?? -1;
        if (start < 0)
        {
            await ErrorAsync(context, 400, "InvalidArgument", "The continuation token provided is incorrect");
            return;
        }

        // The page: up to maxKeys objects from index start on, deleted ones skipped; the token is the index to go on from.
        var page = new List<(long Index, long Size, string ETag)>();
        long next;
        bool truncated;
        lock (_gate)
        {
            for (next = start; next < _keys && page.Count < maxKeys; next++)
            {
                if (Current(next) is { } found)
                {
                    page.Add((next, found.Size, found.ETag));
                }
            }

            while (next < _keys && Current(next) is null)
            {
                next++;
            }

            truncated = next < _keys;
        }

        var xml = new StringBuilder(300 + (page.Count * 260));
        xml.Append(CultureInfo.InvariantCulture, $"""<?xml version="1.0" encoding="UTF-8"?>{"\n"}<ListBucketResult xmlns="{Namespace}"><Name>{BucketName}</Name><Prefix></Prefix>""");
        if (given is not null)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<ContinuationToken>{SecurityElement.Escape(given)}</ContinuationToken>");
        }

        if (truncated)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<NextContinuationToken>{Token(next)}</NextContinuationToken>");
        }

        xml.Append(CultureInfo.InvariantCulture, $"<KeyCount>{page.Count}</KeyCount><MaxKeys>{maxKeys}</MaxKeys>");
        if (encoding is not null)
        {
            xml.Append("<EncodingType>url</EncodingType>"); // generated keys need no escaping
        }

        xml.Append(truncated ? "<IsTruncated>true</IsTruncated>" : "<IsTruncated>false</IsTruncated>");
        var modified = LastModified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        foreach (var (index, size, etag) in page)
        {
            xml.Append(CultureInfo.InvariantCulture,
                $"<Contents><Key>{Key(index)}</Key><LastModified>{modified}</LastModified><ETag>&quot;{SecurityElement.Escape(etag)}&quot;</ETag><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }

        xml.Append("</ListBucketResult>");
        await RespondAsync(context, 200, Encoding.UTF8.GetBytes(xml.ToString()));
    }

    private async Task HeadAsync(HttpListenerContext context, string key)
    {
        var response = context.Response;
        (long Size, string ETag)? found;
        lock (_gate)
        {
            found = IndexOf(key) is { } index ? Current(index) : null;
        }

        if (found is not { } current)
        {
            await RespondAsync(context, 404, []);
            return;
        }

        response.Headers["ETag"] = $"\"{current.ETag}\"";
        response.Headers["Last-Modified"] = LastModified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers["Accept-Ranges"] = "bytes";
        response.ContentType = "application/octet-stream";
        AddRequestIds(response);
        response.StatusCode = 200;
        response.ContentLength64 = current.Size; // a HEAD answer's length is the object's; it carries no body
        response.Close();
    }

    // An opaque token: the next index and a MAC over it and the bucket, so that no token this server did not issue passes.
    private string Token(long next)
    {
        var bytes = new byte[8 + 16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, next);
        Mac(next).CopyTo(bytes, 8);
        return Base64Url.EncodeToString(bytes);
    }

    private long? ReadToken(string token)
    {
        var bytes = new byte[32];
        if (!Base64Url.IsValid(token) || !Base64Url.TryDecodeFromChars(token, bytes, out var length) || length != 24)
        {
            return null;
        }

        var next = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return next >= 0 && CryptographicOperations.FixedTimeEquals(Mac(next), bytes.AsSpan(8, 16)) ? next : null;
    }

    private byte[] Mac(long next) => HMACSHA256.HashData(_tokenKey, Encoding.UTF8.GetBytes($"{BucketName}\n{next}"))[..16];

    private static async Task ErrorAsync(HttpListenerContext context, int status, string code, string message)
    {
        // A HEAD answer has no body, errors included.
        var body = context.Request.HttpMethod == "HEAD"
            ? []
            : Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?>{"\n"}<Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message><RequestId>{RequestId()}</RequestId><HostId>generated</HostId></Error>""");
        await RespondAsync(context, status, body);
    }

    private static async Task RespondAsync(HttpListenerContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/xml";
        AddRequestIds(response);
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    private static void AddRequestIds(HttpListenerResponse response)
    {
        response.Headers["x-amz-request-id"] = RequestId();
        response.Headers["x-amz-id-2"] = "generated";
    }

    private static string RequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
}
