using System.Buffers.Binary;
using Harness.Models;

namespace Harness.Tests.Models;

/// <summary>Reals into tensor bytes and back, with a tensor's scale and zero point: real = scale × (q − zero_point).</summary>
public class QuantizationTests
{
    private static TensorInfo Tensor(TensorType type, int count, float scale = 0, long zeroPoint = 0) =>
        new(0, "t", type, [1, count], scale == 0 ? null : new Quantization(scale, zeroPoint));

    [Test]
    public void Int8ValuesAreQuantizedWithScaleAndZeroPointAndClampedToTheirRange()
    {
        var tensor = Tensor(TensorType.Int8, 5, scale: 0.5f, zeroPoint: -10);
        var bytes = TensorData.Encode(tensor, new InlineValues([0.0, 1.0, -2.0, 100.0, -100.0]));
        Assert.That(bytes.Select(b => (sbyte)b), Is.EqualTo(new sbyte[] { -10, -8, -14, 127, -128 }));
        Assert.That(TensorData.Decode(tensor, bytes).Take(3), Is.EqualTo(new[] { 0.0, 1.0, -2.0 }));
        Assert.That(TensorData.DecodeRaw(tensor, bytes), Is.EqualTo(new double[] { -10, -8, -14, 127, -128 }));
    }

    [Test]
    public void HalfwayValuesRoundAwayFromZeroAsTfliteDoes()
    {
        var tensor = Tensor(TensorType.Int8, 4, scale: 0.5f);
        var bytes = TensorData.Encode(tensor, new InlineValues([0.25, 1.25, -0.25, -1.25]));
        Assert.That(bytes.Select(b => (sbyte)b), Is.EqualTo(new sbyte[] { 1, 3, -1, -3 }), "0.5 → 1 and 2.5 → 3, not to the even neighbour");
    }

    [Test]
    public void UInt8AndInt16UseTheirOwnRangesAndByteOrder()
    {
        var u8 = TensorData.Encode(Tensor(TensorType.UInt8, 3, scale: 1f / 255, zeroPoint: 0), new InlineValues([0.0, 0.51, 2.0]));
        Assert.That(u8, Is.EqualTo(new byte[] { 0, 130, 255 }));
        var i16 = TensorData.Encode(Tensor(TensorType.Int16, 2, scale: 0.001f), new InlineValues([1.0, -40.0]));
        Assert.That((BinaryPrimitives.ReadInt16LittleEndian(i16), BinaryPrimitives.ReadInt16LittleEndian(i16.AsSpan(2))), Is.EqualTo(((short)1000, short.MinValue)));
    }

    [Test]
    public void FloatTensorsTakeTheRealsAsTheyAre()
    {
        var tensor = Tensor(TensorType.Float32, 2);
        var bytes = TensorData.Encode(tensor, new InlineValues([1.5708, -0.25]));
        Assert.That(TensorData.Decode(tensor, bytes), Is.EqualTo(new[] { 1.5708, -0.25 }).Within(1e-6));
    }

    [Test]
    public void TheWrongNumberOfValuesIsRefusedWithWhatTheTensorTakes()
    {
        var error = Assert.Throws<ModelException>(() => TensorData.Encode(Tensor(TensorType.Int8, 4, 0.1f), new InlineValues([1.0, 2.0])))!;
        Assert.That(error.Message, Does.Contain("takes 4 values (4 bytes), this gives 2 values"));
    }
}
