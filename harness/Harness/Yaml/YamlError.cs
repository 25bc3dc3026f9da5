namespace Harness.Yaml;

/// <summary>One problem in an input file, at a position a user can jump to.</summary>
public sealed record YamlError(string File, long Line, long Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>An input file that cannot be used; lists every problem found, each with its position.</summary>
public sealed class YamlInputException(IReadOnlyList<YamlError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<YamlError> Errors { get; } = errors;
}
