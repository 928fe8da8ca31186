using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;
using Assignment3.Catalog;

namespace Assignment3.Infrastructure;

/// <summary>
/// Builds a function's bundle at synth time with <c>dotnet publish</c> on this machine, so neither Docker nor a
/// prebuilt folder is needed. Returning true tells the CDK the bundle is ready and no container is started.
/// </summary>
/// <param name="repositoryRoot">The repository root.</param>
/// <param name="function">The function whose bundle project is published, with its publish options.</param>
public sealed partial class DotnetPublishBundling(string repositoryRoot, LambdaFunctionSpec function) : DeputyBase, ILocalBundling
{
    /// <summary>
    /// The glibc of Lambda's provided.al2023 runtime (Amazon Linux 2023). A native file linked against a newer symbol
    /// version would not even load there, so such a bundle is refused at synth time rather than found out on AWS.
    /// </summary>
    public static readonly Version ProvidedAl2023Glibc = new(2, 34);

    /// <summary>
    /// The shared libraries a native file may need: glibc's own, which provided.al2023's minimal image has. Anything
    /// else (libfontconfig, libstdc++, …) would have to ship in the bundle. .NET opens OpenSSL by name at run time,
    /// which no check here sees; Amazon Linux 2023 has OpenSSL 3.
    /// </summary>
    public static readonly IReadOnlySet<string> ProvidedAl2023Libraries = new HashSet<string>(StringComparer.Ordinal)
    {
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "ld-linux-x86-64.so.2",
    };

    /// <summary>Publishes into <paramref name="outputDir"/> and, for a native bundle, checks it can load on provided.al2023.</summary>
    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        Run("dotnet", ["publish", Path.Combine(repositoryRoot, function.BundleProjectDirectory), .. function.PublishOptions, "-o", outputDir, "--nologo", "-v", "quiet"]);
        if (function.Runtime == FunctionRuntime.NativeAot)
        {
            RequireLoadableOnProvidedAl2023(outputDir);
        }

        return true;
    }

    /// <summary>The newest <c>GLIBC_x.y</c> symbol version that <c>objdump -T</c> lists, or null when there is none.</summary>
    public static Version? NewestGlibc(string objdumpOutput) =>
        GlibcVersion().Matches(objdumpOutput).Select(m => Version.Parse(m.Groups[1].Value)).DefaultIfEmpty().Max();

    /// <summary>The shared libraries that <c>objdump -p</c> lists as <c>NEEDED</c>.</summary>
    public static IReadOnlyList<string> NeededLibraries(string objdumpOutput) =>
        [.. NeededLibrary().Matches(objdumpOutput).Select(m => m.Groups[1].Value)];

    private static void RequireLoadableOnProvidedAl2023(string bundle)
    {
        var executable = Path.Combine(bundle, LambdaFunctionSpec.NativeExecutable);
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"the native bundle has no {LambdaFunctionSpec.NativeExecutable} for provided.al2023 to start");
        }

        var nativeFiles = Directory.GetFiles(bundle, "*.so*", SearchOption.AllDirectories).Prepend(executable).ToList();
        var shipped = nativeFiles.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        foreach (var file in nativeFiles)
        {
            var dump = Run("objdump", ["-p", "-T", file]);
            if (NewestGlibc(dump) is { } newest && newest > ProvidedAl2023Glibc)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(file)} needs GLIBC_{newest}, but Lambda's provided.al2023 has glibc {ProvidedAl2023Glibc}: " +
                    "publish the native bundles on a machine whose C library links no newer symbols (Debian 12 or Amazon Linux 2023 do)");
            }

            if (NeededLibraries(dump).FirstOrDefault(library => !ProvidedAl2023Libraries.Contains(library) && !shipped.Contains(library)) is { } missing)
            {
                throw new InvalidOperationException(
                    $"{Path.GetFileName(file)} needs {missing}, which provided.al2023 does not have and the bundle does not ship " +
                    "(a SkiaSharp.NativeAssets.Linux that wants libfontconfig, say)");
            }
        }
    }

    private static string Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            // Failing here, rather than returning false, keeps the CDK from falling back to Docker.
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result}{error}");
        }

        return output.Result;
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();

    [GeneratedRegex(@"^\s*NEEDED\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex NeededLibrary();
}
