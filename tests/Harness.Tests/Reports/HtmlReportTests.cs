using System.Diagnostics;
using System.Text.RegularExpressions;
using Harness.Measurement;
using Harness.Reports;
using Harness.Scenarios;
using Harness.Tflm;
using SkiaSharp;

namespace Harness.Tests.Reports;

/// <summary>report.html, opened in a real browser (Debian's Chromium, headless): it loads with no error and shows its plots.</summary>
public partial class HtmlReportTests
{
    private static ScenarioResult Result(string name, KernelSet kernels, long scale)
    {
        var operators = Enumerable.Range(0, 15).Select(i => new OperatorCycles(i, i % 3 == 0 ? "DEPTHWISE_CONV_2D" : "CONV_2D", scale * (i + 1), scale * (i + 1) - 3)).ToList();
        var figures = new Figures(operators.Sum(o => o.Instructions!.Value) + 500, null, "dwt", 400_000, 110_000, 2_000, 112_000, 1, 0, true)
        {
            Sections = new Dictionary<string, long> { [".text"] = 90_000, [".rodata"] = 305_000, [".data"] = 5_000, [".bss"] = 105_000 },
            ModelBytes = 300_568, ArenaBytes = 100 * 1024, FlashCapacityBytes = 1024 * 1024, RamCapacityBytes = 320 * 1024,
        };
        var model = new ModelRun("person_detect.tflite", "90b983c2b3f1480642e040bbd2ddb37b998f3424", kernels, 102_400, 82_292,
            [new OutputValues(0, "out", [-113, 113], [-0.88, 0.88])], operators, 0.2);
        var baseline = new BaselineReport("baselines/x.yaml", null, operators.Select(o => new Delta($"{o.Operator} #{o.Index}", "instructions", o.Instructions * 0.98, o.Instructions, "2%", DeltaKind.Regressed)).ToList(), "abc");
        var board = new BoardResult("stm32f746", "renode", Outcome.Failed, "regress CONV_2D #14", [new Check("regress CONV_2D #14", false, "2%", "+2.04%")], figures, [], null, null, null, null, model)
        {
            Identity = new RunIdentity("stm32f746", "renode", "1.16.1", "elf", "model", "inputs", "tflm", kernels.Name(), "0123456789"),
            Baseline = baseline,
        };
        var scenario = new Scenario(name, "x.yaml", "renode", ["stm32f746"], new BuiltInApp("reported"), null, null, Budgets.None, TimeSpan.Zero);
        return new ScenarioResult(scenario, [board]);
    }

    private static IReadOnlyList<ScenarioResult> Results() => [Result("person.reference", KernelSet.Reference, 400_000), Result("person.cmsis-nn", KernelSet.CmsisNn, 90_000)];

    [Test]
    public void TheReportIsOneFileThatNeedsNoNetwork()
    {
        var html = HtmlReport.Render(Results());
        Assert.That(Regex.Matches(html, "<svg").Count, Is.EqualTo(4), "two operator plots, the memory plot, the side-by-side plot");
        Assert.That(ExternalReference().IsMatch(html), Is.False, "no script, stylesheet or image is fetched from anywhere");
        Assert.That(html, Does.Contain("Harness: failed").And.Contain("regress CONV_2D #14"));
    }

    [Test]
    public async Task ChromiumOpensItWithoutErrorsAndTheScreenshotShowsThePlots()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Fail("chromium is missing: apt-get install chromium (.ci/run installs it)");
        }
        var folder = Directory.CreateTempSubdirectory("harness-html").FullName;
        var page = Path.Combine(folder, HtmlReport.FileName);
        await File.WriteAllTextAsync(page, HtmlReport.Render(Results()));
        var shot = Path.Combine(folder, "shot.png");
        var start = new ProcessStartInfo(chromium!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(folder, "profile")}", "--enable-logging=stderr", "--v=0",
                     "--window-size=1100,1800", $"--screenshot={shot}", $"file://{page}" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var log = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.That(File.Exists(shot), Is.True, log);
        Assert.That(ConsoleMessage().Matches(log).Select(m => m.Value), Is.Empty, "the page logs nothing to the console (it has no script; any message is an error)");
        using var image = SKBitmap.Decode(shot);
        // The plots' bars: plenty of pixels of the steel blue and grey the report draws them in.
        var blue = 0;
        for (var y = 0; y < image.Height; y += 2)
        {
            for (var x = 0; x < image.Width; x += 2)
            {
                var pixel = image.GetPixel(x, y);
                blue += pixel.Blue > 150 && pixel.Red < 100 && pixel.Green is > 100 and < 160 ? 1 : 0;
            }
        }
        TestContext.Out.WriteLine($"{image.Width}x{image.Height}, {blue} sampled steel-blue pixels");
        Assert.That(blue, Is.GreaterThan(2000), "the screenshot shows the bars, not a blank page");
    }

    [GeneratedRegex(@"(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex(@".*:CONSOLE[:(].*")]
    private static partial Regex ConsoleMessage();
}
