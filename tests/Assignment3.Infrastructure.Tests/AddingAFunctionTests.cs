using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Assignment3.Catalog;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

/// <summary>
/// What adding a fourth function touches in the stack: its catalog entry, and nothing else. Here the entry is an existing
/// managed project under a new name, with a memory size and timeout of its own, added to the catalog's three; no trigger
/// and no grant (a real one would add those where the stack wires each function).
/// </summary>
public sealed class AddingAFunctionTests
{
    private static readonly LambdaFunctionSpec Reporter = FunctionCatalog.Driver with { Name = "reporter", MemoryMb = 256, TimeoutSeconds = 45 };

    private static readonly Lazy<Template> WithReporter = new(() => Synthesize(functions: [.. FunctionCatalog.All, Reporter]).Lambda);

    private static (string Id, JsonObject Resource) Only(string type, Func<JsonObject, bool> which) =>
        Assert.Single(Resources(WithReporter.Value, type), r => which(r.Resource["Properties"]!.AsObject()));

    private static (string Id, JsonObject Resource) ReporterFunction =>
        Only("AWS::Lambda::Function", p => (string?)p["FunctionName"] == "assignment3-reporter");

    [Fact]
    public void It_gets_its_own_function_as_its_catalog_entry_says_traced_and_logging_json()
    {
        var properties = ReporterFunction.Resource["Properties"]!;

        Assert.Equal(("dotnet10", Reporter.Handler, "arm64"),
            ((string?)properties["Runtime"], (string?)properties["Handler"], (string?)properties["Architectures"]![0]));
        Assert.Equal((256, 45), ((int)properties["MemorySize"]!, (int)properties["Timeout"]!));
        Assert.Equal("45", (string?)properties["Environment"]!["Variables"]![FunctionSettingNames.FunctionTimeout]);
        Assert.True(properties["Environment"]!["Variables"]!.AsObject().ContainsKey(FunctionSettingNames.TableName));
        Assert.Equal("Active", (string?)properties["TracingConfig"]!["Mode"]);
        Assert.Equal("JSON", (string?)properties["LoggingConfig"]!["LogFormat"]);
    }

    [Fact]
    public void It_gets_its_own_log_group_kept_a_month_and_removed_on_destroy()
    {
        var (id, group) = Only("AWS::Logs::LogGroup", p => p["LogGroupName"]?.ToJsonString() == "\"/aws/lambda/assignment3-reporter\"");

        Assert.Equal(id, (string?)ReporterFunction.Resource["Properties"]!["LoggingConfig"]!["LogGroup"]!["Ref"]);
        Assert.Equal(30, (int)group["Properties"]!["RetentionInDays"]!);
        Assert.Equal("Delete", (string?)group["DeletionPolicy"]);
    }

    [Fact]
    public void It_gets_its_own_role_allowed_its_log_group_and_x_ray_only()
    {
        var roleId = (string)ReporterFunction.Resource["Properties"]!["Role"]!["Fn::GetAtt"]![0]!;
        var logGroupId = (string)ReporterFunction.Resource["Properties"]!["LoggingConfig"]!["LogGroup"]!["Ref"]!;
        var policies = Resources(WithReporter.Value, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId)).ToList();
        var statements = policies.SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()).ToList();

        Assert.DoesNotContain(Resources(Lambda, "AWS::IAM::Role"), r => r.Id == roleId); // not one of the three's
        Assert.All(statements, s =>
        {
            List<string> actions = s!["Action"] is JsonArray many ? [.. many.Select(a => (string)a!)] : [(string)s["Action"]!];
            Assert.True(actions.All(a => a.StartsWith("logs:", StringComparison.Ordinal)) || actions.All(a => a.StartsWith("xray:", StringComparison.Ordinal)),
                string.Join(", ", actions));
            if (actions[0].StartsWith("logs:", StringComparison.Ordinal))
            {
                Assert.Contains(logGroupId, s["Resource"]!.ToJsonString(), StringComparison.Ordinal);
            }
        });
    }

    [Theory]
    [InlineData("errors", "Errors", 1)]
    [InlineData("throttles", "Throttles", 1)]
    [InlineData("near-timeout", "Duration", 36_000)] // 80 % of 45 s
    public void It_gets_its_own_alarms_which_notify_the_topic(string kind, string metric, double threshold)
    {
        var topicId = Resources(WithReporter.Value, "AWS::SNS::Topic").Single().Id;

        var (_, alarm) = Only("AWS::CloudWatch::Alarm", p => (string?)p["AlarmName"] == $"assignment3-reporter-{kind}");

        var properties = alarm["Properties"]!;
        Assert.Equal(metric, (string?)properties["MetricName"]);
        Assert.Equal(ReporterFunction.Id, (string?)properties["Dimensions"]![0]!["Value"]!["Ref"]);
        Assert.Equal(threshold, (double)properties["Threshold"]!, 3);
        Assert.Equal(topicId, (string?)properties["AlarmActions"]![0]!["Ref"]);
        Assert.Equal(topicId, (string?)properties["OKActions"]![0]!["Ref"]);
    }

    [Fact]
    public async Task Cdk_nag_finds_nothing_unexplained_and_no_stale_suppression()
    {
        using var directory = new TempDirectory();
        var template = directory["Assignment3-Lambda.template.json"];
        File.WriteAllText(template, Json(WithReporter.Value).ToJsonString());
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(Root, "scripts", "cdk-nag.js"));
        start.ArgumentList.Add(template);

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output + await errors);
        Assert.Contains("cdk-nag: 0 error(s)", output, StringComparison.Ordinal);
        Assert.Contains($"{ReporterFunction.Id}: Serverless-LambdaDLQ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_else_changes_but_the_dashboard_which_shows_it_too()
    {
        var before = Json(Lambda)["Resources"]!.AsObject();
        var after = Json(WithReporter.Value)["Resources"]!.AsObject();

        var changed = before.Where(r => !JsonNode.DeepEquals(r.Value, after[r.Key])).Select(r => (string?)r.Value!["Type"]).ToList();

        Assert.Equal(["AWS::CloudWatch::Dashboard"], changed);
        Assert.Contains("reporter: invocations", after.Single(r => (string?)r.Value!["Type"] == "AWS::CloudWatch::Dashboard").Value!.ToJsonString(),
            StringComparison.Ordinal);
        // Its function, role, role policy, log group and three alarms.
        Assert.Equal(7, after.Count - before.Count);
    }
}
