using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using Harness.Firmware;
using Harness.Tools;

namespace Harness.Emulation;

/// <summary>
/// Wraps a long-running child (an emulator, TFLM's make) in the harness's tether (tether.c), so the
/// child dies with the harness however the harness ends, SIGKILL included (ProcessGuard covers only
/// the endings that let the harness run code). Compiled once per source version with the host's cc.
/// </summary>
public static class Tether
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? built;

    public static string SourcePath => Path.Combine(AppContext.BaseDirectory, "Emulation", "tether.c");

    /// <summary>The command that runs <paramref name="program"/> tethered to this process (on Windows, the program itself).</summary>
    public static async Task<Command> CommandAsync(string program, IReadOnlyList<string> arguments, string cacheDirectory, CancellationToken cancellationToken) =>
        OperatingSystem.IsWindows()
            ? Cli.Wrap(program).WithArguments(arguments)
            : Cli.Wrap(await BuildAsync(cacheDirectory, cancellationToken)).WithArguments([program, .. arguments]);

    public static async Task<string> BuildAsync(string cacheDirectory, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (built is not null && File.Exists(built))
            {
                return built;
            }
            if (!File.Exists(SourcePath))
            {
                throw new EmulatorException($"the tether source is missing from the harness installation: {SourcePath}");
            }
            var source = await File.ReadAllBytesAsync(SourcePath, cancellationToken);
            var directory = Path.Combine(cacheDirectory, "tether", Convert.ToHexString(SHA256.HashData(source))[..16].ToLowerInvariant());
            var program = Path.Combine(directory, "tether");
            if (!File.Exists(program))
            {
                Directory.CreateDirectory(directory);
                await using var buildLock = await FileLock.AcquireAsync(Path.Combine(directory, ".lock"), cancellationToken);
                if (!File.Exists(program))
                {
                    var scratch = program + $".{Environment.ProcessId}.tmp";
                    var result = await Cli.Wrap(ToolLocator.Find(ExternalTool.HostCc))
                        .WithArguments(["-O2", "-Wall", "-o", scratch, SourcePath])
                        .WithValidation(CommandResultValidation.None)
                        .ExecuteBufferedAsync(cancellationToken);
                    if (result.ExitCode != 0)
                    {
                        throw new EmulatorException($"building the harness's tether failed:\n{result.StandardError.Trim()}");
                    }
                    File.Move(scratch, program, overwrite: true);
                }
            }
            built = program;
            return program;
        }
        finally
        {
            Gate.Release();
        }
    }
}
