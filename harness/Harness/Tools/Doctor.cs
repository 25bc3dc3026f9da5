using CliWrap;
using CliWrap.Buffered;

namespace Harness.Tools;

public sealed record ToolStatus(ExternalTool Tool, string? Path, string? Version, string Detail)
{
    public bool Found => Path is not null;
}

/// <summary>Checks every external program the harness needs and reports its version or how to get it.</summary>
public static class Doctor
{
    public static async Task<IReadOnlyList<ToolStatus>> CheckAsync(CancellationToken cancellationToken)
    {
        var results = new List<ToolStatus>();
        foreach (var tool in ExternalTool.All)
        {
            results.Add(await CheckAsync(tool, cancellationToken));
        }
        return results;
    }

    public static async Task<ToolStatus> CheckAsync(ExternalTool tool, CancellationToken cancellationToken)
    {
        var path = ToolLocator.TryFind(tool, out var detail);
        if (path is null)
        {
            return new ToolStatus(tool, null, null, detail);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var result = await Cli.Wrap(path).WithArguments(tool.VersionArgument)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            var firstLine = (result.StandardOutput + result.StandardError)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault() ?? "(no version printed)";
            return new ToolStatus(tool, path, firstLine, detail);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ToolStatus(tool, path, null, $"found but '{tool.VersionArgument}' failed: {e.Message}");
        }
    }
}
