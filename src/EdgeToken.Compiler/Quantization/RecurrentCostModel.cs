namespace EdgeToken.Compiler.Quantization;

/// <summary>Whether a GRU runs faster as <c>EdgeToken.QGru</c> (int8 W and R) than as the float cell: the decision the
/// quantizer makes when <see cref="QuantizeOptions.Recurrent"/> is left unset.</summary>
/// <remarks>
/// <para>A recurrent step is a chain (R·h → gates → h'), and the int8 cell puts one more link on it: h quantized before
/// its product. It pays once the products outweigh that link, which the hidden size decides (3·hidden² multiply-adds
/// per step). Measured with <c>edgetoken bench MODEL --int8 --quantize-recurrent --seconds 4</c>, 32 steps, one thread,
/// Zen 4 AVX-512BW without VNNI (2026-11-24), p50 of the generated classes, float → int8: hidden 32 (input 6)
/// 4.6 → 6.4 µs (0.72x), hidden 48 (input 16) 11.2 → 11.9 µs (0.94x), hidden 64 (input 16) 19.1 → 17.2 µs (1.11x),
/// hidden 128 (input 32) 77.1 → 50.9 µs (1.51x). The crossover lies between 48 and 64.</para>
/// <para>The fused time loops need hidden a multiple of 8 (AVX2, ARM64 sdot) or 16 (AVX-512BW; a multiple of 8 takes the
/// AVX2 loop there); any other hidden size runs the generic loop, a product call per gate and step, which is slower,
/// so it stays float. ARM64's sdot multiplies four int8 pairs per lane where the float cell's fmla multiplies one, so
/// the threshold is conservative there (not timed on ARM64 hardware).</para>
/// </remarks>
public static class RecurrentCostModel
{
    /// <summary>The smallest hidden size the int8 cell is taken for.</summary>
    public const int MinHidden = 64;

    /// <summary>True when a GRU of <paramref name="hidden"/> units is expected to run faster in int8.</summary>
    public static bool Int8Pays(int hidden) => hidden >= MinHidden && hidden % 8 == 0;

    /// <summary>Why a GRU of <paramref name="hidden"/> units stays float when left to the cost model.</summary>
    public static string FloatReason(int hidden) => hidden < MinHidden
        ? $"hidden {hidden} < {MinHidden}: the int8 cell is slower at this size on x64 without VNNI"
        : $"hidden {hidden} is not a multiple of 8: no fused int8 time loop";
}
