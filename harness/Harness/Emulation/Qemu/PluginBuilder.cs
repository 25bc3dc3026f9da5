using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using Harness.Firmware;
using Harness.Tools;

namespace Harness.Emulation.Qemu;

/// <summary>Compiles the harness's QEMU plugin (insn_count_plugin.c) with the host C compiler, once per source version.</summary>
public static class PluginBuilder
{
    public static string SourcePath => Path.Combine(AppContext.BaseDirectory, "Emulation", "Qemu", "insn_count_plugin.c");

    public static async Task<string> BuildAsync(string cacheDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(SourcePath))
        {
            throw new EmulatorException($"the QEMU plugin source is missing from the harness installation: {SourcePath}");
        }
        var source = await File.ReadAllBytesAsync(SourcePath, cancellationToken);
        var key = Convert.ToHexString(SHA256.HashData(source))[..16].ToLowerInvariant();
        var directory = Path.Combine(cacheDirectory, "qemu-plugin", key);
        var library = Path.Combine(directory, "insn_count.so");
        if (File.Exists(library) && CacheSeal.Problem(library, CacheSeal.ElfMagic) is null)
        {
            return library;
        }
        Directory.CreateDirectory(directory);
        await using var buildLock = await FileLock.AcquireAsync(Path.Combine(directory, ".lock"), cancellationToken);
        if (File.Exists(library) && CacheSeal.Problem(library, CacheSeal.ElfMagic) is null)
        {
            return library;
        }
        var cc = ToolLocator.Find(ExternalTool.HostCc);
        var scratch = library + ".tmp";
        var result = await Cli.Wrap(cc)
            .WithArguments(["-shared", "-fPIC", "-O2", "-Wall", "-pthread", "-fvisibility=hidden", "-o", scratch, SourcePath])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new EmulatorException($"building the QEMU plugin failed:\n{result.StandardError.Trim()}");
        }
        CacheSeal.Seal(scratch);
        File.Move(scratch + ".sha256", library + ".sha256", overwrite: true);
        File.Move(scratch, library, overwrite: true);
        return library;
    }
}
