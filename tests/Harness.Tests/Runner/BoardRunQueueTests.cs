using Harness.Runner;

namespace Harness.Tests.Runner;

/// <summary>How board runs are handed to workers: each keeps to its board while that board has runs left.</summary>
public class BoardRunQueueTests
{
    private static List<string> Drain(BoardRunQueue<string> queue, params int[] order)
    {
        var taken = new List<string>();
        foreach (var worker in order)
        {
            if (queue.TryTake(worker, out var run))
            {
                taken.Add($"{worker}:{run}");
            }
        }
        return taken;
    }

    [Test]
    public void OneWorkerRunsABoardsRunsTogetherThenTheNextBoards()
    {
        var queue = new BoardRunQueue<string>(["s1/a", "s1/b", "s2/a", "s2/b", "s3/a"], run => run.Split('/')[1], 1);
        Assert.That(Drain(queue, 0, 0, 0, 0, 0, 0), Is.EqualTo(new[] { "0:s1/a", "0:s2/a", "0:s3/a", "0:s1/b", "0:s2/b" }));
    }

    [Test]
    public void TwoWorkersTakeOneBoardEachAndKeepToIt()
    {
        var queue = new BoardRunQueue<string>(["s1/a", "s1/b", "s2/a", "s2/b", "s3/a", "s3/b"], run => run.Split('/')[1], 2);
        Assert.That(Drain(queue, 0, 1, 1, 0, 1, 0), Is.EqualTo(new[] { "0:s1/a", "1:s1/b", "1:s2/b", "0:s2/a", "1:s3/b", "0:s3/a" }));
    }

    [Test]
    public void AWorkerWhoseBoardIsDoneTakesABoardNoOtherWorkerIsOnThenHelpsWithWhatIsLeft()
    {
        var queue = new BoardRunQueue<string>(["s1/a", "s1/b", "s2/b", "s3/b", "s1/c"], run => run.Split('/')[1], 2);
        Assert.That(Drain(queue, 0, 1, 0, 0, 0), Is.EqualTo(new[] { "0:s1/a", "1:s1/b", "0:s1/c", "0:s2/b", "0:s3/b" }),
            "worker 0 goes to c (free) before b (worker 1's), then takes b's runs when nothing else is left");
        Assert.That(queue.TryTake(1, out _), Is.False);
    }
}
