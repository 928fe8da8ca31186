using Assignment3.Catalog;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>
/// Whether a published bundle can run on Lambda's Amazon Linux 2023 (provided.al2023 and dotnet10 alike), checked at
/// synth time wherever the bundle was built, so a bundle that would not start is found before it is deployed.
/// </summary>
public static class LambdaLoadability
{
    /// <summary>
    /// The glibc of Amazon Linux 2023. A native file bound to a newer symbol version would not even load there, so such a
    /// bundle is refused.
    /// </summary>
    public static readonly Version AmazonLinux2023Glibc = new(2, 34);

    /// <summary>
    /// The shared libraries a native file may need without shipping them: glibc's own, which the minimal provided.al2023
    /// image has, and the architecture's dynamic loader. Anything else (libfontconfig, libstdc++, …) must be in the
    /// bundle. .NET opens OpenSSL by name at run time, which no check here sees; Amazon Linux 2023 has OpenSSL 3.
    /// </summary>
    public static IReadOnlySet<string> ProvidedLibraries(LambdaArchitecture architecture) => new HashSet<string>(StringComparer.Ordinal)
    {
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
        architecture == LambdaArchitecture.Arm64 ? "ld-linux-aarch64.so.1" : "ld-linux-x86-64.so.2",
    };

    /// <summary>The ELF machine number of <paramref name="architecture"/>.</summary>
    public static ushort ElfMachine(LambdaArchitecture architecture) =>
        architecture == LambdaArchitecture.Arm64 ? ElfFile.MachineAArch64 : ElfFile.MachineX86_64;

    /// <summary>
    /// Throws, naming the file and what is wrong, unless the bundle in <paramref name="directory"/> has what Lambda starts
    /// (an executable <c>bootstrap</c>, or the handler's assembly and runtime config) and every native file in it is
    /// for the bundle's processor, binds no glibc newer than Amazon Linux 2023's and needs no library it lacks.
    /// </summary>
    public static void Require(string directory, FunctionBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var function = bundle.Function.Name;
        if (bundle.Runtime == FunctionRuntime.NativeAot)
        {
            var bootstrap = Path.Combine(directory, LambdaFunctionSpec.NativeExecutable);
            if (!File.Exists(bootstrap))
            {
                throw new BundleNotLoadableException($"{function}: the native bundle has no {LambdaFunctionSpec.NativeExecutable} for provided.al2023 to start");
            }

            // Lambda runs it as a user that does not own it: execute and read permission for all are what count.
            if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.OtherExecute | UnixFileMode.OtherRead))
            {
                throw new BundleNotLoadableException($"{function}: {LambdaFunctionSpec.NativeExecutable} is not executable by all, so provided.al2023 cannot start it");
            }
        }
        else
        {
            foreach (var file in new[] { $"{bundle.Function.AssemblyName}.dll", $"{bundle.Function.AssemblyName}.runtimeconfig.json", $"{bundle.Function.AssemblyName}.deps.json" })
            {
                if (!File.Exists(Path.Combine(directory, file)))
                {
                    throw new BundleNotLoadableException($"{function}: the managed bundle has no {file}, which dotnet10 needs to call {bundle.Function.Handler}");
                }
            }
        }

        var nativeFiles = Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Where(ElfFile.IsElf).ToList();
        var shipped = nativeFiles.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var provided = ProvidedLibraries(bundle.Architecture);
        foreach (var file in nativeFiles)
        {
            var name = Path.GetRelativePath(directory, file);
            var elf = ElfFile.Read(file);
            if (elf.Machine != ElfMachine(bundle.Architecture))
            {
                throw new BundleNotLoadableException(
                    $"{function}: {name} is compiled for {(elf.Machine == ElfFile.MachineAArch64 ? "arm64" : elf.Machine == ElfFile.MachineX86_64 ? "x86_64" : $"ELF machine {elf.Machine}")}, " +
                    $"but the function runs on {bundle.Architecture.LambdaName()}");
            }

            if (elf.NewestGlibc is { } newest && newest > AmazonLinux2023Glibc)
            {
                throw new BundleNotLoadableException(
                    $"{function}: {name} needs GLIBC_{newest}, but Lambda's Amazon Linux 2023 has glibc {AmazonLinux2023Glibc}: it was linked against a " +
                    "newer C library than Lambda's; build it in AWS's build image (Docker) or on a machine with glibc 2.36 or older (Debian 12, Ubuntu 22.04, Amazon Linux 2023)");
            }

            if (elf.NeededLibraries.FirstOrDefault(library => !provided.Contains(library) && !shipped.Contains(library)) is { } missing)
            {
                throw new BundleNotLoadableException(
                    $"{function}: {name} needs {missing}, which Amazon Linux 2023's minimal image does not have and the bundle does not ship " +
                    "(a SkiaSharp.NativeAssets.Linux that wants libfontconfig, say)");
            }
        }
    }
}

/// <summary>A bundle that Lambda could not start, found at synth time.</summary>
public sealed class BundleNotLoadableException(string message) : Exception(message);
