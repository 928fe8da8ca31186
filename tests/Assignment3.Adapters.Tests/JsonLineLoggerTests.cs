using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Tests;

public sealed class JsonLineLoggerTests
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private static JsonElement LogOne(Action<ILogger> log)
    {
        var output = new StringWriter();
        using (var provider = new JsonLineLoggerProvider(output))
        {
            log(provider.CreateLogger("test"));
        }

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(line, Strict).RootElement;
    }

    [Fact]
    public void A_failure_with_an_error_value_and_an_exception_has_every_key_once()
    {
        var failure = new InvalidOperationException("the table is gone");

        var line = LogOne(logger => logger.LogError(failure, "{What}: {Error}", "size tracking failed", failure.Message));

        Assert.Equal("size tracking failed: the table is gone", line.GetProperty("message").GetString());
        Assert.Equal("the table is gone", line.GetProperty("error").GetString());
        var exception = line.GetProperty("exception");
        Assert.Equal("InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("the table is gone", exception.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(LogLevel.Trace, "TRACE")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARN")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "FATAL")]
    public void Levels_are_written_as_lambda_names_them_so_its_log_level_filtering_reads_them(LogLevel level, string lambdaName)
    {
        var output = new StringWriter();
        using (var logs = new JsonLineLoggerProvider(output, LogLevel.Trace))
        {
            logs.CreateLogger("test").Log(level, "at {Level}", level);
        }

        Assert.Equal(lambdaName, JsonDocument.Parse(output.ToString()).RootElement.GetProperty("level").GetString());
    }

    [Fact]
    public void Template_values_named_like_fixed_fields_or_each_other_do_not_repeat_a_key()
    {
        var line = LogOne(logger => logger.LogInformation("{Message} {Level} {Time} {Count} {Count}", "m", "l", "t", 1, 2));

        Assert.Equal("m l t 1 2", line.GetProperty("message").GetString());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal(1, line.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Numbers_and_booleans_stay_typed()
    {
        var line = LogOne(logger => logger.LogInformation("{Objects} {Bytes} {Duplicate} {Ms}", 3, 27L, true, 1.5));

        Assert.Equal(JsonValueKind.Number, line.GetProperty("objects").ValueKind);
        Assert.Equal(27, line.GetProperty("bytes").GetInt64());
        Assert.True(line.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1.5, line.GetProperty("ms").GetDouble());
    }
}

public sealed class FunctionOutputTests
{
    [Fact]
    public void Outside_lambda_functions_log_where_console_out_points_and_in_lambda_to_the_raw_standard_output()
    {
        var previous = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");
        try
        {
            Environment.SetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", null);
            Assert.Same(Console.Out, FunctionHost.StandardOutput());

            // Lambda's runtime wraps Console.Out to prefix each line; the functions must write past that wrapper.
            Environment.SetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", "assignment3-size-tracking");
            Assert.NotSame(Console.Out, FunctionHost.StandardOutput());
            Assert.Same(FunctionHost.StandardOutput(), FunctionHost.StandardOutput());
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", previous);
        }
    }
}
