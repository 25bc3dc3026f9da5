using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Harness.Models;
using Harness.Tflm;
using Harness.Tools;

namespace Harness.Firmware;

/// <summary>
/// Builds the same tflm-runner for the host (x86-64) against TFLM's linux library with reference
/// kernels: the golden run. Its UART is standard input and output (firmware/bsp/host).
/// </summary>
public sealed class HostRunnerBuilder(HarnessPaths paths)
{
    private static readonly string[] CSources = ["link/cobs.c", "link/crc32.c", "link/link.c", "link/serve.c", "common/counter.c", "common/measure.c",
        "common/identity.c", "bsp/host/board.c", "bsp/host/stack.c"];
    private static readonly string[] CxxSources = ["apps/tflm-runner/main.cc", "apps/tflm-runner/tflm_glue.cc"];

    public async Task<string> BuildAsync(TfliteModel model, TflmCheckout tflm, long arenaBytes, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var library = await new TflmLibraryBuilder(paths, tflm).BuildAsync(TflmBuildConfig.Host(), progress, cancellationToken);
        var resolver = TflmOps.Load(tflm).ResolverSource(model);
        var modelBytes = await File.ReadAllBytesAsync(model.Path, cancellationToken);
        var firmware = paths.FirmwareDirectory;
        var sources = CSources.Concat(CxxSources).Select(s => Path.Combine(firmware, s)).ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(modelBytes);
        hash.AppendData(Encoding.UTF8.GetBytes($"{resolver}\n{arenaBytes}\n{library.LibraryPath}\n{File.GetLastWriteTimeUtc(library.LibraryPath):O}"));
        foreach (var source in sources.Concat(Directory.GetFiles(Path.Combine(firmware, "common"), "*.h")).Concat(Directory.GetFiles(Path.Combine(firmware, "link"), "*.h")))
        {
            hash.AppendData(await File.ReadAllBytesAsync(source, cancellationToken));
        }
        var folder = Path.Combine(paths.CacheDirectory, "host-runner", Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant());
        var runner = Path.Combine(folder, "tflm-runner");
        if (File.Exists(runner))
        {
            return runner;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        await using var buildLock = await FileLock.AcquireAsync(folder + ".lock", cancellationToken);
        if (File.Exists(runner))
        {
            return runner;
        }
        var scratch = folder + ".building";
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
        Directory.CreateDirectory(scratch);
        await File.WriteAllTextAsync(Path.Combine(scratch, "model_ops.h"), resolver, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(scratch, BoardHeader.FileName), BoardHeader.Host(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(scratch, "model_data.c"), ModelSource.CArray(Path.GetFileName(model.Path), modelBytes), cancellationToken);

        string[] common =
        [
            "-O2", "-DHARNESS_HOST", "-DAPP_ID=\"tflm-runner\"", "-DFIRMWARE_VERSION=\"host\"",
            $"-I{Path.Combine(firmware, "common")}", $"-I{Path.Combine(firmware, "link")}", $"-I{Path.Combine(firmware, "bsp", "host")}",
            $"-I{Path.Combine(firmware, "apps", "tflm-runner")}", $"-I{scratch}",
        ];
        var cc = ToolLocator.Find(ExternalTool.HostCc);
        var cxx = ToolLocator.Find(ExternalTool.HostCxx);
        await RunAsync(cc, ["-std=c11", "-c", .. common, .. CSources.Select(s => Path.Combine(firmware, s)), Path.Combine(scratch, "model_data.c")], scratch, cancellationToken);
        await RunAsync(cxx,
        [
            "-c", .. common, .. library.CompileFlags, .. library.IncludeDirectories.Select(i => $"-I{i}"),
            $"-DHARNESS_ARENA_SIZE={arenaBytes.ToString(CultureInfo.InvariantCulture)}", "-DHARNESS_KERNELS=\"reference\"", $"-DHARNESS_TFLM_COMMIT=\"{tflm.Commit}\"",
            .. CxxSources.Select(s => Path.Combine(firmware, s)),
        ], scratch, cancellationToken);
        await RunAsync(cxx, ["-o", "tflm-runner", .. Directory.GetFiles(scratch, "*.o").Order(StringComparer.Ordinal), library.LibraryPath, "-lm"], scratch, cancellationToken);
        Directory.Move(scratch, folder);
        return runner;
    }

    private static async Task RunAsync(string compiler, IReadOnlyList<string> arguments, string directory, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(compiler).WithArguments(arguments).WithWorkingDirectory(directory)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            var output = string.Join('\n', (result.StandardOutput + result.StandardError).Split('\n').Where(l => l.Trim().Length > 0).Take(20));
            throw new FirmwareException($"building the host golden runner failed ({Path.GetFileName(compiler)} exit {result.ExitCode}):\n{output}");
        }
    }
}
