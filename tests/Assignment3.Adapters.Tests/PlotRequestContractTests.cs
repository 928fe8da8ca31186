using System.Text;
using System.Text.Json;
using Assignment3.Adapters.PlotApi;

namespace Assignment3.Adapters.Tests;

/// <summary>
/// The plotting API's request body and the model API Gateway validates it against (the file the stack deploys) name the
/// same properties: a property added to one and not the other would pass every local test and answer 400 on AWS.
/// </summary>
public sealed class PlotRequestContractTests
{
    private static readonly ApiGatewayModel Model = ApiGatewayModel.PlotRequest();

    [Fact]
    public void The_model_declares_exactly_the_contracts_properties_and_nothing_else()
    {
        var contract = PlotApiJsonContext.Default.PlotRequestBody.Properties.Select(p => p.Name).Order(StringComparer.Ordinal);
        var model = Model.Schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(contract, model);
        Assert.Equal(JsonValueKind.False, Model.Schema.GetProperty("additionalProperties").ValueKind);
    }

    [Theory]
    [InlineData("""{"bucket": "my-data-bucket", "window": "10s"}""")]
    [InlineData("""{"bucket": "my.data.bucket", "window": 30}""")]
    [InlineData("""{"window": null}""")]
    [InlineData("""{}""")]
    public void Bodies_the_contract_reads_pass_the_model(string body)
    {
        Assert.Empty(Model.Validate(Encoding.UTF8.GetBytes(body)));
        Assert.NotNull(JsonSerializer.Deserialize(body, PlotApiJsonContext.Default.PlotRequestBody));
    }

    [Theory]
    [InlineData("""{"bucket": "my-data-bucket", "width": 800}""", "'width' is not allowed")]
    [InlineData("""{"bucket": "Upper-Case"}""", "does not match")]
    [InlineData("""{"bucket": "ab"}""", "shorter than 3")]
    [InlineData("""{"bucket": "my-data-bucket\n"}""", "does not match")]
    [InlineData("""{"bucket": 42}""", "is not of type string")]
    [InlineData("""{"window": true}""", "is not of type string or number or null")]
    [InlineData("""["bucket"]""", "is not of type object")]
    [InlineData("""not json""", "not JSON")]
    [InlineData("", "not JSON")]
    public void The_model_refuses_what_api_gateway_would(string body, string problem)
    {
        var problems = Model.Validate(Encoding.UTF8.GetBytes(body));

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_with_a_keyword_the_stand_in_does_not_check_is_refused_when_loaded()
    {
        using var schema = JsonDocument.Parse("""{"type": "object", "properties": {"bucket": {"type": "string", "format": "hostname"}}}""");

        var refusal = Assert.Throws<NotSupportedException>(() => new ApiGatewayModel(schema.RootElement));

        Assert.Contains("'format'", refusal.Message, StringComparison.Ordinal);
    }
}
