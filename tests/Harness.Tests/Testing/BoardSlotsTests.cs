using Harness.Testing;

namespace Harness.Tests.Testing;

/// <summary>Parallel fixtures wait for a board slot instead of starting more emulators than the machine has cores.</summary>
[NonParallelizable]
public class BoardSlotsTests
{
    [Test]
    public async Task APastTheLimitBoardWaitsUntilAnotherIsDisposed()
    {
        Assert.That(BoardSlots.Limit, Is.EqualTo(Environment.ProcessorCount).Or.EqualTo(int.Parse(Environment.GetEnvironmentVariable("HARNESS_TEST_BOARDS") ?? "0")));
        var held = new List<BoardSlots.Slot>();
        for (var i = 0; i < BoardSlots.Limit; i++)
        {
            held.Add(await BoardSlots.AcquireAsync($"board {i}", CancellationToken.None));
        }
        var waiting = BoardSlots.AcquireAsync("one too many", CancellationToken.None);
        await Task.Delay(200);
        Assert.That(waiting.IsCompleted, Is.False, "every slot is taken");
        held[0].Dispose();
        held[0].Dispose(); // released once, however often disposed
        using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(async () => await BoardSlots.AcquireAsync("another", new CancellationTokenSource(100).Token), Throws.InstanceOf<OperationCanceledException>(),
            "the double dispose freed no second slot");
        held.Skip(1).ToList().ForEach(s => s.Dispose());
    }
}
