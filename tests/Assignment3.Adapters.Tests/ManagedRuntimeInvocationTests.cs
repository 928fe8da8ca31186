using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Cli;
using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>Tests that replace <see cref="Console.Out"/>, which the whole process shares: run alone.</summary>
    public const string Name = "Console.Out";
}

/// <summary>
/// On the managed runtime, a handler that takes only a Stream finds its invocation's ids and deadline in the console
/// writer the runtime installs (Amazon.Lambda.RuntimeSupport's field and property names, which the CLI's
/// <see cref="ManagedRuntimeConsole"/> mirrors).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ManagedRuntimeInvocationTests : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringWriter _captured = new();

    public void Dispose()
    {
        Console.SetOut(_original);
        _captured.Dispose();
    }

    [Fact]
    public void The_ids_and_deadline_of_the_invocation_being_served_are_read_from_the_runtimes_console_writer()
    {
        var console = new ManagedRuntimeConsole(_captured);
        Console.SetOut(console);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds());

        InvocationContext? during;
        string requestId;
        using (console.BeginInvocation(deadline))
        {
            requestId = console.CurrentRuntimeApiHeaders!.AwsRequestId;
            during = InvocationContext.Current;
        }

        // Console.SetOut wrapped the writer in a synchronized one: the id was found through it.
        Assert.NotSame(console, Console.Out);
        Assert.Equal(new InvocationContext(requestId, Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"), deadline), during);
        Assert.Null(InvocationContext.Current);
    }

    [Fact]
    public void Every_line_a_function_logs_during_the_invocation_carries_its_request_id()
    {
        var console = new ManagedRuntimeConsole(_captured);
        Console.SetOut(console);
        using var logs = new JsonLineLoggerProvider(Console.Out);
        var logger = logs.CreateLogger("function");

        logger.LogInformation("before");
        string requestId;
        using (console.BeginInvocation())
        {
            requestId = console.CurrentRuntimeApiHeaders!.AwsRequestId;
            logger.LogInformation("during");
            logger.LogError(new InvalidOperationException("boom"), "failed");
        }

        var lines = _captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["before", "during", "failed"], lines.Select(l => l.GetProperty("message").GetString()));
        Assert.False(lines[0].TryGetProperty("requestId", out _));
        Assert.All(lines.Skip(1), l => Assert.Equal(requestId, l.GetProperty("requestId").GetString()));
    }

    /// <summary>Before October 2025 the runtime's writer had the property alone; since, a field behind it too.</summary>
    [Fact]
    public void Both_shapes_of_the_runtimes_writer_are_read()
    {
        var headers = new RuntimeApiHeaders("8476a536-e9f4-11e8-9739-2dfe598c3fcd", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1", "1542409706888");
        var expected = new InvocationContext(headers.AwsRequestId, headers.TraceId, DateTimeOffset.FromUnixTimeMilliseconds(1542409706888));

        Console.SetOut(new PropertyOnlyWriter(headers));
        var fromProperty = InvocationContext.Current;
        Console.SetOut(new FieldOnlyWriter(headers));
        var fromField = InvocationContext.Current;

        Assert.Equal(expected, fromProperty);
        Assert.Equal(expected, fromField);
    }

    private sealed class PropertyOnlyWriter(RuntimeApiHeaders headers) : StringWriter
    {
        public RuntimeApiHeaders CurrentRuntimeApiHeaders { get; } = headers;
    }

    private sealed class FieldOnlyWriter(RuntimeApiHeaders headers) : StringWriter
    {
#pragma warning disable IDE0052, CA1823 // read by name, as the runtime's own field is
        private readonly RuntimeApiHeaders _currentRuntimeApiHeaders = headers;
#pragma warning restore IDE0052, CA1823
    }

    [Fact]
    public void A_console_writer_of_another_shape_yields_no_invocation()
    {
        Console.SetOut(_captured);

        Assert.Null(ManagedRuntimeInvocation.Read());
    }
}
