using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Linear;

internal sealed partial class GemmOperator
{
    /// <summary>A Gemm of one row (a window through a fully connected layer) with constant weights: <see cref="Gemv.RunKN"/>
    /// over B laid out [K, N] once, alpha folded in, as the generated class runs it. The packed SGEMM's 6-row tiles would
    /// compute five rows of zeros and pack A on every run: the rail-bearing classifier's 90 -> 32 layer took 0.43 µs that
    /// way in the plan executor.</summary>
    private sealed class GemvKernel : Kernel
    {
        private readonly GemmShape _g;
        private readonly float _beta;
        private readonly float[] _weights;
        private readonly FusedActivation _activation;
        // C as Gemv's bias when it is a row of N and beta is 1: the common Linear layer, added in the product loop.
        private readonly bool _cIsBias;

        public GemvKernel(GemmShape g, float alpha, float beta, ReadOnlySpan<float> b, FusedActivation activation)
        {
            _g = g;
            _beta = beta;
            _activation = activation;
            _weights = new float[g.K * g.N];
            for (int i = 0; i < g.K; i++)
                for (int j = 0; j < g.N; j++) _weights[i * g.N + j] = alpha * b[i * g.BRow + j * g.BCol];
            _cIsBias = g.HasC && beta == 1f && g.CCols == g.N;
        }

        public override void Run(in KernelArgs args)
        {
            var y = args.Output<float>(0);
            var x = args.Input<float>(0).Slice(0, _g.K);
            if (_cIsBias)
            {
                Gemv.RunKN(x, _weights, args.Input<float>(2), y);
            }
            else
            {
                Gemv.RunKN(x, _weights, default, y);
                if (_g.HasC && _beta != 0f)
                {
                    var c = args.Input<float>(2);
                    if (_g.CCols == 1) TensorPrimitives.Add(y, c[0] * _beta, y);
                    else TensorPrimitives.MultiplyAdd(c.Slice(0, _g.N), _beta, y, y);
                }
            }
            _activation.Apply(y);
        }
    }
}
