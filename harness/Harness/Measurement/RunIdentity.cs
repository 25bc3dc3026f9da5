using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Measurement;

/// <summary>
/// What makes a board run what it is: the ELF, the model and the inputs (hashes), the emulator and its
/// version, the TFLM commit and kernels; and a short fingerprint over those and what came out (outputs,
/// instruction count), so two identical runs can be told at a glance and a baseline shows what changed.
/// </summary>
public sealed record RunIdentity(
    string Board,
    string Emulator,
    string EmulatorVersion,
    string ElfSha256,
    string? ModelSha256,
    string InputsSha256,
    string? TflmCommit,
    string? Kernels,
    string Fingerprint)
{
    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public static string Sha256(IEnumerable<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <param name="results">What came out, in a stable text form (output values, the workload's answer).</param>
    public static RunIdentity Of(string board, string emulator, string version, string elfSha256, string? modelSha256, string inputsSha256,
        string? tflmCommit, string? kernels, long? instructions, string results)
    {
        var text = string.Join('\n', board, emulator, version, elfSha256, modelSha256 ?? "", inputsSha256, tflmCommit ?? "", kernels ?? "",
            instructions?.ToString(CultureInfo.InvariantCulture) ?? "", results);
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10].ToLowerInvariant();
        return new RunIdentity(board, emulator, version, elfSha256, modelSha256, inputsSha256, tflmCommit, kernels, fingerprint);
    }
}
