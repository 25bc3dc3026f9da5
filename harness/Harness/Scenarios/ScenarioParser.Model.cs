using System.Text.RegularExpressions;
using Harness.Boards;
using Harness.Emulation;
using Harness.Firmware;
using Harness.Models;
using Harness.Tflm;
using Harness.Yaml;
using YamlDotNet.RepresentationModel;

namespace Harness.Scenarios;

/// <summary>The model scenario's keys: model, kernels, arena, inputs, outputs.</summary>
public sealed partial class ScenarioParser
{
    /// <summary>model:, kernels:, arena:, inputs:, outputs: — the model is read now, so a bad file or input stops the run before any build.</summary>
    /// <returns>The plan (null when the model could not be read, which is reported), and whether 'model:' was given at all.</returns>
    private static (ModelPlan? Plan, bool Given) ParseModel(YamlReader yaml, YamlMappingNode? root, string directory)
    {
        var modelNode = yaml.Optional(root, "model");
        if (modelNode is null)
        {
            foreach (var key in new[] { "kernels", "arena", "inputs", "outputs" })
            {
                if (yaml.Optional(root, key) is { } stray)
                {
                    yaml.Error(stray, $"'{key}' belongs to a model scenario: add 'model: path/to/model.tflite'");
                }
            }
            return (null, false);
        }
        if (yaml.Optional(root, "firmware") is { } firmwareNode)
        {
            yaml.Error(firmwareNode, "a model scenario builds the TFLM runner around the model: give 'model' or 'firmware', not both");
        }
        var path = yaml.String(modelNode, "a path to a .tflite file");
        if (path is null)
        {
            return (null, true);
        }
        path = Path.GetFullPath(Path.Combine(directory, path));
        TfliteModel model;
        try
        {
            model = TfliteModel.Read(path);
        }
        catch (ModelException e)
        {
            yaml.Error(modelNode, e.Message);
            return (null, true);
        }
        var kernels = ParseKernels(yaml, yaml.Optional(root, "kernels"));
        var arenaNode = yaml.Optional(root, "arena");
        long? arena = yaml.String(arenaNode, "an arena size or auto") is null or "auto" ? null : yaml.Bytes(arenaNode, "arena");

        var inputs = new List<TensorSource>();
        var encoded = new List<byte[]?>();
        var inputNodes = yaml.List(yaml.Optional(root, "inputs"), "inputs, one per input tensor");
        if (inputNodes.Count != model.Inputs.Count)
        {
            yaml.Error((YamlNode?)yaml.Optional(root, "inputs") ?? root!, $"the model has {model.Inputs.Count} input tensor(s) ({string.Join("; ", model.Inputs)}); give one entry each under 'inputs'");
        }
        foreach (var (node, tensor) in inputNodes.Zip(model.Inputs))
        {
            if (ParseInput(yaml, node, directory) is not { } source)
            {
                continue;
            }
            try
            {
                if (source is AudioFeatures features)
                {
                    features.Layout(tensor);
                    encoded.Add(null);
                }
                else
                {
                    encoded.Add(TensorData.Encode(tensor, source));
                }
                inputs.Add(source);
            }
            catch (Exception e) when (e is ModelException or IOException)
            {
                yaml.Error(node, e.Message);
            }
        }
        var outputs = new List<OutputExpectation>();
        var outputNodes = yaml.List(yaml.Optional(root, "outputs"), "expectations, one per output tensor");
        if (outputNodes.Count > model.Outputs.Count)
        {
            yaml.Error(yaml.Optional(root, "outputs")!, $"the model has {model.Outputs.Count} output tensor(s); {outputNodes.Count} expectations given");
        }
        foreach (var (node, index) in outputNodes.Select((n, i) => (n, i)).Take(model.Outputs.Count))
        {
            var map = yaml.Mapping(node, "an output expectation: { values: [...], tolerance: 0.05 } or { raw: [...] } or { top1: N }");
            yaml.RejectUnknownKeys(map, "values", "tolerance", "relative_tolerance", "raw", "top1", "labels");
            var values = yaml.Optional(map, "values") is { } v ? yaml.List(v, "values").Select(x => yaml.Real(x, "a value") ?? 0).ToList() : null;
            var raw = yaml.Optional(map, "raw") is { } r ? yaml.List(r, "raw values").Select(x => yaml.Integer(x, "a stored value") ?? 0).ToList() : null;
            var tolerance = yaml.Real(yaml.Optional(map, "tolerance"), "an absolute tolerance") ?? 0;
            var relative = yaml.Real(yaml.Optional(map, "relative_tolerance"), "a relative tolerance (0.01 = 1 %)") ?? 0;
            foreach (var (value, key) in new[] { (tolerance, "tolerance"), (relative, "relative_tolerance") })
            {
                if (value < 0)
                {
                    yaml.Error(yaml.Optional(map, key)!, $"{key} cannot be negative");
                }
            }
            var tensor = model.Outputs[index];
            var labelsNode = yaml.Optional(map, "labels");
            var labels = labelsNode is null ? null : yaml.List(labelsNode, "class names, one per output value").Select(x => yaml.String(x, "a class name") ?? "").ToList();
            if (labels is not null && labels.Count != tensor.ElementCount)
            {
                yaml.Error(labelsNode!, $"output {index} {tensor} has {tensor.ElementCount} classes; {labels.Count} labels given");
            }
            int? top1 = null;
            if (yaml.Optional(map, "top1") is YamlScalarNode topNode)
            {
                var named = labels?.IndexOf(topNode.Value ?? "") ?? -1;
                if (named >= 0)
                {
                    top1 = named;
                }
                else if (long.TryParse(topNode.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    top1 = (int)number;
                }
                else
                {
                    yaml.Error(topNode, labels is null
                        ? $"top1 '{topNode.Value}' is not a class index; give an index, or name the classes under 'labels'"
                        : $"top1 '{topNode.Value}' is none of the labels ({string.Join(", ", labels)})");
                }
            }
            else if (yaml.Optional(map, "top1") is { } badTop)
            {
                yaml.Error(badTop, "top1 takes a class index or a label");
            }
            foreach (var (list, key) in new[] { (values?.Count, "values"), (raw?.Count, "raw") })
            {
                if (list is { } count && count != tensor.ElementCount)
                {
                    yaml.Error(yaml.Optional(map, key)!, $"output {index} {tensor} has {tensor.ElementCount} values; {count} given");
                }
            }
            if (top1 is { } top && (top < 0 || top >= tensor.ElementCount))
            {
                yaml.Error(yaml.Optional(map, "top1")!, $"output {index} {tensor} has classes 0..{tensor.ElementCount - 1}");
            }
            outputs.Add(new OutputExpectation(index, values, tolerance, raw, top1, labels, relative));
        }
        return (new ModelPlan(model, kernels[0], arena, inputs, encoded, outputs) { KernelMatrix = kernels }, true);
    }

    /// <summary>kernels: reference | cmsis-nn, or a list of them: a matrix, one scenario per kernel set.</summary>
    private static IReadOnlyList<KernelSet> ParseKernels(YamlReader yaml, YamlNode? node)
    {
        var nodes = node is YamlSequenceNode ? yaml.List(node, "kernel sets") : node is null ? [] : [node];
        var kernels = new List<KernelSet>();
        foreach (var item in nodes)
        {
            switch (yaml.String(item, "a kernel set"))
            {
                case "reference":
                    kernels.Add(KernelSet.Reference);
                    break;
                case "cmsis-nn" or "cmsis_nn":
                    kernels.Add(KernelSet.CmsisNn);
                    break;
                case { } other:
                    yaml.Error(item, $"unknown kernel set '{other}'; expected reference or cmsis-nn");
                    break;
            }
        }
        if (kernels.Distinct().Count() != kernels.Count)
        {
            yaml.Error(node!, "a kernel set is listed twice");
        }
        return kernels.Count > 0 ? kernels.Distinct().ToList() : [KernelSet.Reference];
    }

    private static TensorSource? ParseInput(YamlReader yaml, YamlNode node, string directory)
    {
        var map = yaml.Mapping(node, "an input: { values: [...] }, { npy: file }, { raw: file }, { bmp: file }, { wav: file } or { features: {...} }");
        yaml.RejectUnknownKeys(map, "values", "npy", "raw", "bmp", "wav", "features");
        if (map is null || map.Children.Count != 1)
        {
            if (map is not null)
            {
                yaml.Error(map, "an input takes exactly one of values, npy, raw, bmp, wav or features");
            }
            return null;
        }
        var (key, value) = map.Children.First();
        var kind = ((YamlScalarNode)key).Value;
        if (kind == "values")
        {
            return new InlineValues(yaml.List(value, "values").Select(x => yaml.Real(x, "a value") ?? 0).ToList());
        }
        if (kind == "features")
        {
            return ParseFeatures(yaml, value, directory);
        }
        return ExistingFile(yaml, value, directory, "input file") is not { } full
            ? null
            : kind switch { "npy" => new NpyFile(full), "raw" => new RawFile(full), "wav" => new WavFile(full), _ => new BmpFile(full) };
    }

    /// <summary>features: { model: preprocessor.tflite, audio: clip.wav, stride_ms: 20 }</summary>
    private static AudioFeatures? ParseFeatures(YamlReader yaml, YamlNode node, string directory)
    {
        var map = yaml.Mapping(node, "features: { model: preprocessor.tflite, audio: clip.wav, stride_ms: 20, on: host }");
        yaml.RejectUnknownKeys(map, "model", "audio", "stride_ms", "on");
        var onNode = yaml.Optional(map, "on");
        var where = yaml.String(onNode, "where the preprocessor runs: host or board");
        if (where is not (null or "host" or "board"))
        {
            yaml.Error(onNode!, $"unknown 'on: {where}'; the preprocessor runs on the host (default) or on the board");
        }
        var onBoard = where == "board";
        var modelNode = yaml.Required(map, "model", "the preprocessor model (.tflite) that turns a window of audio into a row of features");
        var audioNode = yaml.Required(map, "audio", "a mono 16-bit PCM .wav file");
        var strideNode = yaml.Optional(map, "stride_ms");
        var stride = yaml.Integer(strideNode, "the stride between windows in milliseconds") ?? DefaultFeatureStrideMs;
        if (stride <= 0)
        {
            yaml.Error(strideNode!, "stride_ms must be a positive number of milliseconds");
        }
        var modelPath = modelNode is null ? null : ExistingFile(yaml, modelNode, directory, "preprocessor model");
        var audioPath = audioNode is null ? null : ExistingFile(yaml, audioNode, directory, "audio file");
        if (modelPath is null || audioPath is null)
        {
            return null;
        }
        try
        {
            return new AudioFeatures(TfliteModel.Read(modelPath), audioPath, (int)stride, onBoard);
        }
        catch (ModelException e)
        {
            yaml.Error(modelNode!, e.Message);
            return null;
        }
    }

    /// <summary>The stride of TFLM's micro_speech features (30 ms windows every 20 ms).</summary>
    public const int DefaultFeatureStrideMs = 20;

    private static string? ExistingFile(YamlReader yaml, YamlNode node, string directory, string what)
    {
        var file = yaml.String(node, "a file path");
        if (file is null)
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine(directory, file));
        if (!File.Exists(full))
        {
            yaml.Error(node, $"{what} not found: {full}");
            return null;
        }
        return full;
    }
}
