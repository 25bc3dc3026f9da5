using Harness.Measurement;
using Harness.Runner;
using Harness.Tests.Pipeline;

namespace Harness.Tests.Renode;

/// <summary>Real models on the Renode boards, bit-exact with the host golden run; skipped where Renode or TFLM is absent.</summary>
[NonParallelizable]
public class RenodeModelTests
{
    [OneTimeSetUp]
    public Task NeedsRenodeAndTflmAndItsLibraries()
    {
        TestEnvironment.RequireRenode();
        TestEnvironment.RequireTflm();
        return Harness.Tests.Tflm.TflmLibraries.EnsureAsync();
    }

    [Test]
    public async Task HelloWorldInt8RunsOnAllFourRenodeBoardsBitExactWithTheHost()
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync([$$"""
            name: hello-renode
            emulator: renode
            boards: [stm32f4, nrf52840, stm32f746, stm32f103]
            model: {{TestEnvironment.Shared("models", "hello_world_int8.tflite")}}
            arena: 2KiB
            inputs:
              - values: [1.0]
            outputs:
              - { values: [0.8415], tolerance: 0.05 }
            expect:
              golden: host
            timeout: 900s
            """], new RunOptions(PipelineFixture.NewWorkDirectory(), Jobs: 2));
        foreach (var board in results.Single().Boards)
        {
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"{board.Board}: {board.Summary}");
            Assert.That(board.Checks.Single(c => c.Name == "output 0 vs host golden").Actual, Is.EqualTo("identical"), board.Board);
            Assert.That(board.Figures.CounterSource, Is.EqualTo("dwt"), board.Board);
            Assert.That(board.Model!.Operators.Select(o => o.Instructions), Is.All.Not.Null, $"{board.Board}: Renode's hooks count each operator");
            Assert.That(board.Model.Operators.Sum(o => o.Instructions!.Value), Is.InRange(board.Figures.Instructions!.Value * 8 / 10, board.Figures.Instructions!.Value), board.Board);
        }
    }

    [Test]
    public async Task PersonDetectRunsOnNrf52840AndTheStm32f7BitExactWithTheHost()
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync([$$"""
            name: person-renode
            emulator: renode
            boards: [nrf52840, stm32f746]
            model: {{TestEnvironment.Shared("models", "person_detect.tflite")}}
            arena: 100KiB
            inputs:
              - bmp: {{TestEnvironment.Shared("testdata", "person.bmp")}}
            outputs:
              - { top1: 1 }
            expect:
              golden: host
            timeout: 900s
            """], new RunOptions(PipelineFixture.NewWorkDirectory(), Jobs: 2));
        foreach (var board in results.Single().Boards)
        {
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"{board.Board}: {board.Summary}");
            Assert.That(board.Checks.Single(c => c.Name == "output 0 vs host golden").Actual, Is.EqualTo("identical"), board.Board);
        }
    }

    [Test]
    public async Task SimpleAddRunsWhereItFitsAndTheStm32f103IsRefusedBeforeBooting()
    {
        var (results, _, _) = await PipelineFixture.RunManyAsync([$$"""
            name: simple-add-renode
            emulator: renode
            boards: [stm32f4, nrf52840, stm32f746, stm32f103]
            model: {{TestEnvironment.Shared("models", "simple_add_model.tflite")}}
            inputs:
              - values: [{{string.Join(", ", Enumerable.Range(0, 128 * 128).Select(i => (i % 7 * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]
              - values: [{{string.Join(", ", Enumerable.Range(0, 128 * 128).Select(i => (i % 5 * -0.125).ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]
            expect:
              golden: host
            timeout: 900s
            """], new RunOptions(PipelineFixture.NewWorkDirectory(), Jobs: 2));
        var boards = results.Single().Boards;
        foreach (var board in boards.Where(b => b.Board != "stm32f103"))
        {
            Assert.That(board.Outcome, Is.EqualTo(Outcome.Passed), $"{board.Board}: {board.Summary}");
            Assert.That(board.Checks.Single(c => c.Name == "output 0 vs host golden").Actual, Is.EqualTo("identical"), board.Board);
            Assert.That(board.Model!.Outputs.Single().Values[12], Is.EqualTo(12 % 7 * 0.25 + 12 % 5 * -0.125).Within(0.05), $"{board.Board}: x + y");
        }
        var f103 = boards.Single(b => b.Board == "stm32f103");
        Assert.That(f103.Outcome, Is.EqualTo(Outcome.Error));
        Assert.That(f103.Summary, Does.Contain("simple_add_model.tflite needs a 49 KiB tensor arena").And.EndWith("stm32f103 has 20 KiB of RAM"));
        Assert.That(f103.CommandLine, Is.Null, "no Renode was started for a board the model cannot fit");
    }
}
