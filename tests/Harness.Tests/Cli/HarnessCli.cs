using CliWrap;
using CliWrap.Buffered;

namespace Harness.Tests.Cli;

/// <summary>The harness command itself, run as a user runs it: a separate process, its exit code, what it printed.</summary>
public static class HarnessCli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "harness.dll");

    public static async Task<BufferedCommandResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit ?? TimeSpan.FromMinutes(10));
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Dll, .. arguments])
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        TestContext.Out.WriteLine($"harness {string.Join(' ', arguments)} → exit {result.ExitCode}");
        TestContext.Out.WriteLine(result.StandardOutput);
        TestContext.Out.WriteLine(result.StandardError);
        return result;
    }
}
