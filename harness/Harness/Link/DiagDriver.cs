using System.IO.Hashing;
using Harness.Scenarios;

namespace Harness.Link;

/// <summary>Drives the diagnostic app through a scenario's plan: hello, upload and checksum, the workload, then any misbehaviour asked for.</summary>
public static class DiagDriver
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);
    private const ushort JunkBytes = 512;

    public static async Task<DiagObservation> RunAsync(LinkClient link, IBoardWatch watch, DiagPlan plan, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var diag = new DiagClient(link);
        var boot = BootInfo.From(await watch.Await("the firmware's boot frame", link.WaitForBootAsync(cancellationToken)));
        var hello = BootInfo.From(await watch.Await("the answer to HELLO", diag.HelloAsync(cancellationToken)));

        var data = plan.Upload.Bytes();
        progress?.Report($"upload {data.Length} B");
        var upload = await watch.Await($"the upload of {data.Length} bytes", diag.UploadAsync(data, boot.MaxBody, null, cancellationToken, plan.Via));
        var (crc, bytes) = await watch.Await("the checksum", diag.ChecksumAsync(cancellationToken));

        progress?.Report("workload");
        var workload = await watch.Await("the workload result", diag.WorkloadAsync(plan.WorkloadIterations, plan.Kernel, cancellationToken));
        var region = await watch.NextRegionAsync(RegionWait, cancellationToken);
        var instructions = region?.Instructions;
        var stats = await watch.Await("the device statistics", diag.StatsAsync(cancellationToken));

        DiagFinaleObservation? finale = null;
        switch (plan.Then)
        {
            case DiagFinale.Fault:
                await watch.Await("the on-purpose fault", diag.FaultAsync(cancellationToken));
                finale = new DiagFinaleObservation(AnsweredInsteadOfFaulting: true, 0, null);
                break;
            case DiagFinale.Overflow:
                await watch.Await("the stack guard's report", diag.OverflowAsync(cancellationToken));
                finale = new DiagFinaleObservation(AnsweredInsteadOfFaulting: true, 0, null);
                break;
            case DiagFinale.Hang:
                await watch.Await("an answer from the firmware told to hang", diag.HangAsync(cancellationToken));
                break;
            case DiagFinale.Garbage:
                finale = await GarbageAsync(link, diag, watch, plan.Bursts, progress, cancellationToken);
                break;
        }
        return new DiagObservation(boot, hello.Protocol, Crc32.HashToUInt32(data), data.Length, crc, bytes, plan.WorkloadIterations,
            workload.Value, workload.CounterTicks, instructions, stats, finale) { Mix = region?.Mix, Upload = upload };
    }

    /// <summary>
    /// Rounds of junk both ways, each ended by a HELLO the app must answer: the device sends seeded junk (the first round
    /// 512 bytes, then 1 to 512), the host writes junk of its own. From the second round on the host's junk holds
    /// frame delimiters and frame-like runs, so the device's decoder sees broken frames as well as noise.
    /// </summary>
    private static async Task<DiagFinaleObservation> GarbageAsync(LinkClient link, DiagClient diag, IBoardWatch watch, int bursts, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var random = new Random(bursts);
        string? app = null;
        var answered = 0;
        for (var burst = 0; burst < bursts; burst++)
        {
            if (burst % 100 == 0 && bursts > 1)
            {
                progress?.Report($"junk burst {burst + 1} of {bursts}");
            }
            var fromDevice = burst == 0 ? JunkBytes : (ushort)random.Next(1, JunkBytes + 1);
            await watch.Await("the answer after the junk bytes", diag.EmitGarbageAsync(fromDevice, cancellationToken));
            var junk = burst == 0
                ? Enumerable.Range(1, JunkBytes).Select(i => (byte)(i * 37 % 251 + 1)).ToArray()
                : Enumerable.Range(0, random.Next(1, 65)).Select(_ => random.Next(4) == 0 ? (byte)0 : (byte)random.Next(256)).ToArray();
            await link.WriteRawAsync(junk, cancellationToken);
            var again = BootInfo.From(await watch.Await($"HELLO after junk in both directions (round {burst + 1} of {bursts})", diag.HelloAsync(cancellationToken)));
            app = again.App;
            answered++;
        }
        return new DiagFinaleObservation(false, link.GarbageBytes, app, bursts, answered);
    }
}
