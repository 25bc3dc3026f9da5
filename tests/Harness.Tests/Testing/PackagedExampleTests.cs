using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace Harness.Tests.Testing;

/// <summary>
/// The packages as a user gets them: Harness.Core, Harness.Testing and the CLI packed into a folder, examples/nunit copied
/// elsewhere and restored from that folder only (other packages from this machine's package cache), its 'dotnet test' run,
/// and the harness installed as a .NET tool from the same folder.
/// </summary>
[NonParallelizable]
public class PackagedExampleTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Test]
    public async Task TheNUnitExampleRestoresFromThePackagesAndRuns()
    {
        TestEnvironment.RequireQemuToolchain();
        var root = TestEnvironment.RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("harness-packages").FullName;
        var feed = Path.Combine(work, "feed");
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            foreach (var project in new[] { "harness/Harness/Harness.csproj", "harness/Harness.Testing/Harness.Testing.csproj", "harness/Harness.Cli/Harness.Cli.csproj" })
            {
                // Release: its own output folders, so packing never touches the binaries this test run loaded.
                await DotnetAsync(root, work, limit.Token, "pack", Path.Combine(root, project), "-c", "Release", "-o", feed, "-nologo", "-v", "quiet");
            }
            var packages = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).ToList();
            Assert.That(packages, Is.EquivalentTo(new[] { "Harness.Core.0.9.0.nupkg", "Harness.Testing.0.9.0.nupkg", "Harness.Cli.0.9.0.nupkg" }));

            var example = Path.Combine(work, "example");
            CopyDirectory(Path.Combine(root, "examples", "nunit"), example);
            // Only the feed as a source: the example cannot reach into this repository; what else it needs is in the package cache.
            var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
                ? cache
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            await File.WriteAllTextAsync(Path.Combine(example, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="feed" value="{feed}" /></packageSources>
                  <fallbackPackageFolders><add key="machine" value="{machineCache}" /></fallbackPackageFolders>
                </configuration>
                """);
            var test = await DotnetAsync(example, work, limit.Token, "test", "--logger", "console;verbosity=normal");
            // Kept as an attachment, not printed: its own "Total tests:" lines must not mix with this run's summary.
            var log = Path.Combine(TestContext.CurrentContext.WorkDirectory, "packaged-example-test.log");
            await File.WriteAllTextAsync(log, test);
            TestContext.AddTestAttachment(log, "dotnet test of examples/nunit");
            int Count(string what) => int.Parse(Regex.Match(test, $@"^\s*{what}:\s+(\d+)", RegexOptions.Multiline).Groups[1].Value);
            Assert.That(test, Does.Not.Match(@"^\s*Failed:\s+[1-9]").And.Not.Contain("  Failed "), $"no test of the example fails:{Environment.NewLine}{Indented(test)}");
            Assert.That(test, Does.Contain("Passed AnUploadArrivesIntact").And.Contain("Passed TheWorkloadStaysWithinItsBudget"), "the diag fixture ran on QEMU");
            Assert.That(test, Does.Contain("Passed diag-suite on stm32f4").And.Contain("Passed diag-suite on microbit"), "the YAML suite's cases ran, one per board");
            Assert.That(Count("Passed"), Is.GreaterThanOrEqualTo(6));
            if (Harness.Tflm.TflmCheckout.OpenConfigured(null, Harness.Tools.HarnessSettings.Load(), out _) is null)
            {
                Assert.That(test, Does.Contain("Skipped ClassifiesTwoInputsOnOneBoot").And.Contain("no TensorFlow Lite Micro checkout"),
                    "without TFLM the model tests are skipped, with the reason");
            }
            else
            {
                Assert.That(test, Does.Contain("Passed ClassifiesTwoInputsOnOneBoot").And.Contain("Passed FitsTheBoard"), "with TFLM the model tests run");
            }
            Assert.That(Directory.GetFiles(Path.Combine(example, "ModelTests", "bin"), "*.log", SearchOption.AllDirectories), Is.Not.Empty,
                "the console logs are written beside the results, for the attachments");
            // The example's test host kept warm QEMU sessions for its YAML cases: they end with it (the host may still be
            // closing when 'dotnet test' returns; the tether polls for its parent every 50 ms).
            var left = EmulatorsOfOtherTestHosts();
            for (var wait = System.Diagnostics.Stopwatch.StartNew(); left.Count > 0 && wait.Elapsed < TimeSpan.FromSeconds(15); left = EmulatorsOfOtherTestHosts())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), limit.Token);
            }
            Assert.That(left, Is.Empty, "no emulator of the example's test run is left running");

            var tools = Path.Combine(work, "tools");
            await DotnetAsync(work, work, limit.Token, "tool", "install", "Harness.Cli", "--version", "0.9.0", "--tool-path", tools, "--add-source", feed);
            var boards = await CliWrap.Cli.Wrap(Path.Combine(tools, "harness")).WithArguments("boards").ExecuteBufferedAsync(limit.Token);
            Assert.That(boards.StandardOutput, Does.Contain("stm32f4").And.Contain("nrf52840"), "the tool carries the board catalog");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>dotnet with a package cache of the test's own (the packed versions never land in the machine's cache) and no MSBuild state of the test run.</summary>
    private static async Task<string> DotnetAsync(string directory, string work, CancellationToken cancellationToken, params string[] arguments)
    {
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                        || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH")
            .ToDictionary(k => k, _ => (string?)null);
        environment["NUGET_PACKAGES"] = Path.Combine(work, "packages");
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var result = await CliWrap.Cli.Wrap("dotnet").WithArguments(arguments).WithWorkingDirectory(directory).WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        var output = result.StandardOutput + result.StandardError;
        Assert.That(result.ExitCode, Is.Zero, $"dotnet {string.Join(' ', arguments)} failed:{Environment.NewLine}{Indented(output)}");
        return output;
    }

    /// <summary>Emulators started by Harness.Testing in another test host (their work folders are runs/tests-&lt;pid&gt;), still running.</summary>
    private static List<string> EmulatorsOfOtherTestHosts()
    {
        var own = $"/runs/tests-{Environment.ProcessId}/";
        var left = new List<string>();
        foreach (var process in Directory.GetDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsDigit)))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                if ((command.Contains("qemu-system-arm", StringComparison.Ordinal) || command.Contains("renode", StringComparison.OrdinalIgnoreCase))
                    && command.Contains("/runs/tests-", StringComparison.Ordinal) && !command.Contains(own, StringComparison.Ordinal))
                {
                    left.Add($"{Path.GetFileName(process)}: {command}");
                }
            }
            catch (IOException)
            {
                // The process ended while it was looked at.
            }
        }
        return left;
    }

    private static string Indented(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(line => $"    | {line.TrimEnd()}"));

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
