using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Harness.Boards;
using Harness.Tools;

namespace Harness.Firmware;

/// <summary>CMake definitions beyond the board's, and the files behind them (hashed into the cache key).</summary>
/// <param name="Payload">Files copied into the build's payload folder (PAYLOAD_DIR) under the given names: a model. They join the
/// ELF's cache key but not the build folder's, so a build that differs only in them reuses the compiled objects and links again.</param>
public sealed record ExtraBuildInputs(IReadOnlyList<string> Definitions, IReadOnlyList<string> Files, IReadOnlyList<BuildPayload>? Payload = null);

/// <summary>A file the firmware brings in by name from its payload folder (the model, by .incbin).</summary>
public sealed record BuildPayload(string SourceFile, string Name);

/// <summary>
/// Builds firmware/apps/&lt;app&gt; for a board with CMake into the cache, keyed by everything that
/// goes into the ELF (board settings, every firmware source, compiler version), so an unchanged
/// build is never repeated and parallel harness runs never build the same thing twice.
/// </summary>
public sealed class FirmwareBuilder(HarnessPaths paths)
{
    private static readonly SemaphoreSlim CompilerVersionLock = new(1, 1);
    private static string? compilerVersion;

    public IReadOnlyList<string> Apps =>
        Directory.Exists(Path.Combine(paths.FirmwareDirectory, "apps"))
            ? Directory.GetDirectories(Path.Combine(paths.FirmwareDirectory, "apps")).Select(Path.GetFileName).OfType<string>().Order().ToList()
            : [];

    /// <param name="extra">More CMake definitions (e.g. the TFLM library and the generated model folder) and the files
    /// whose contents they bring in, which join the cache key.</param>
    public async Task<FirmwareImage> BuildAsync(BoardDescription board, string app, CancellationToken cancellationToken, ExtraBuildInputs? extra = null)
    {
        if (!Directory.Exists(Path.Combine(paths.FirmwareDirectory, "bsp", board.Bsp)))
        {
            throw new FirmwareException($"board '{board.Id}' has no board-support folder firmware/bsp/{board.Bsp} yet, so the harness cannot build firmware for it");
        }
        if (!Apps.Contains(app))
        {
            throw new FirmwareException($"unknown firmware app '{app}'; available: {string.Join(", ", Apps)}");
        }
        foreach (var (kind, folder, field) in new[] { (board.Console.Kind, "console", "console.kind"), (board.Counter.Kind, "counter", "counter.kind") })
        {
            var driver = Path.Combine(paths.FirmwareDirectory, "drivers", folder, $"{kind}.c");
            if (!File.Exists(driver))
            {
                var folderPath = Path.GetDirectoryName(driver)!;
                IEnumerable<string?> known = Directory.Exists(folderPath) ? Directory.GetFiles(folderPath, "*.c").Select(Path.GetFileNameWithoutExtension).Order() : [];
                throw new FirmwareException($"board '{board.Id}' ({board.SourceFile}) names {field} '{kind}', and there is no driver firmware/drivers/{folder}/{kind}.c (drivers: {string.Join(", ", known)})");
            }
        }
        var cmake = ToolLocator.Find(ExternalTool.CMake);
        var gcc = ToolLocator.Find(ExternalTool.ArmGcc);
        var header = BoardHeader.Render(board);
        var definitions = Definitions(board, app, gcc).Concat(extra?.Definitions ?? []).ToList();
        var key = await CacheKeyAsync([.. definitions, header], gcc, extra?.Files ?? [], cancellationToken);
        var payload = extra?.Payload ?? [];
        var elfKey = payload.Count == 0 ? key : await PayloadKeyAsync(key, payload, cancellationToken);
        var outputDirectory = Path.Combine(paths.CacheDirectory, "firmware", $"{board.Id}-{app}-{elfKey}");
        var elf = Path.Combine(outputDirectory, "firmware.elf");
        if (File.Exists(elf) && CacheSeal.Problem(elf, CacheSeal.ElfMagic) is null)
        {
            CacheRetention.MarkUsed(outputDirectory);
            return Loaded(elf, board, app, TimeSpan.Zero, fromCache: true);
        }
        try
        {
            return payload.Count == 0
                ? await BuildLockedAsync(cmake, definitions, header, outputDirectory, elf, board, app, cancellationToken)
                : await BuildWithPayloadAsync(cmake, definitions, header, Path.Combine(paths.CacheDirectory, "firmware", $"{board.Id}-{app}-{key}.work"),
                    payload, outputDirectory, elf, board, app, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CacheSeal.Unwritable(paths.CacheDirectory, e);
        }
    }

    private async Task<FirmwareImage> BuildLockedAsync(string cmake, List<string> definitions, string header, string outputDirectory, string elf,
        BoardDescription board, string app, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputDirectory)!);
        await using var buildLock = await FileLock.AcquireAsync(outputDirectory + ".lock", cancellationToken);
        if (CachedUnderLock(outputDirectory, elf, board, app) is { } cached)
        {
            return cached;
        }
        var stopwatch = Stopwatch.StartNew();
        var scratch = FreshScratch(outputDirectory);
        var generated = Path.Combine(scratch, "generated");
        Directory.CreateDirectory(generated);
        await File.WriteAllTextAsync(Path.Combine(generated, BoardHeader.FileName), header, cancellationToken);
        await RunAsync(cmake, ["-S", paths.FirmwareDirectory, "-B", scratch, .. definitions.Select(d => $"-D{d}"), $"-DBOARD_CONFIG_DIR={generated}"], "configure", cancellationToken);
        await RunAsync(cmake, ["--build", scratch, "--parallel", Environment.ProcessorCount.ToString()], "build", cancellationToken);
        CacheSeal.Seal(Path.Combine(scratch, "firmware.elf"));
        Directory.Move(scratch, outputDirectory);
        return Loaded(elf, board, app, stopwatch.Elapsed, fromCache: false);
    }

    /// <summary>
    /// A build whose payload (the model) changes more often than the rest: one build folder per everything-but-the-payload,
    /// configured once and kept; the payload is copied in and CMake rebuilds only what depends on it (the model's object and
    /// the link). The ELF is then copied to its own cache entry, keyed by the payload too.
    /// </summary>
    private async Task<FirmwareImage> BuildWithPayloadAsync(string cmake, List<string> definitions, string header, string workDirectory,
        IReadOnlyList<BuildPayload> payload, string outputDirectory, string elf, BoardDescription board, string app, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputDirectory)!);
        await using var workLock = await FileLock.AcquireAsync(workDirectory + ".lock", cancellationToken);
        await using var buildLock = await FileLock.AcquireAsync(outputDirectory + ".lock", cancellationToken);
        if (CachedUnderLock(outputDirectory, elf, board, app) is { } cached)
        {
            return cached;
        }
        var stopwatch = Stopwatch.StartNew();
        var payloadDirectory = Path.Combine(workDirectory, "payload");
        // Rebuilds change files deep inside the folder, not the folder itself: marked used for the cache's retention rule.
        CacheRetention.MarkUsed(workDirectory);
        try
        {
            var configure = !File.Exists(Path.Combine(workDirectory, "CMakeCache.txt"));
            if (configure)
            {
                if (Directory.Exists(workDirectory))
                {
                    Directory.Delete(workDirectory, recursive: true);
                }
                var generated = Path.Combine(workDirectory, "generated");
                Directory.CreateDirectory(generated);
                Directory.CreateDirectory(payloadDirectory);
                await File.WriteAllTextAsync(Path.Combine(generated, BoardHeader.FileName), header, cancellationToken);
            }
            foreach (var file in payload)
            {
                // A copy keeps the source's time, which can be older than the object built from the last payload: marked new,
                // so the build sees the change. A read-only source (a model in a read-only checkout) gives a read-only copy the next copy could not replace.
                var copy = Path.Combine(payloadDirectory, file.Name);
                if (File.Exists(copy))
                {
                    File.SetAttributes(copy, FileAttributes.Normal);
                }
                File.Copy(file.SourceFile, copy, overwrite: true);
                File.SetAttributes(copy, FileAttributes.Normal);
                File.SetLastWriteTimeUtc(copy, DateTime.UtcNow);
            }
            if (configure)
            {
                await RunAsync(cmake, ["-S", paths.FirmwareDirectory, "-B", workDirectory, .. definitions.Select(d => $"-D{d}"),
                    $"-DBOARD_CONFIG_DIR={Path.Combine(workDirectory, "generated")}", $"-DPAYLOAD_DIR={payloadDirectory}"], "configure", cancellationToken);
            }
            await RunAsync(cmake, ["--build", workDirectory, "--parallel", Environment.ProcessorCount.ToString()], "build", cancellationToken);
        }
        catch
        {
            // A build folder left half-way is not trusted: the next build configures a new one.
            TryDelete(workDirectory);
            throw;
        }
        var scratch = FreshScratch(outputDirectory);
        Directory.CreateDirectory(scratch);
        foreach (var product in new[] { "firmware.elf", "firmware.map" })
        {
            var built = Path.Combine(workDirectory, product);
            if (File.Exists(built))
            {
                File.Copy(built, Path.Combine(scratch, product));
            }
        }
        CacheSeal.Seal(Path.Combine(scratch, "firmware.elf"));
        Directory.Move(scratch, outputDirectory);
        return Loaded(elf, board, app, stopwatch.Elapsed, fromCache: false);
    }

    /// <summary>The entry another builder finished while this one waited for the lock; a damaged entry is never used, it is deleted to be rebuilt.</summary>
    private FirmwareImage? CachedUnderLock(string outputDirectory, string elf, BoardDescription board, string app)
    {
        if (!File.Exists(elf))
        {
            return null;
        }
        if (CacheSeal.Problem(elf, CacheSeal.ElfMagic) is null)
        {
            return Loaded(elf, board, app, TimeSpan.Zero, fromCache: true);
        }
        Directory.Delete(outputDirectory, recursive: true);
        return null;
    }

    /// <summary>The folder a build is written in before it moves into place whole (left over from a stopped build: removed).</summary>
    private static string FreshScratch(string outputDirectory)
    {
        var scratch = outputDirectory + ".building";
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
        return scratch;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> PayloadKeyAsync(string key, IReadOnlyList<BuildPayload> payload, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(key));
        foreach (var file in payload)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\0{file.Name}\0"));
            hash.AppendData(await File.ReadAllBytesAsync(file.SourceFile, cancellationToken));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    /// <summary>The ELF's sources read "firmware/...": they resolve against the folder that holds the firmware sources.</summary>
    private FirmwareImage Loaded(string elf, BoardDescription board, string app, TimeSpan buildTime, bool fromCache) =>
        FirmwareImage.Load(elf, board, $"{app} app", true, MeasureSymbols.Harness, buildTime, fromCache) with
        {
            SourceDirectories = [Path.GetDirectoryName(Path.GetFullPath(paths.FirmwareDirectory))!],
        };

    private IReadOnlyList<string> Definitions(BoardDescription board, string app, string gcc) =>
    [
        $"CMAKE_TOOLCHAIN_FILE={Path.Combine(paths.FirmwareDirectory, "cmake", "arm-none-eabi.cmake")}",
        $"ARM_TOOLCHAIN_PREFIX={Path.Combine(Path.GetDirectoryName(gcc)!, "arm-none-eabi-")}",
        "CMAKE_BUILD_TYPE=MinSizeRel",
        $"BOARD={board.Bsp}",
        $"APP={app}",
        $"CPU_FLAGS={string.Join(' ', board.Core.CompilerFlags)}",
        $"FLASH_ORIGIN=0x{board.Flash.Origin:x}",
        $"FLASH_SIZE={board.Flash.Size}",
        $"RAM_ORIGIN=0x{board.Ram.Origin:x}",
        $"RAM_SIZE={board.Ram.Size}",
        $"STACK_SIZE={board.StackSize}",
        $"CONSOLE_DRIVER={board.Console.Kind}",
        $"COUNTER_DRIVER={board.Counter.Kind}",
    ];

    private async Task<string> CacheKeyAsync(IReadOnlyList<string> definitions, string gcc, IReadOnlyList<string> extraFiles, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\n', definitions)));
        hash.AppendData(Encoding.UTF8.GetBytes(await CompilerVersionAsync(gcc, cancellationToken)));
        foreach (var file in extraFiles)
        {
            hash.AppendData(await File.ReadAllBytesAsync(file, cancellationToken));
        }
        foreach (var file in Directory.GetFiles(paths.FirmwareDirectory, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(paths.FirmwareDirectory, f).Replace('\\', '/'))
                     .Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            hash.AppendData(await File.ReadAllBytesAsync(Path.Combine(paths.FirmwareDirectory, file), cancellationToken));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static async Task<string> CompilerVersionAsync(string gcc, CancellationToken cancellationToken)
    {
        await CompilerVersionLock.WaitAsync(cancellationToken);
        try
        {
            compilerVersion ??= (await Cli.Wrap(gcc).WithArguments("--version").ExecuteBufferedAsync(cancellationToken)).StandardOutput;
            return compilerVersion;
        }
        finally
        {
            CompilerVersionLock.Release();
        }
    }

    private static async Task RunAsync(string cmake, IReadOnlyList<string> arguments, string step, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(cmake).WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            var output = (result.StandardOutput + result.StandardError).Split('\n');
            var tail = string.Join('\n', output.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).DefaultIfEmpty().Concat(output.TakeLast(15)).Distinct());
            throw new FirmwareException($"firmware {step} failed (cmake exit {result.ExitCode}):\n{tail.Trim()}");
        }
    }
}
