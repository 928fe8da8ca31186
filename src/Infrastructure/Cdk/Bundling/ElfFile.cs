using System.Buffers.Binary;
using System.Text;

namespace Assignment3.Infrastructure.Bundling;

/// <summary>
/// What the dynamic loader reads from a 64-bit little-endian ELF file: its processor, the shared libraries it needs
/// and the symbol versions it binds (<c>GLIBC_2.34</c>, …). Read here rather than with <c>objdump</c>, so the same
/// check runs on a Mac or a Windows laptop that has no GNU binutils.
/// </summary>
/// <param name="Machine">The ELF <c>e_machine</c> (62 x86-64, 183 AArch64).</param>
/// <param name="NeededLibraries">The <c>DT_NEEDED</c> entries, in file order.</param>
/// <param name="RequiredVersions">The version names of <c>.gnu.version_r</c>, with the library that must define each.</param>
public sealed record ElfFile(ushort Machine, IReadOnlyList<string> NeededLibraries, IReadOnlyList<(string Library, string Version)> RequiredVersions)
{
    /// <summary>ELF's number for x86-64.</summary>
    public const ushort MachineX86_64 = 62;

    /// <summary>ELF's number for AArch64.</summary>
    public const ushort MachineAArch64 = 183;

    private const uint SectionDynamic = 6;
    private const uint SectionVersionNeeds = 0x6ffffffe;
    private const long TagNeeded = 1;

    /// <summary>Whether <paramref name="path"/> starts with the ELF magic bytes.</summary>
    public static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("\u007FELF"u8);
    }

    /// <summary>Reads <paramref name="path"/>; a file that is not a 64-bit little-endian ELF is refused with the reason.</summary>
    public static ElfFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        if (bytes.Length < 64 || !bytes.AsSpan(0, 4).SequenceEqual("\u007FELF"u8))
        {
            throw new InvalidDataException($"{name} is not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"{name} is not a 64-bit little-endian ELF file, which is all Lambda runs");
        }

        var machine = U16(bytes, 18);
        var sectionsAt = checked((int)U64(bytes, 40));
        var sectionSize = U16(bytes, 58);
        var sectionCount = U16(bytes, 60);
        if (sectionsAt == 0 || sectionCount == 0)
        {
            throw new InvalidDataException($"{name} has no section headers to read its dynamic section from");
        }

        var sections = Enumerable.Range(0, sectionCount).Select(i => Section.At(bytes, sectionsAt + (i * sectionSize))).ToList();
        var needed = new List<string>();
        var versions = new List<(string, string)>();
        foreach (var section in sections)
        {
            if (section.Type == SectionDynamic)
            {
                var strings = sections[(int)section.Link];
                for (var entry = section.Offset; entry + 16 <= section.Offset + section.Size; entry += 16)
                {
                    var tag = (long)U64(bytes, entry);
                    if (tag == 0)
                    {
                        break;
                    }

                    if (tag == TagNeeded)
                    {
                        needed.Add(Text(bytes, strings.Offset + (int)U64(bytes, entry + 8)));
                    }
                }
            }
            else if (section.Type == SectionVersionNeeds)
            {
                // Elf64_Verneed {version, count, file, aux, next} and its Elf64_Vernaux {hash, flags, other, name, next}.
                var strings = sections[(int)section.Link];
                var need = section.Offset;
                for (var i = 0; i < section.Info; i++)
                {
                    var library = Text(bytes, strings.Offset + (int)U32(bytes, need + 4));
                    var aux = need + (int)U32(bytes, need + 8);
                    for (var j = 0; j < U16(bytes, need + 2); j++)
                    {
                        versions.Add((library, Text(bytes, strings.Offset + (int)U32(bytes, aux + 8))));
                        aux += (int)U32(bytes, aux + 12);
                    }

                    need += (int)U32(bytes, need + 12);
                }
            }
        }

        return new ElfFile(machine, needed, versions);
    }

    /// <summary>The newest <c>GLIBC_x.y</c> version the file binds, or null when it binds none.</summary>
    public Version? NewestGlibc => RequiredVersions
        .Where(v => v.Version.StartsWith("GLIBC_", StringComparison.Ordinal) && Version.TryParse(v.Version["GLIBC_".Length..], out _))
        .Select(v => Version.Parse(v.Version["GLIBC_".Length..]))
        .DefaultIfEmpty()
        .Max();

    private static ushort U16(byte[] bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));

    private static uint U32(byte[] bytes, int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

    private static ulong U64(byte[] bytes, int at) => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));

    private static string Text(byte[] bytes, int at)
    {
        var end = Array.IndexOf(bytes, (byte)0, at);
        return Encoding.ASCII.GetString(bytes, at, (end < 0 ? bytes.Length : end) - at);
    }

    private readonly record struct Section(uint Type, int Offset, int Size, uint Link, uint Info)
    {
        public static Section At(byte[] bytes, int at) =>
            new(U32(bytes, at + 4), checked((int)U64(bytes, at + 24)), checked((int)U64(bytes, at + 32)), U32(bytes, at + 40), U32(bytes, at + 44));
    }
}
