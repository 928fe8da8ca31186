using System.Diagnostics;
using Assignment3.Catalog;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// A native bundle's <c>bootstrap</c>, started as provided.al2023 starts it: a fresh process in the bundle's folder
/// with the Runtime API's address, the function's name and its settings in the environment (AWS endpoints and
/// credentials come from this process's environment). Lambda ends it when the sandbox goes; disposing ends it here.
/// </summary>
public sealed class NativeBootstrap : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _errors;

    private NativeBootstrap(Process process, long startedAt)
    {
        (_process, StartedAt) = (process, startedAt);
        _output = process.StandardOutput.ReadToEndAsync();
        _errors = process.StandardError.ReadToEndAsync();
    }

    /// <summary>When the process was started (<see cref="Stopwatch.GetTimestamp"/>), for timing its first response.</summary>
    public long StartedAt { get; }

    /// <summary>
    /// Starts <paramref name="function"/>'s bootstrap from <paramref name="bundle"/>. <paramref name="withoutFonts"/>
    /// runs it in a mount namespace whose /usr/share/fonts is empty, as on Lambda. A bundle for another processor
    /// than this machine's (<paramref name="architecture"/>) runs under qemu-user.
    /// </summary>
    public static NativeBootstrap Start(LambdaFunctionSpec function, string bundle, LocalRuntimeApi runtimeApi,
        IReadOnlyDictionary<string, string> settings, bool withoutFonts = false, LambdaArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(runtimeApi);
        ArgumentNullException.ThrowIfNull(settings);
        List<string> command = [Path.Combine(bundle, LambdaFunctionSpec.NativeExecutable)];
        if ((architecture ?? FunctionBundles.HostArchitecture) != FunctionBundles.HostArchitecture)
        {
            // The other processor's C library and OpenSSL come from Debian's multiarch packages, which
            // scripts/install-native-toolchain.sh --qemu installs where that processor's loader looks for them.
            command = [architecture == LambdaArchitecture.Arm64 ? "qemu-aarch64-static" : "qemu-x86_64-static", .. command];
        }

        if (withoutFonts)
        {
            command = [.. WithoutFonts.Wrap(command)];
        }

        var start = new ProcessStartInfo(command[0]);
        command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        start.WorkingDirectory = bundle;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.HostAndPort;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        start.Environment["LAMBDA_TASK_ROOT"] = bundle;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var startedAt = Stopwatch.GetTimestamp();
        return new NativeBootstrap(Process.Start(start) ?? throw new InvalidOperationException($"{string.Join(' ', command)} could not be started"), startedAt);
    }

    /// <summary>Ends the process and returns what it wrote (its JSON log lines), for assertions and failure messages.</summary>
    public string StopAndReadOutput()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        return $"{_output.Result}{_errors.Result}";
    }

    public void Dispose()
    {
        StopAndReadOutput();
        _process.Dispose();
    }
}
