using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>A convolution's weights packed per group into <see cref="Sgemm"/>'s A panels (depth = channels per group
/// times kernel volume): once at construction when W is a constant, else into the first
/// <see cref="ScratchFloats"/> floats of scratch on every run. Shared by the GEMM-based convolution kernels.</summary>
internal readonly struct PackedConvWeights
{
    private readonly ConvGeometry _g;
    private readonly int _depth;
    private readonly float[]? _packed;

    /// <summary>Floats of scratch the packing takes at run time: 0 when W was a constant.</summary>
    public int ScratchFloats { get; }

    public PackedConvWeights(ConvGeometry g, int depth, ConstantTensor? w)
    {
        _g = g;
        _depth = depth;
        int packedSize = Sgemm.PackedASize(g.OutChannelsPerGroup, depth);
        if (w is not null)
        {
            _packed = new float[packedSize * g.Groups];
            Pack(w.AsSpan<float>(), _packed);
        }
        else ScratchFloats = packedSize * g.Groups;
    }

    /// <summary>Weights packed by the caller (an N:M-pruned convolution packs its kept entries only).</summary>
    public PackedConvWeights(float[] packed)
    {
        _g = null!;
        _packed = packed;
    }

    /// <summary>The packed weights: the constant ones, or input 1 packed into the start of scratch.</summary>
    public ReadOnlySpan<float> Get(in KernelArgs args)
    {
        if (_packed is not null) return _packed;
        var s = args.ScratchAs<float>(0, ScratchFloats);
        Pack(args.Input<float>(1), s);
        return s;
    }

    private void Pack(ReadOnlySpan<float> w, Span<float> packed)
    {
        int ocg = _g.OutChannelsPerGroup, size = Sgemm.PackedASize(ocg, _depth);
        for (int grp = 0; grp < _g.Groups; grp++)
            Sgemm.PackA(w.Slice(grp * ocg * _depth, ocg * _depth), ocg, _depth, _depth, 1, 1f, packed.Slice(grp * size, size));
    }
}
