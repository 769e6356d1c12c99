using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The instruction sequences the int8 dot product can run on. Every path computes exactly the same
/// int32 sums (integer arithmetic with no saturation anywhere), so tests compare them with ==.</summary>
public enum Int8Path
{
    /// <summary>Plain C#: the reference.</summary>
    Scalar,
    /// <summary>Portable <see cref="Vector128"/>: sign-extend bytes to int16, multiply, widen and add in int32. On an ARM64
    /// without the dot product (ARMv8.0: Cortex-A53, A57, A72) the GEMM and the packed GEMV take smull/smull2 and sadalp
    /// instead (Int8Gemm.AdvSimdWidening.cs), four instructions for 16 products.</summary>
    Vector128,
    /// <summary>AVX2: vpmovsxbw then vpmaddwd (<see cref="Avx2.MultiplyAddAdjacent(Vector256{short}, Vector256{short})"/>), 32 bytes a step.</summary>
    Avx2,
    /// <summary>AVX-512BW: the same pair on 512-bit registers, 64 bytes a step.</summary>
    Avx512BW,
    /// <summary>AVX-VNNI: vpdpbusd (<see cref="AvxVnni.MultiplyWideningAndAdd(Vector256{int}, Vector256{byte}, Vector256{sbyte})"/>)
    /// multiplies u8 by s8 and adds four products into each int32 lane in one instruction.</summary>
    AvxVnni,
    /// <summary>ARM64 dot product (sdot, <see cref="Dp.DotProduct(Vector128{int}, Vector128{sbyte}, Vector128{sbyte})"/>):
    /// s8 by s8, four products into each int32 lane.</summary>
    AdvSimdDot,
}

/// <summary>Which <see cref="Int8Path"/>s this process can run, and the one the kernels use.</summary>
/// <remarks>The runtime switches (<c>DOTNET_EnableAVX2=0</c>, <c>DOTNET_EnableAVX512=0</c> (in .NET 10; <c>DOTNET_EnableAVX512F=0</c> no longer turns AVX-512BW off), <c>DOTNET_EnableAVXVNNI=0</c>,
/// <c>DOTNET_EnableHWIntrinsic=0</c>) turn the matching <c>IsSupported</c> off, so they also steer <see cref="Best"/>.
/// .NET 10 exposes no AVX-512 VNNI class (only AVX-VNNI, AVX-VNNI-INT8 and AVX10), so a machine with avx512_vnni but without
/// AVX-VNNI takes the AVX-512BW path.</remarks>
public static class Int8Paths
{
    /// <summary>The fastest supported path, chosen once.</summary>
    public static Int8Path Best { get; } = ChooseBest();

    public static bool IsSupported(Int8Path path) => path switch
    {
        Int8Path.Scalar => true,
        Int8Path.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        Int8Path.Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported,
        Int8Path.Avx512BW => System.Runtime.Intrinsics.X86.Avx512BW.IsSupported,
        Int8Path.AvxVnni => System.Runtime.Intrinsics.X86.AvxVnni.IsSupported,
        Int8Path.AdvSimdDot => Dp.IsSupported,
        _ => false,
    };

    /// <summary>Every supported path, reference first.</summary>
    public static IEnumerable<Int8Path> Supported()
    {
        foreach (var p in Enum.GetValues<Int8Path>())
            if (IsSupported(p)) yield return p;
    }

    // vpdpbusd does in one instruction what AVX-512BW needs three for (two sign extensions and a vpmaddwd) on half the
    // lanes, so a 256-bit VNNI is preferred over 512-bit widening.
    private static Int8Path ChooseBest()
    {
        if (IsSupported(Int8Path.AdvSimdDot)) return Int8Path.AdvSimdDot;
        if (IsSupported(Int8Path.AvxVnni)) return Int8Path.AvxVnni;
        if (IsSupported(Int8Path.Avx512BW)) return Int8Path.Avx512BW;
        if (IsSupported(Int8Path.Avx2)) return Int8Path.Avx2;
        if (IsSupported(Int8Path.Vector128)) return Int8Path.Vector128;
        return Int8Path.Scalar;
    }
}
