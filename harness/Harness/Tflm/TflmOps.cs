using System.Text;
using System.Text.RegularExpressions;
using Harness.Models;

namespace Harness.Tflm;

/// <summary>
/// What operators this TFLM checkout can run, read from its own sources: builtin names from the
/// schema, and the MicroMutableOpResolver method that registers each (AddConv2D for CONV_2D).
/// An op the model uses and TFLM lacks is an error naming the op and the model.
/// </summary>
public sealed partial class TflmOps
{
    public const string SchemaPath = "tensorflow/compiler/mlir/lite/schema/schema.fbs";
    public const string ResolverPath = "tensorflow/lite/micro/micro_mutable_op_resolver.h";

    private readonly IReadOnlyDictionary<int, string> builtinNames;
    private readonly IReadOnlyDictionary<string, string> builtinMethods;
    private readonly IReadOnlyDictionary<string, string> customMethods;

    private TflmOps(IReadOnlyDictionary<int, string> names, IReadOnlyDictionary<string, string> builtins, IReadOnlyDictionary<string, string> customs)
    {
        builtinNames = names;
        builtinMethods = builtins;
        customMethods = customs;
    }

    public static TflmOps Load(TflmCheckout tflm)
    {
        var schema = Path.Combine(tflm.Root, SchemaPath);
        var resolver = Path.Combine(tflm.Root, ResolverPath);
        if (!File.Exists(schema) || !File.Exists(resolver))
        {
            throw new TflmException($"the TFLM checkout at {tflm.Root} lacks {SchemaPath} or {ResolverPath}; is it a complete tflite-micro checkout?");
        }
        return Parse(File.ReadAllText(schema), File.ReadAllText(resolver)) ?? throw new TflmException($"could not read the operator list from {schema} and {resolver}");
    }

    /// <summary>The operator list from the text of TFLM's schema.fbs and micro_mutable_op_resolver.h; null when either has none.</summary>
    public static TflmOps? Parse(string schemaText, string resolverText)
    {
        var enumText = EnumBody().Match(schemaText).Groups["body"].Value;
        var names = EnumEntry().Matches(enumText).ToDictionary(m => int.Parse(m.Groups["value"].Value), m => m.Groups["name"].Value);
        var builtins = new Dictionary<string, string>();
        var customs = new Dictionary<string, string>();
        foreach (Match method in AddMethod().Matches(resolverText))
        {
            if (method.Groups["builtin"].Success)
            {
                builtins.TryAdd(method.Groups["builtin"].Value, method.Groups["method"].Value);
            }
            else
            {
                customs.TryAdd(method.Groups["custom"].Value, method.Groups["method"].Value);
            }
        }
        if (names.Count == 0 || builtins.Count == 0)
        {
            return null;
        }
        return new TflmOps(names, builtins, customs);
    }

    /// <summary>Whether TFLM's MicroMutableOpResolver can register the operator.</summary>
    public bool Supports(OperatorCode code) => code.IsCustom
        ? code.Custom is { } custom && customMethods.ContainsKey(custom)
        : builtinNames.GetValueOrDefault(code.Builtin) is { } name && builtinMethods.ContainsKey(name);

    public string NameOf(OperatorCode code) => code.IsCustom ? $"custom '{code.Custom}'" : builtinNames.GetValueOrDefault(code.Builtin, $"builtin #{code.Builtin}");

    /// <summary>One "resolver.AddXxx();" per operator the model uses; every op TFLM cannot run is listed in one error.</summary>
    public IReadOnlyList<string> ResolverCalls(TfliteModel model)
    {
        var calls = new List<string>();
        var problems = new List<string>();
        foreach (var code in model.UsedOperators)
        {
            if (code.IsCustom)
            {
                if (code.Custom is { } custom && customMethods.TryGetValue(custom, out var customMethod))
                {
                    calls.Add(customMethod);
                }
                else if (AcceleratorOps.Explain(code) is { } accelerator)
                {
                    problems.Add(accelerator);
                }
                else
                {
                    problems.Add($"custom op '{code.Custom}' is not registered by TFLM's MicroMutableOpResolver");
                }
                continue;
            }
            var name = builtinNames.GetValueOrDefault(code.Builtin);
            if (name is not null && builtinMethods.TryGetValue(name, out var method))
            {
                calls.Add(method);
            }
            else
            {
                problems.Add($"operator {name ?? $"#{code.Builtin}"} is not supported by TFLM at this commit (no MicroMutableOpResolver::Add method for it)");
            }
        }
        if (problems.Count > 0)
        {
            throw new ModelException(model.Path, $"cannot run on TFLM:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        }
        // The calls of one operator are the same however many table entries name it: register it once.
        return calls.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The C++ the runner includes: a resolver sized for exactly the model's operators.</summary>
    public string ResolverSource(TfliteModel model)
    {
        // Sorted, and no model name: two models with the same operators give the same header, so they share a build of the
        // runner and only the model's object is redone.
        var calls = ResolverCalls(model).Order(StringComparer.Ordinal).ToList();
        var source = new StringBuilder();
        source.AppendLine("// Generated by the harness from the model's operator list. Do not edit.");
        source.AppendLine($"// Operators: {string.Join(", ", model.UsedOperators.Select(NameOf).Distinct().Order(StringComparer.Ordinal))}");
        source.AppendLine("#pragma once");
        source.AppendLine("#include \"tensorflow/lite/micro/micro_mutable_op_resolver.h\"");
        source.AppendLine($"using ModelOpResolver = tflite::MicroMutableOpResolver<{Math.Max(1, calls.Count)}>;");
        source.AppendLine("static inline TfLiteStatus RegisterModelOps(ModelOpResolver& resolver)");
        source.AppendLine("{");
        foreach (var call in calls)
        {
            source.AppendLine($"    if (resolver.{call}() != kTfLiteOk) return kTfLiteError;");
        }
        source.AppendLine("    return kTfLiteOk;");
        source.AppendLine("}");
        return source.ToString();
    }

    [GeneratedRegex(@"enum\s+BuiltinOperator\s*:\s*int32\s*\{(?<body>[^}]*)\}")]
    private static partial Regex EnumBody();

    [GeneratedRegex(@"^\s*(?<name>[A-Z0-9_]+)\s*=\s*(?<value>-?\d+)", RegexOptions.Multiline)]
    private static partial Regex EnumEntry();

    [GeneratedRegex(@"TfLiteStatus\s+(?<method>Add\w+)\s*\((?:(?!TfLiteStatus\s+Add)[\s\S])*?(?:AddBuiltin\(\s*BuiltinOperator_(?<builtin>\w+)|AddCustom\(\s*""(?<custom>[^""]+)"")")]
    private static partial Regex AddMethod();
}
