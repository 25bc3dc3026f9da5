using System.Diagnostics;
using Harness.Tflm;

namespace Harness.Tests.Tflm;

/// <summary>
/// The suite's one-time set-up for model tests: every TFLM library they use (one per core of the
/// catalog, CMSIS-NN for the Cortex-M4F, the host's) built first, under its own generous limit and
/// with progress in the log. On a machine whose cache is empty this is where the first CI run spends
/// its extra time (≈ 12 min a library on 2 cores); no model test's own timeout is spent on it.
/// </summary>
public static class TflmLibraries
{
    private static readonly TimeSpan LimitPerLibrary = TimeSpan.FromMinutes(45);
    private static readonly Lazy<Task> Built = new(BuildAllAsync);

    /// <summary>Called from a model test fixture's [OneTimeSetUp]; builds once per test run, later callers wait for it.</summary>
    public static Task EnsureAsync() => Built.Value;

    public static IReadOnlyList<TflmBuildConfig> Needed() =>
        TestEnvironment.Boards.All.Select(board => TflmBuildConfig.For(board, KernelSet.Reference))
            .Append(TflmBuildConfig.For(TestEnvironment.Boards.Get("mps2-an386"), KernelSet.CmsisNn))
            .Append(TflmBuildConfig.Host())
            .Distinct()
            .ToList();

    private static async Task BuildAllAsync()
    {
        var tflm = TestEnvironment.RequireTflm();
        var builder = new TflmLibraryBuilder(TestEnvironment.Paths, tflm);
        var progress = new Progress<string>(line => TestContext.Progress.WriteLine($"[TFLM set-up] {line}"));
        foreach (var config in Needed())
        {
            using var limit = new CancellationTokenSource(LimitPerLibrary);
            var clock = Stopwatch.StartNew();
            try
            {
                var library = await builder.BuildAsync(config, progress, limit.Token);
                if (!library.FromCache)
                {
                    TestContext.Progress.WriteLine($"[TFLM set-up] {config.Name}: built in {clock.Elapsed.TotalMinutes:0.0} min");
                }
            }
            catch (OperationCanceledException)
            {
                throw new TflmException($"building TFLM's {config.Name} library did not finish within {LimitPerLibrary.TotalMinutes:0} min; the objects built so far are kept, the next run goes on from them");
            }
        }
    }
}
