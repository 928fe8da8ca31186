using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.PlotApi;

namespace Assignment3.Aws.Tests;

/// <summary>
/// The plot-API stand-in checks signatures as API Gateway's IAM authorization does (recomputed by an independent
/// SigV4 implementation), and the driver's client signs so that it passes, with temporary credentials too.
/// </summary>
/// <remarks>
/// In the emulators' collection although it uses none: the AWS SDK reads settings such as the checksum mode from the
/// environment once per process, so no SDK client may be made before the fixture has set them.
/// </remarks>
[Collection(EmulatorCollection.Name)]
public sealed class PlotApiSignatureTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"bucket":"assignment3-data"}""");
    private static readonly SessionAWSCredentials Session =
        new(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey, EmulatorFixture.SessionToken);

    private readonly HttpClient _http = new();
    private LocalApiGateway _api = null!;
    private int _handled;

    public Task InitializeAsync()
    {
        _api = Gateway(SigningExpectation.EmulatorSession);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _http.Dispose();
    }

    private LocalApiGateway Gateway(SigningExpectation expected) => new(_ =>
    {
        Interlocked.Increment(ref _handled);
        return Task.FromResult<Stream>(new MemoryStream("""{"statusCode":200,"body":"{}"}"""u8.ToArray()));
    }, expected);

    private Task<HttpRequestMessage> SignAsync(AWSCredentials credentials, string region = EmulatorFixture.Region, LocalApiGateway? api = null) =>
        new SignedHttpPlotApi(_http, (api ?? _api).Url, credentials, region).SignAsync(Body, default);

    private async Task<(HttpStatusCode Status, string Message)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? "" : JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!);
    }

    private async Task AssertRefusedAsync(HttpRequestMessage request, string message)
    {
        var (status, text) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Equal(0, _handled);
    }

    [Fact]
    public async Task A_request_signed_with_session_credentials_carries_and_signs_its_token_and_is_accepted()
    {
        using var request = await SignAsync(Session);

        var (status, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(EmulatorFixture.SessionToken, Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        Assert.Contains("x-amz-security-token", Assert.Single(request.Headers.GetValues("Authorization")), StringComparison.Ordinal);
        Assert.Equal(1, _handled);
    }

    [Fact]
    public async Task A_request_signed_with_long_term_credentials_is_accepted_where_no_token_is_expected()
    {
        await using var api = Gateway(SigningExpectation.EmulatorSession with { SessionToken = null });
        using var request = await SignAsync(new BasicAWSCredentials(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey), api: api);

        var (status, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    [Fact]
    public async Task No_signature_is_a_missing_authentication_token() =>
        await AssertRefusedAsync(new HttpRequestMessage(HttpMethod.Post, _api.Url) { Content = new ByteArrayContent(Body) }, "Missing Authentication Token");

    [Fact]
    public async Task A_wrong_secret_does_not_match() =>
        await AssertRefusedAsync(await SignAsync(new SessionAWSCredentials(EmulatorFixture.AccessKeyId, "not-the-secret", EmulatorFixture.SessionToken)),
            "The request signature we calculated does not match");

    [Fact]
    public async Task A_body_changed_after_signing_does_not_match()
    {
        var request = await SignAsync(Session);
        var tampered = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"bucket":"someone-elses"}"""));
        foreach (var header in request.Content!.Headers)
        {
            tampered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        request.Content = tampered;

        await AssertRefusedAsync(request, "The request signature we calculated does not match");
    }

    [Fact]
    public async Task A_signed_header_changed_after_signing_does_not_match()
    {
        var request = await SignAsync(Session);
        var date = DateTime.ParseExact(request.Headers.GetValues("X-Amz-Date").Single(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Add("X-Amz-Date", date.AddSeconds(1).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));

        await AssertRefusedAsync(request, "The request signature we calculated does not match");
    }

    [Fact]
    public async Task A_signature_for_another_region_is_refused() =>
        await AssertRefusedAsync(await SignAsync(Session, region: "eu-west-1"), "Credential should be scoped to a valid region");

    [Fact]
    public async Task A_signature_for_another_service_is_refused()
    {
        await using var api = Gateway(SigningExpectation.EmulatorSession with { Service = "lambda" });

        await AssertRefusedAsync(await SignAsync(Session, api: api), "Credential should be scoped to correct service");
    }

    [Fact]
    public async Task Temporary_credentials_without_their_token_are_refused()
    {
        var request = await SignAsync(Session);
        request.Headers.Remove("X-Amz-Security-Token");

        await AssertRefusedAsync(request, "signed header 'x-amz-security-token' is missing");
    }

    [Fact]
    public async Task A_signature_made_without_the_token_is_refused_when_the_credentials_are_temporary() =>
        await AssertRefusedAsync(await SignAsync(new BasicAWSCredentials(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey)),
            "The security token included in the request is invalid");

    [Fact]
    public async Task Another_session_token_is_refused() =>
        await AssertRefusedAsync(await SignAsync(new SessionAWSCredentials(EmulatorFixture.AccessKeyId, EmulatorFixture.SecretAccessKey, "another-token")),
            "The security token included in the request is invalid");

    [Fact]
    public async Task A_signature_older_than_five_minutes_has_expired()
    {
        var request = await SignAsync(Session);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Add("X-Amz-Date", DateTime.UtcNow.AddMinutes(-6).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));

        await AssertRefusedAsync(request, "Signature expired");
    }
}
