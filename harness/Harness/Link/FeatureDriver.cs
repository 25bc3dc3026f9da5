using Harness.Models;

namespace Harness.Link;

/// <summary>
/// Drives a preprocessor model's runner over audio, window after window in one interpreter (its state
/// carries over, as on a device): the rows of features that make another model's input.
/// </summary>
public static class FeatureDriver
{
    private static readonly TimeSpan RegionWait = TimeSpan.FromSeconds(2);

    public static async Task<FeatureObservation> RunAsync(LinkClient link, IBoardWatch watch, string preprocessor, FeatureLayout layout, CancellationToken cancellationToken)
    {
        var boot = BootInfo.From(await watch.Await("the preprocessor runner's boot frame", link.WaitForBootAsync(cancellationToken)));
        if (!boot.Ready)
        {
            throw new LinkException($"TFLM could not set up the preprocessor {preprocessor} ({boot.Status}): {link.Transcript.LastLogLines()}");
        }
        var client = new ModelClient(link, boot.MaxBody);
        var rows = new byte[layout.Frames * layout.RowBytes];
        var instructions = new List<long>();
        for (var frame = 0; frame < layout.Frames; frame++)
        {
            await watch.Await($"the upload of audio window {frame}", client.SetInputAsync(0, layout.WindowBytes(frame), cancellationToken));
            var invoke = await watch.Await($"the preprocessor's Invoke() on window {frame}", client.InvokeAsync(cancellationToken));
            if (!invoke.Ok)
            {
                throw new LinkException($"the preprocessor's Invoke() failed on window {frame}: {link.Transcript.LastLogLines()}", Measurement.Outcome.Failed);
            }
            if (await watch.NextRegionAsync(RegionWait, cancellationToken) is { } region)
            {
                instructions.Add(region.Instructions);
            }
            (await watch.Await($"the features of window {frame}", client.GetOutputAsync(0, layout.RowBytes, cancellationToken))).CopyTo(rows, frame * layout.RowBytes);
        }
        var stats = await watch.Await("the preprocessor runner's statistics", client.StatsAsync(cancellationToken));
        return new FeatureObservation(boot, rows, layout.Frames, instructions, stats);
    }
}
