// An MSBuild task (DeclarativeSft.Build.Tasks; used by the SDK's build/SftTorchBackend.targets) that makes
// TorchSharp's native library loadable on Linux systems whose libstdc++ is older than the one it was built with.
//
// TorchSharp 0.107's libLibTorchSharp.so is built with GCC 15 and so asks for GLIBCXX_3.4.32. Debian 12 and
// Ubuntu 22.04 ship libstdc++ up to GLIBCXX_3.4.30, and the dynamic loader refuses the library. The only symbol of
// that version is std::ios_base_library_init(), which GCC 13+ references from every file that includes <iostream>
// merely to pull in a new libstdc++ — no code calls it and nothing relocates against it. Marking that one version
// need weak (VER_FLG_WEAK in its .gnu.version_r entry) in a copy of the library lets the loader accept it. Any
// other shortfall would be real missing code and is a build error.
//
// No unsafe code and no dependencies beyond netstandard and MSBuild: the tests compile this file too.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace DeclarativeSft.Build
{
    /// <summary>Checks a native library's libstdc++ version needs against this system's libstdc++ and, when the only
    /// shortfall is the harmless GLIBCXX_3.4.32 need, writes a copy with that need marked weak.</summary>
    public sealed class TorchSharpNativeCheck : Microsoft.Build.Utilities.Task
    {
        /// <summary>The library as restored (in the NuGet cache; never modified).</summary>
        [Required] public string Library { get; set; } = "";

        /// <summary>Where a patched copy is written when one is needed (under obj/).</summary>
        [Required] public string PatchedPath { get; set; } = "";

        /// <summary>The libstdc++.so.6 to check against; empty = the one the dynamic loader finds.</summary>
        public string SystemLibStdCxx { get; set; } = "";

        /// <summary>The file to copy to the output: <see cref="Library"/> itself or the patched copy.</summary>
        [Output] public string Result { get; set; } = "";

        public override bool Execute()
        {
            Result = Library;
            string? system = SystemLibStdCxx.Length > 0 ? SystemLibStdCxx : GlibcxxCompatibility.FindSystemLibStdCxx();
            if (system == null)
            {
                Log.LogWarning(null, "DSFT0003", null, null, 0, 0, 0, 0,
                    "DeclarativeSft: no libstdc++.so.6 found on the loader path; cannot check that TorchSharp's {0} will load here. Install libstdc++6.", Path.GetFileName(Library));
                return true;
            }
            GlibcxxCompatibility.Verdict verdict;
            try
            {
                verdict = GlibcxxCompatibility.Check(File.ReadAllBytes(Library), File.ReadAllBytes(system));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                Log.LogError(null, "DSFT0002", null, Library, 0, 0, 0, 0,
                    "DeclarativeSft: cannot read the ELF version needs of {0} or {1}: {2}", Library, system, e.Message);
                return false;
            }
            switch (verdict.Kind)
            {
                case GlibcxxCompatibility.VerdictKind.Compatible:
                    return true;
                case GlibcxxCompatibility.VerdictKind.PatchWeak:
                    bool written = WriteIfChanged(PatchedPath, verdict.Patched!);
                    Result = PatchedPath;
                    // Said once, when the copy is made; later builds reuse it quietly (visible with -v:n).
                    Log.LogMessage(written ? MessageImportance.High : MessageImportance.Normal,
                        "DeclarativeSft: this system's libstdc++ ({0}) lacks {1}, which TorchSharp's {2} asks for only through {3} (a symbol nothing in it calls); " +
                        "the output gets a copy with that need marked weak ({4}). The NuGet cache is untouched. A libstdc++ from GCC 13 or later (Ubuntu 24.04, Debian 13) needs no copy.",
                        system, string.Join(", ", verdict.Missing), Path.GetFileName(Library), string.Join(", ", verdict.Symbols), PatchedPath);
                    return true;
                default:
                    Log.LogError(null, "DSFT0002", null, Library, 0, 0, 0, 0,
                        "DeclarativeSft: TorchSharp's {0} needs {1} from libstdc++, which this system's {2} does not provide (symbols: {3}). " +
                        "It cannot load here. Install a libstdc++6 from GCC 13 or later (Ubuntu 24.04, Debian 13 or newer), or build on Windows.",
                        Path.GetFileName(Library), string.Join(", ", verdict.Missing), system, verdict.Symbols.Count == 0 ? "?" : string.Join(", ", verdict.Symbols.Take(8)));
                    return false;
            }
        }

        private static bool WriteIfChanged(string path, byte[] content)
        {
            if (File.Exists(path) && File.ReadAllBytes(path).SequenceEqual(content)) return false;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
            string temp = path + ".tmp";
            File.WriteAllBytes(temp, content);
            if (File.Exists(path)) File.Delete(path);
            File.Move(temp, path);
            return true;
        }
    }

    /// <summary>ELF64 version-need analysis: which GLIBCXX/CXXABI versions a library needs from libstdc++.so.6, which
    /// a libstdc++ defines, and the one safe repair.</summary>
    public static class GlibcxxCompatibility
    {
        /// <summary>The version whose only symbol is harmless to lose, and that symbol.</summary>
        public const string WeakableVersion = "GLIBCXX_3.4.32";
        public const string WeakableSymbol = "_ZSt21ios_base_library_initv";

        public enum VerdictKind { Compatible, PatchWeak, Incompatible }

        public sealed class Verdict
        {
            public VerdictKind Kind;
            public List<string> Missing = new List<string>();
            public List<string> Symbols = new List<string>();
            public byte[]? Patched;
        }

        private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        private const ushort VerFlgWeak = 0x2;

        public static Verdict Check(byte[] library, byte[] libstdcxx)
        {
            var elf = new Elf(library);
            var provided = new HashSet<string>(new Elf(libstdcxx).DefinedVersions());
            var needs = elf.Needs().Where(n => n.File == "libstdc++.so.6" && (n.Version.StartsWith("GLIBCXX_") || n.Version.StartsWith("CXXABI_"))).ToList();
            var missing = needs.Where(n => !provided.Contains(n.Version) && (n.Flags & VerFlgWeak) == 0).ToList();
            var verdict = new Verdict();
            verdict.Missing.AddRange(missing.Select(n => n.Version));
            if (missing.Count == 0) { verdict.Kind = VerdictKind.Compatible; return verdict; }
            var symbols = missing.SelectMany(n => elf.SymbolsOfVersion(n.Index)).Distinct().ToList();
            verdict.Symbols.AddRange(symbols);
            bool onlyWeakable = missing.Count == 1 && missing[0].Version == WeakableVersion &&
                                symbols.Count == 1 && symbols[0] == WeakableSymbol &&
                                !elf.IsRelocatedAgainst(elf.SymbolIndicesOfVersion(missing[0].Index));
            if (!onlyWeakable) { verdict.Kind = VerdictKind.Incompatible; return verdict; }
            var patched = (byte[])library.Clone();
            int at = missing[0].FlagsOffset;
            ushort flags = (ushort)(BitConverter.ToUInt16(patched, at) | VerFlgWeak);
            patched[at] = (byte)flags;
            patched[at + 1] = (byte)(flags >> 8);
            verdict.Patched = patched;
            verdict.Kind = VerdictKind.PatchWeak;
            return verdict;
        }

        /// <summary>The libstdc++.so.6 the dynamic loader would pick: LD_LIBRARY_PATH first, then the usual system folders.</summary>
        public static string? FindSystemLibStdCxx()
        {
            var dirs = new List<string>();
            var ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ld)) dirs.AddRange(ld.Split(':').Where(d => d.Length > 0));
            string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64";
            dirs.AddRange(new[] { "/lib/" + arch + "-linux-gnu", "/usr/lib/" + arch + "-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" });
            return dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        }

        public struct Need
        {
            public string File, Version;
            public ushort Flags, Index;
            public int FlagsOffset;
        }

        private sealed class Section
        {
            public uint Type, Link, Info;
            public long Offset, Size, EntSize;
        }

        private sealed class Elf
        {
            private readonly byte[] b;
            private readonly List<Section> sections = new List<Section>();

            public Elf(byte[] bytes)
            {
                b = bytes;
                if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
                    throw new InvalidDataException("not an ELF file");
                if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");
                long shoff = I64(0x28);
                int shentsize = U16(0x3A), shnum = U16(0x3C);
                if (shoff <= 0 || shoff + (long)shentsize * shnum > b.Length) throw new InvalidDataException("section headers outside the file");
                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + (long)i * shentsize;
                    var s = new Section { Type = U32(h + 4), Offset = I64(h + 24), Size = I64(h + 32), Link = U32(h + 40), Info = U32(h + 44), EntSize = I64(h + 56) };
                    if (s.Type != 8 /* NOBITS */ && (s.Offset < 0 || s.Offset + s.Size > b.Length)) throw new InvalidDataException("a section lies outside the file");
                    sections.Add(s);
                }
            }

            public IEnumerable<string> DefinedVersions()
            {
                foreach (var s in sections.Where(x => x.Type == ShtVerdef))
                {
                    var strtab = sections[(int)s.Link];
                    long at = s.Offset;
                    for (uint n = 0; n < s.Info; n++)
                    {
                        int cnt = U16(at + 6);
                        long aux = at + U32(at + 12);
                        if (cnt > 0) yield return Str(strtab, U32(aux));
                        uint next = U32(at + 16);
                        if (next == 0) break;
                        at += next;
                    }
                }
            }

            public IEnumerable<Need> Needs()
            {
                foreach (var s in sections.Where(x => x.Type == ShtVerneed))
                {
                    var strtab = sections[(int)s.Link];
                    long at = s.Offset;
                    for (uint n = 0; n < s.Info; n++)
                    {
                        int cnt = U16(at + 2);
                        string file = Str(strtab, U32(at + 4));
                        long aux = at + U32(at + 8);
                        for (int k = 0; k < cnt; k++)
                        {
                            yield return new Need { File = file, Version = Str(strtab, U32(aux + 8)), Flags = (ushort)U16(aux + 4), Index = (ushort)U16(aux + 6), FlagsOffset = checked((int)(aux + 4)) };
                            uint auxNext = U32(aux + 12);
                            if (auxNext == 0) break;
                            aux += auxNext;
                        }
                        uint next = U32(at + 12);
                        if (next == 0) break;
                        at += next;
                    }
                }
            }

            public List<int> SymbolIndicesOfVersion(ushort index)
            {
                var result = new List<int>();
                var versym = sections.FirstOrDefault(x => x.Type == ShtVersym);
                if (versym == null) return result;
                for (int i = 0; i < versym.Size / 2; i++)
                    if ((U16(versym.Offset + 2L * i) & 0x7fff) == index) result.Add(i);
                return result;
            }

            public IEnumerable<string> SymbolsOfVersion(ushort index)
            {
                var dynsym = sections.FirstOrDefault(x => x.Type == ShtDynsym);
                if (dynsym == null) yield break;
                var strtab = sections[(int)dynsym.Link];
                foreach (int i in SymbolIndicesOfVersion(index)) yield return Str(strtab, U32(dynsym.Offset + 24L * i));
            }

            public bool IsRelocatedAgainst(List<int> symbolIndices)
            {
                var set = new HashSet<int>(symbolIndices);
                foreach (var s in sections.Where(x => x.Type == ShtRela || x.Type == ShtRel))
                {
                    long entry = s.EntSize > 0 ? s.EntSize : (s.Type == ShtRela ? 24 : 16);
                    for (long at = s.Offset; at + entry <= s.Offset + s.Size; at += entry)
                        if (set.Contains((int)(U64(at + 8) >> 32))) return true;
                }
                return false;
            }

            private string Str(Section strtab, uint offset)
            {
                long start = strtab.Offset + offset;
                if (offset >= strtab.Size) throw new InvalidDataException("string offset outside its table");
                long end = start;
                while (end < strtab.Offset + strtab.Size && b[end] != 0) end++;
                return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
            }

            private int U16(long at) { Bounds(at, 2); return BitConverter.ToUInt16(b, (int)at); }
            private uint U32(long at) { Bounds(at, 4); return BitConverter.ToUInt32(b, (int)at); }
            private ulong U64(long at) { Bounds(at, 8); return BitConverter.ToUInt64(b, (int)at); }
            private long I64(long at) { Bounds(at, 8); return BitConverter.ToInt64(b, (int)at); }

            private void Bounds(long at, int size)
            {
                if (at < 0 || at + size > b.Length) throw new InvalidDataException("truncated ELF file");
            }
        }
    }
}
