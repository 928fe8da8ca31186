using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Assignment3.Catalog;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

public sealed class PlotRestApiTests
{
    private static JsonNode SchemaFile(string root) => JsonNode.Parse(File.ReadAllText(Path.Combine(root, PlotApiModel.SchemaFile)))!;

    [Fact]
    public void The_deployed_request_model_is_the_schema_file_as_it_is()
    {
        var model = Resources(Lambda, "AWS::ApiGateway::Model").Single().Resource["Properties"]!;

        Assert.True(JsonNode.DeepEquals(SchemaFile(Root), model["Schema"]), $"deployed: {model["Schema"]!.ToJsonString()}");
        Assert.Equal(PlotApiModel.Name, (string?)model["Name"]);
        Assert.Equal(PlotApiModel.ContentType, (string?)model["ContentType"]);
        Assert.Equal((string?)SchemaFile(Root)["description"], (string?)model["Description"]);
    }

    [Fact]
    public void The_plot_method_requires_the_model_for_json_bodies_and_validates_them()
    {
        var (validatorId, validator) = Resources(Lambda, "AWS::ApiGateway::RequestValidator").Single();
        var (modelId, _) = Resources(Lambda, "AWS::ApiGateway::Model").Single();
        var method = Resources(Lambda, "AWS::ApiGateway::Method").Single(m => (string?)m.Resource["Properties"]!["HttpMethod"] == "POST").Resource["Properties"]!;

        Assert.Equal(validatorId, (string?)method["RequestValidatorId"]!["Ref"]);
        Assert.Equal(modelId, (string?)method["RequestModels"]![PlotApiModel.ContentType]!["Ref"]);
        Assert.Single(method["RequestModels"]!.AsObject());
        Assert.True((bool)validator["Properties"]!["ValidateRequestBody"]!);
    }

    [Fact]
    public void A_changed_schema_file_is_deployed_to_the_stage_by_a_new_deployment()
    {
        // The stage serves the deployment it points at: a model changed without a new deployment would not be used.
        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.GetDirectoryName(root[PlotApiModel.SchemaFile])!);
        var changed = SchemaFile(Root).AsObject();
        changed["properties"]!["width"] = new JsonObject { ["type"] = "integer", ["minimum"] = 100 };
        File.WriteAllText(root[PlotApiModel.SchemaFile], changed.ToJsonString());

        var (_, lambda) = Synthesize(root.Path);

        Assert.True(JsonNode.DeepEquals(changed, Resources(lambda, "AWS::ApiGateway::Model").Single().Resource["Properties"]!["Schema"]));
        var deployment = Resources(lambda, "AWS::ApiGateway::Deployment").Single().Id;
        Assert.NotEqual(Resources(Lambda, "AWS::ApiGateway::Deployment").Single().Id, deployment);
        lambda.HasResourceProperties("AWS::ApiGateway::Stage", Match.ObjectLike(Props(("DeploymentId", Props(("Ref", deployment))))));
    }
}
