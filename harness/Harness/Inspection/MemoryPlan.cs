using Harness.Models;

namespace Harness.Inspection;

/// <summary>When a tensor of the arena is alive: from the operator that writes it to the last that reads it (execution order).</summary>
public sealed record TensorLifetime(int Tensor, int First, int Last, long Bytes)
{
    public bool Overlaps(TensorLifetime other) => First <= other.Last && other.First <= Last;
}

public sealed record PlannedTensor(TensorLifetime Lifetime, long Offset)
{
    public long End => Offset + Lifetime.Bytes;
}

/// <summary>
/// How TFLM lays out the activations in its arena, predicted from the graph alone: the lifetimes
/// TFLM's AllocationInfoBuilder marks (graph inputs from the first operator, graph outputs to the last,
/// constants in flash, variables persistent) and the first-fit, largest-first placement of its
/// GreedyMemoryPlanner, each buffer aligned to TFLM's 16 bytes.
/// </summary>
/// <param name="PlannedBytes">The size of the planned (non-persistent) part of the arena.</param>
/// <param name="LiveBytes">Bytes alive while each operator runs: the lower bound any planner must meet.</param>
public sealed record MemoryPlan(IReadOnlyList<PlannedTensor> Tensors, long PlannedBytes, IReadOnlyList<long> LiveBytes)
{
    public const int Alignment = 16;

    /// <summary>The operator where the most activation bytes are alive at once.</summary>
    public int PeakOperator => LiveBytes.Count == 0 ? -1 : LiveBytes.Select((bytes, index) => (bytes, index)).MaxBy(p => p.bytes).index;

    public long PeakLiveBytes => LiveBytes.Count == 0 ? 0 : LiveBytes.Max();

    public static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    public static IReadOnlyList<TensorLifetime> Lifetimes(ModelGraph graph)
    {
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        bool Planned(int index) => graph.Tensor(index) is { IsConstant: false, IsVariable: false };
        foreach (var input in graph.Inputs.Where(Planned))
        {
            first.TryAdd(input, 0);
            last[input] = 0;
        }
        foreach (var op in graph.Operators)
        {
            foreach (var input in op.Inputs.Where(Planned))
            {
                first.TryAdd(input, op.Index);
                last[input] = op.Index;
            }
            foreach (var output in op.Outputs.Where(Planned))
            {
                first.TryAdd(output, op.Index);
                last[output] = Math.Max(last.GetValueOrDefault(output, op.Index), op.Index);
            }
        }
        var end = Math.Max(graph.Operators.Count - 1, 0);
        foreach (var output in graph.Outputs.Where(Planned))
        {
            first.TryAdd(output, 0);
            last[output] = end;
        }
        return first.Keys.Order().Select(t => new TensorLifetime(t, first[t], last[t], Align(graph.Tensors[t].Bytes))).ToList();
    }

    public static MemoryPlan Plan(ModelGraph graph)
    {
        var lifetimes = Lifetimes(graph);
        var placed = new List<PlannedTensor>();
        foreach (var tensor in lifetimes.OrderByDescending(l => l.Bytes).ThenBy(l => l.Tensor))
        {
            long offset = 0;
            foreach (var other in placed.Where(p => p.Lifetime.Overlaps(tensor)).OrderBy(p => p.Offset))
            {
                if (offset + tensor.Bytes <= other.Offset)
                {
                    break;
                }
                offset = Math.Max(offset, other.End);
            }
            placed.Add(new PlannedTensor(tensor, offset));
        }
        var live = graph.Operators.Select(op => lifetimes.Where(l => l.First <= op.Index && op.Index <= l.Last).Sum(l => l.Bytes)).ToList();
        return new MemoryPlan(placed.OrderBy(p => p.Lifetime.Tensor).ToList(), placed.Count == 0 ? 0 : placed.Max(p => p.End), live);
    }
}
