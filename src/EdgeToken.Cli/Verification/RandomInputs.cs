using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Cli.Verification;

/// <summary>Seeded inputs for comparing two backends: floats uniform in [-1, 1), integers in [0, 4)
/// (small enough to be valid indices for most models), booleans at random.</summary>
public static class RandomInputs
{
    public static ConstantTensor Create(TensorInfo info, Random rng)
    {
        int n = checked((int)info.ElementCount);
        return info.Type switch
        {
            ElementType.Float32 => ConstantTensor.FromArray(ElementType.Float32, info.Dims, Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()),
            ElementType.Float64 => ConstantTensor.FromArray(ElementType.Float64, info.Dims, Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray()),
            ElementType.Int64 => ConstantTensor.FromArray(ElementType.Int64, info.Dims, Enumerable.Range(0, n).Select(_ => (long)rng.Next(4)).ToArray()),
            ElementType.Int32 => ConstantTensor.FromArray(ElementType.Int32, info.Dims, Enumerable.Range(0, n).Select(_ => rng.Next(4)).ToArray()),
            ElementType.UInt8 or ElementType.Bool => ConstantTensor.FromArray(info.Type, info.Dims, Enumerable.Range(0, n).Select(_ => (byte)rng.Next(2)).ToArray()),
            ElementType.Int8 => ConstantTensor.FromArray(ElementType.Int8, info.Dims, Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-8, 8)).ToArray()),
            _ => throw new NotSupportedException($"no random inputs for {info.Type.OnnxName()}"),
        };
    }
}
