using Harness.Emulation;
using Harness.Scenarios;

namespace Harness.Runner;

/// <summary>
/// Runs a model scenario's inputs through the host-native runner (TFLM reference kernels on x86-64):
/// the expected outputs, without Python or TensorFlow.
/// </summary>
public static class HostGoldenRun
{
    public static async Task<IReadOnlyList<byte[]>> RunAsync(string runner, ModelPlan plan, IReadOnlyList<byte[]> inputs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await using var session = await HostRunnerSession.StartAsync(runner, limit.Token);
            for (var i = 0; i < inputs.Count; i++)
            {
                await session.SetInputAsync(i, inputs[i], limit.Token);
            }
            await session.InvokeAsync(limit.Token);
            var outputs = new List<byte[]>();
            for (var i = 0; i < plan.Model.Outputs.Count; i++)
            {
                outputs.Add(await session.GetOutputAsync(i, plan.Model.Outputs[i].Bytes, limit.Token));
            }
            return outputs;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmulatorException($"the host golden run did not finish within {timeout.TotalSeconds:0} s");
        }
    }
}
