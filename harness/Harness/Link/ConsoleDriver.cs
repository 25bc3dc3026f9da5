using Harness.Scenarios;

namespace Harness.Link;

/// <summary>
/// Watches a firmware that does not speak the link: the first console line matching a fail or pass
/// pattern decides; then the transcript keeps what the program prints until it goes quiet (or a short
/// grace period ends), so the log has everything, and the measured region's count is collected.
/// </summary>
public static class ConsoleDriver
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RegionWait = TimeSpan.FromMilliseconds(500);

    public static async Task<ConsoleObservation> RunAsync(ConsoleTranscript transcript, IBoardWatch watch, ConsoleExpectation expectation, bool measured,
        CancellationToken cancellationToken)
    {
        var verdict = new TaskCompletionSource<(bool Passed, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(ConsoleLine line)
        {
            if (line.Source != LineSource.Uart)
            {
                return;
            }
            if (expectation.Fail.FirstOrDefault(p => p.Matches(line.Text)) is { } fail)
            {
                verdict.TrySetResult((false, $"'{line.Text}' matches fail pattern '{fail}'"));
            }
            else if (expectation.Pass.Any(p => p.Matches(line.Text)))
            {
                verdict.TrySetResult((true, line.Text));
            }
        }
        transcript.LineAdded += Watch;
        try
        {
            foreach (var line in transcript.Lines)
            {
                Watch(line);
            }
            var (passed, why) = await watch.Await($"a console line matching {string.Join(" or ", expectation.Pass)}", verdict.Task.WaitAsync(cancellationToken));
            var instructions = measured ? (await watch.NextRegionAsync(RegionWait, cancellationToken))?.Instructions : null;
            await QuietAsync(transcript, watch, cancellationToken);
            return new ConsoleObservation(passed, why, instructions);
        }
        finally
        {
            transcript.LineAdded -= Watch;
        }
    }

    /// <summary>Until no line has come for <see cref="QuietPeriod"/>, or <see cref="GracePeriod"/> has passed.</summary>
    private static async Task QuietAsync(ConsoleTranscript transcript, IBoardWatch watch, CancellationToken cancellationToken)
    {
        var until = transcript.Now + GracePeriod;
        while (transcript.Now < until && transcript.Now - transcript.LastLineAt < QuietPeriod)
        {
            await watch.Await("the console to go quiet", Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ContinueWith(_ => true, TaskScheduler.Default));
        }
    }
}
