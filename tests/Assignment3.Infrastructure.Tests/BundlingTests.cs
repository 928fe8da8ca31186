using System.Diagnostics;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;

namespace Assignment3.Infrastructure.Tests;

/// <summary>The loadability check: the ELF reader against objdump, and what it refuses.</summary>
public sealed class BundlingTests
{
    private const string Ls = "/bin/ls";

    /// <summary>The reader sees what the loader sees, as objdump reports it (objdump is what synth used before).</summary>
    [Theory]
    [InlineData(Ls)]
    [InlineData("/usr/aarch64-linux-gnu/lib/libc.so.6")]
    public void The_elf_reader_finds_the_same_libraries_and_glibc_versions_as_objdump(string file)
    {
        var elf = ElfFile.Read(file);
        var objdump = Run("objdump", "-p", file);

        Assert.Equal(Lines(objdump, "NEEDED"), elf.NeededLibraries);
        var versions = objdump.Split('\n').SkipWhile(l => !l.StartsWith("Version References:", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 4 && p[0].StartsWith("0x", StringComparison.Ordinal))
            .Select(p => p[3]).Order(StringComparer.Ordinal);
        Assert.Equal(versions, elf.RequiredVersions.Select(v => v.Version).Order(StringComparer.Ordinal));
        Assert.Equal(file.Contains("aarch64", StringComparison.Ordinal) ? ElfFile.MachineAArch64 : ElfFile.MachineX86_64, elf.Machine);
    }

    [Fact]
    public void A_bundle_for_the_wrong_processor_is_refused()
    {
        using var bundle = NativeBundleOf(Ls);

        var error = Assert.Throws<BundleNotLoadableException>(() => LambdaLoadability.Require(bundle.Path, Native(LambdaArchitecture.Arm64)));

        Assert.Contains("bootstrap is compiled for x86_64, but the function runs on arm64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_needing_a_library_lambda_lacks_is_refused_unless_it_ships_it()
    {
        using var bundle = NativeBundleOf(Ls); // ls needs libselinux, which Amazon Linux 2023's minimal image does not have

        var error = Assert.Throws<BundleNotLoadableException>(() => LambdaLoadability.Require(bundle.Path, Native(LambdaArchitecture.X86_64)));
        Assert.Contains("needs libselinux.so.1", error.Message, StringComparison.Ordinal);

        File.Copy(Ls, Path.Combine(bundle.Path, "libselinux.so.1")); // shipped (any ELF of that name will do for the check)
        LambdaLoadability.Require(bundle.Path, Native(LambdaArchitecture.X86_64));
    }

    [Fact]
    public void A_bundle_binding_a_glibc_newer_than_amazon_linux_2023s_is_refused()
    {
        using var bundle = new TempDirectory();
        // pidfd_open arrived in glibc 2.36: an executable that calls it binds GLIBC_2.36, as Ubuntu 24.04's bind 2.38.
        var source = Path.Combine(bundle.Path, "main.c");
        File.WriteAllText(source, "#include <sys/pidfd.h>\nint main(void) { return pidfd_open(1, 0); }\n");
        Run("gcc", source, "-o", Path.Combine(bundle.Path, "bootstrap"));
        File.Delete(source);

        var error = Assert.Throws<BundleNotLoadableException>(() => LambdaLoadability.Require(bundle.Path, Native(LambdaArchitecture.X86_64)));

        Assert.Contains("bootstrap needs GLIBC_2.36, but Lambda's Amazon Linux 2023 has glibc 2.34", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_native_bundle_without_an_executable_bootstrap_and_a_managed_one_without_its_assembly_are_refused()
    {
        using var bundle = NativeBundleOf(Ls);
        File.SetUnixFileMode(Path.Combine(bundle.Path, "bootstrap"), (UnixFileMode)0b111_101_000); // 0750: a umask of 027

        Assert.Contains("bootstrap is not executable by all", Assert.Throws<BundleNotLoadableException>(
            () => LambdaLoadability.Require(bundle.Path, Native(LambdaArchitecture.X86_64))).Message, StringComparison.Ordinal);
        Assert.Contains("has no Assignment3.Functions.SizeTracking.dll", Assert.Throws<BundleNotLoadableException>(
            () => LambdaLoadability.Require(bundle.Path, new FunctionBundle(FunctionCatalog.SizeTracking, FunctionRuntime.Managed, LambdaArchitecture.X86_64))).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Everything_the_container_copies_for_the_build_is_in_the_repository()
    {
        // tar stops the container build on a missing input, so a renamed or deleted one must fail here first.
        var root = RepositoryRoot.Find(AppContext.BaseDirectory);

        Assert.All(FunctionAsset.BuildInputs, input => Assert.True(Path.Exists(Path.Combine(root, input)), $"{input} is not in the repository"));
    }

    private static FunctionBundle Native(LambdaArchitecture architecture) => new(FunctionCatalog.SizeTracking, FunctionRuntime.NativeAot, architecture);

    private static TempDirectory NativeBundleOf(string executable)
    {
        var bundle = new TempDirectory();
        File.Copy(executable, Path.Combine(bundle.Path, LambdaFunctionSpec.NativeExecutable));
        return bundle;
    }

    private static string[] Lines(string objdump, string tag) =>
        [.. objdump.Split('\n').Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 2 && p[0] == tag).Select(p => p[1])];

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output.Result;
    }
}
