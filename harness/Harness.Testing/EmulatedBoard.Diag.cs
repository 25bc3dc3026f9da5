using System.Diagnostics;
using System.IO.Hashing;
using Harness.Link;
using Harness.Scenarios;

namespace Harness.Testing;

public sealed partial class EmulatedBoard
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Uploads bytes to the diagnostic app and reads back the CRC-32 of what it received: over the emulated UART, or for
    /// 1 KiB and more by the bulk path (the emulator writes the board's RAM, the UART announces and checks each window).
    /// </summary>
    /// <param name="data">The bytes to send.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <param name="path">The harness's choice (<see cref="UploadPath.Auto"/>), or the UART or the bulk path forced.</param>
    public async Task<Upload> UploadAsync(byte[] data, CancellationToken cancellationToken = default, UploadPath path = UploadPath.Auto)
    {
        var boot = RequireDiag();
        var diag = new DiagClient(link);
        var clock = Stopwatch.StartNew();
        var (receipt, crc, bytes) = await StepAsync($"the upload of {data.Length} B", async (watch, token) =>
        {
            var sent = await watch.Await($"the upload of {data.Length} bytes", diag.UploadAsync(data, boot.MaxBody, null, token, path));
            var (deviceCrc, deviceBytes) = await watch.Await("the checksum", diag.ChecksumAsync(token));
            return (sent, deviceCrc, deviceBytes);
        }, cancellationToken);
        return new Upload(data.Length, Crc32.HashToUInt32(data), bytes, crc, data.Length / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), receipt.Path);
    }

    /// <summary>Runs the diagnostic app's measured workload: the emulator's instruction count, the firmware's counter as cycles, the silicon estimate.</summary>
    /// <param name="iterations">How many rounds the workload runs.</param>
    /// <param name="kernel">The workload: an integer mix, or a sequence whose cost the core's manual gives exactly (loads, branches, divides).</param>
    /// <param name="cancellationToken">Cancels the workload.</param>
    public async Task<Workload> WorkloadAsync(uint iterations, DiagKernel kernel = DiagKernel.Xorshift, CancellationToken cancellationToken = default)
    {
        var boot = RequireDiag();
        var diag = new DiagClient(link);
        var (result, region, stats) = await StepAsync("the workload", async (watch, token) =>
        {
            var workload = await watch.Await("the workload result", diag.WorkloadAsync(iterations, kernel, token));
            var measured = await watch.NextRegionAsync(RegionWait, token);
            var deviceStats = await watch.Await("the device statistics", diag.StatsAsync(token));
            return (workload, measured, deviceStats);
        }, cancellationToken);
        stackHighWater = stats.StackHighWater;
        if (region is null)
        {
            throw Outcomes.Fail($"{Context}: the emulator sent no instruction count for the workload");
        }
        var cycles = warm.Session.Clock.CyclesFrom(result.CounterTicks, boot.Counter.CountsCoreCycles);
        var estimate = region.Mix is { } mix && silicon is { } profile ? Silicon.SiliconEstimator.Estimate(mix, profile) : null;
        return new Workload(result.Value, DiagClient.ExpectedWorkload(iterations, kernel), new Figure(region.Instructions, "instructions", Context),
            new Figure(cycles, $"cycles ({boot.Counter})", Context), estimate, region.Mix);
    }

    private BootInfo RequireDiag() => diagBoot ?? throw new InvalidOperationException(
        $"{Context}: this board runs {choice.Name}, not the diagnostic app; start it with Firmware.Diag to upload or run the workload");
}
