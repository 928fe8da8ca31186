namespace Assignment3.Catalog;

/// <summary>
/// The C toolchain a Linux host links a Native AOT executable with, for its own processor or, with Debian's or Ubuntu's
/// cross packages, for the other one.
/// </summary>
/// <param name="Compiler">The compiler-and-linker the ILCompiler calls.</param>
/// <param name="ObjCopy">The objcopy that strips the executable's symbols.</param>
/// <param name="CRuntimeObjects">Where the target's C start-up file (crt1.o) may be: one of them must exist.</param>
/// <param name="PublishProperties">The MSBuild properties that point the ILCompiler at this toolchain.</param>
public sealed record NativeToolchain(IReadOnlyList<string> Compiler, string ObjCopy, IReadOnlyList<string> CRuntimeObjects, IReadOnlyList<string> PublishProperties)
{
    /// <summary>The toolchain a <paramref name="host"/> machine links for <paramref name="target"/> with.</summary>
    public static NativeToolchain For(LambdaArchitecture host, LambdaArchitecture target)
    {
        var triplet = target == LambdaArchitecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        if (host == target)
        {
            // The ILCompiler tries clang, then gcc; the C runtime is where Debian/Ubuntu or Fedora/Amazon Linux keep it.
            return new NativeToolchain(["clang", "gcc"], "objcopy", [$"/usr/lib/{triplet}/crt1.o", "/usr/lib64/crt1.o", "/usr/lib/crt1.o"], []);
        }

        // Debian's gcc-<triplet> cross compiler links against libc6-dev-<arch>-cross under /usr/<triplet>; symbols are
        // stripped with the same binutils' objcopy (the host's cannot read the other processor's files). The clang flag
        // the ILCompiler would add is removed by src/Adapters/Functions/Directory.Build.targets.
        return new NativeToolchain([$"{triplet}-gcc"], $"{triplet}-objcopy", [$"/usr/{triplet}/lib/crt1.o"],
            [$"-p:CppCompilerAndLinker={triplet}-gcc", $"-p:ObjCopyName={triplet}-objcopy"]);
    }

    /// <summary>Whether a compiler, the objcopy and the C runtime are all there, programs looked up on <paramref name="path"/>.</summary>
    public bool IsInstalled(string path) =>
        Compiler.Any(compiler => Find(compiler, path) is not null) && Find(ObjCopy, path) is not null && CRuntimeObjects.Any(File.Exists);

    /// <summary>The program called <paramref name="name"/> on <paramref name="path"/> (a PATH value), or null.</summary>
    public static string? Find(string name, string path) =>
        path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(directory => OperatingSystem.IsWindows() ? [Path.Combine(directory, name + ".exe"), Path.Combine(directory, name)] : new[] { Path.Combine(directory, name) })
            .FirstOrDefault(File.Exists);
}
