using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>One direction's weights of an int8 GRU (<see cref="Int8GruCell"/>), as <c>EdgeToken.QGru</c> holds them:
/// W [3·hidden, input] and R [3·hidden, hidden] (gates z, r, h, as in ONNX) quantized symmetrically with one scale per
/// row (per gate unit), each stored in <see cref="Int8Gemv"/>'s packed layout with every gate's rows padded to
/// <see cref="Int8GruCell.PaddedHidden"/> and the depth to a multiple of four, zeros in the padding
/// (<see cref="Int8GruCell.Pack"/>); the folded float bias, and for linear_before_reset the candidate's Rbh apart.</summary>
public readonly ref struct Int8GruWeights
{
    /// <param name="w">W packed: <see cref="Int8GruCell.PackedBytes"/>(hidden, input) bytes.</param>
    /// <param name="wScales">W's scales, [3·hidden].</param>
    /// <param name="r">R packed: <see cref="Int8GruCell.PackedBytes"/>(hidden, hidden) bytes.</param>
    /// <param name="rScales">R's scales, [3·hidden].</param>
    /// <param name="bias">[3·hidden]: Wb + Rb for z and r; for the candidate Wbh + Rbh (default form) or Wbh alone (linear_before_reset).</param>
    /// <param name="rbh">Rbh [hidden] for linear_before_reset; empty for the default form.</param>
    public Int8GruWeights(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> r, ReadOnlySpan<float> rScales,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> rbh, int input, int hidden)
        : this(w, wScales, r, rScales, bias, rbh, input, hidden, default)
    {
    }

    /// <param name="rowSums">From <see cref="Int8GruCell.U8RowSums(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, int, int)"/>
    /// for these W and R, made once at build: Σw of every packed row, W's then R's, for the u8 products; empty when the
    /// weights do not fit them or were not looked at (then the AVX-512BW loop looks at every sequence).</param>
    public Int8GruWeights(ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> r, ReadOnlySpan<float> rScales,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> rbh, int input, int hidden, ReadOnlySpan<int> rowSums)
    {
        if (input <= 0 || hidden <= 0) throw new ArgumentOutOfRangeException(nameof(hidden), $"an int8 GRU needs input and hidden sizes above 0, got {input} and {hidden}");
        if (w.Length < Int8GruCell.PackedBytes(hidden, input) || r.Length < Int8GruCell.PackedBytes(hidden, hidden)
            || wScales.Length < 3 * hidden || rScales.Length < 3 * hidden || bias.Length < 3 * hidden || !rbh.IsEmpty && rbh.Length < hidden)
            throw new ArgumentException($"int8 GRU weights for input {input} and hidden {hidden}: W, R, their scales, the bias or Rbh too short");
        if (!rowSums.IsEmpty && rowSums.Length != 2 * 3 * Int8GruCell.PaddedHidden(hidden))
            throw new ArgumentException($"{rowSums.Length} row sums for an int8 GRU of hidden {hidden}: expected {2 * 3 * Int8GruCell.PaddedHidden(hidden)}");
        RowSums = rowSums;
        W = w;
        WScales = wScales;
        R = r;
        RScales = rScales;
        Bias = bias;
        Rbh = rbh;
        Input = input;
        Hidden = hidden;
    }

    public ReadOnlySpan<sbyte> W { get; }
    public ReadOnlySpan<float> WScales { get; }
    public ReadOnlySpan<sbyte> R { get; }
    public ReadOnlySpan<float> RScales { get; }
    public ReadOnlySpan<float> Bias { get; }
    public ReadOnlySpan<float> Rbh { get; }
    public int Input { get; }
    public int Hidden { get; }
    public bool LinearBeforeReset => !Rbh.IsEmpty;
    /// <summary>Σw of every packed row, W's then R's (see the constructor), or empty.</summary>
    public ReadOnlySpan<int> RowSums { get; }
}
