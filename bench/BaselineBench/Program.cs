// What the regression gate adds to a run: reading N baseline files and comparing N board runs with
// them, timed in process over real results (a results folder of 'harness run' and its baselines).
// Usage: BaselineBench <results-folder> <baselines-folder> [board runs] [repetitions]
using System.Diagnostics;
using System.Globalization;
using Harness.Baselines;
using Harness.Reports;
using Harness.Scenarios;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: BaselineBench <results-folder> <baselines-folder> [board runs (100)] [repetitions (20)]");
    return 2;
}
var wanted = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var repetitions = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 30;
const int WarmUp = 10;
var runs = ResultReader.Merge([args[0]]).SelectMany(r => r.Boards.Select(b => (r.Scenario.Name, Board: b))).ToList();
if (runs.Count == 0)
{
    Console.Error.WriteLine($"no board runs in {args[0]}");
    return 2;
}
// The suite's board runs, repeated until there are as many as asked for (each compared with its own file).
var work = Enumerable.Range(0, wanted).Select(i => runs[i % runs.Count]).ToList();
var (total, reading, comparing) = (new List<double>(), new List<double>(), new List<double>());
var deltas = 0;
var first = 0.0;
for (var r = 0; r < WarmUp + repetitions; r++)
{
    var clock = Stopwatch.StartNew();
    var (read, compare) = (0.0, 0.0);
    deltas = 0;
    foreach (var (scenario, board) in work)
    {
        var start = clock.Elapsed.TotalMilliseconds;
        var path = BaselineFile.PathFor(args[1], scenario, board.Board, board.Emulator);
        var baseline = File.Exists(path) ? BaselineFile.Read(path) : null;
        var between = clock.Elapsed.TotalMilliseconds;
        deltas += BaselineComparison.Compare(baseline, board, RegressThresholds.Default, path).Report.Deltas.Count;
        (read, compare) = (read + between - start, compare + clock.Elapsed.TotalMilliseconds - between);
    }
    if (r == 0)
    {
        first = clock.Elapsed.TotalMilliseconds;
    }
    if (r >= WarmUp)
    {
        total.Add(clock.Elapsed.TotalMilliseconds);
        reading.Add(read);
        comparing.Add(compare);
    }
}
static string Median(List<double> values) => values.Order().ElementAt(values.Count / 2).ToString("0.0", CultureInfo.InvariantCulture);
Console.WriteLine($"compared {wanted} board runs ({runs.Count} distinct, {deltas} figures) with their baselines; {repetitions} repetitions after {WarmUp} of warm-up:");
Console.WriteLine($"  first pass, cold (JIT included, as at the start of a run): {first:0.0} ms");
Console.WriteLine($"  total    median {Median(total)} ms (min {total.Min():0.0}, max {total.Max():0.0})");
Console.WriteLine($"  reading  median {Median(reading)} ms  (the baseline files: YAML)");
Console.WriteLine($"  comparing median {Median(comparing)} ms");
return 0;
