namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>A plain reading of the ONNX RNN/GRU/LSTM equations, one batch entry and one gate unit at a
/// time, in double, on layout-0 tensors. Independent of the kernels' loop order and helpers.</summary>
internal sealed class RecurrentReference
{
    public required string Op;
    public required int Sequence, Batch, Input, Hidden, Directions;
    public bool ReverseOnly;
    public float? Clip;
    /// <summary>Per direction, the activations with their resolved alpha and beta.</summary>
    public required (string Name, float Alpha, float Beta)[] Activations;
    public bool InputForget, LinearBeforeReset;

    public int Gates => Op switch { "RNN" => 1, "GRU" => 3, _ => 4 };

    public static double Act((string Name, float Alpha, float Beta) f, double x) => f.Name switch
    {
        "Sigmoid" => 1 / (1 + Math.Exp(-x)),
        "Tanh" => Math.Tanh(x),
        "Relu" => Math.Max(0, x),
        "Affine" => f.Alpha * x + f.Beta,
        "LeakyRelu" => x >= 0 ? x : f.Alpha * x,
        "ThresholdedRelu" => x > f.Alpha ? x : 0,
        "ScaledTanh" => f.Alpha * Math.Tanh(f.Beta * x),
        "HardSigmoid" => Math.Clamp(f.Alpha * x + f.Beta, 0, 1),
        "Elu" => x >= 0 ? x : f.Alpha * (Math.Exp(x) - 1),
        "Softsign" => x / (1 + Math.Abs(x)),
        "Softplus" => Math.Log(1 + Math.Exp(x)),
        _ => throw new ArgumentException(f.Name),
    };

    public (float[] Y, float[] Yh, float[] Yc) Run(float[] x, float[] w, float[] r, float[]? b, int[]? lens, float[]? h0, float[]? c0, float[]? p)
    {
        int H = Hidden, G = Gates, I = Input;
        var y = new float[Sequence * Directions * Batch * H];
        var yh = new float[Directions * Batch * H];
        var yc = new float[Directions * Batch * H];
        int perDir = Activations.Length / Directions;
        for (int d = 0; d < Directions; d++)
        {
            bool reverse = ReverseOnly || d == 1;
            var f = Activations[d * perDir];
            var g = perDir > 1 ? Activations[d * perDir + 1] : f;
            var hf = perDir > 2 ? Activations[d * perDir + 2] : f;
            for (int bi = 0; bi < Batch; bi++)
            {
                var h = new double[H];
                var c = new double[H];
                for (int j = 0; j < H; j++)
                {
                    h[j] = h0 is null ? 0 : h0[(d * Batch + bi) * H + j];
                    c[j] = c0 is null ? 0 : c0[(d * Batch + bi) * H + j];
                }
                int len = lens is null ? Sequence : lens[bi];
                for (int step = 0; step < len; step++)
                {
                    int t = reverse ? len - 1 - step : step;
                    double Wx(int gate, int j)
                    {
                        double s = b is null ? 0 : b[d * 2 * G * H + gate * H + j];
                        for (int i = 0; i < I; i++) s += w[((d * G + gate) * H + j) * I + i] * x[(t * Batch + bi) * I + i];
                        return s;
                    }
                    double Rh(int gate, int j, double[] hv)
                    {
                        double s = b is null ? 0 : b[d * 2 * G * H + G * H + gate * H + j];
                        for (int m = 0; m < H; m++) s += r[((d * G + gate) * H + j) * H + m] * hv[m];
                        return s;
                    }
                    double Clipped(double v) => Clip is { } k ? Math.Clamp(v, -k, k) : v;
                    var hNew = new double[H];
                    var cNew = new double[H];
                    if (Op == "RNN")
                    {
                        for (int j = 0; j < H; j++) hNew[j] = Act(f, Clipped(Wx(0, j) + Rh(0, j, h)));
                    }
                    else if (Op == "GRU")
                    {
                        var z = new double[H];
                        var rr = new double[H];
                        for (int j = 0; j < H; j++)
                        {
                            z[j] = Act(f, Clipped(Wx(0, j) + Rh(0, j, h)));
                            rr[j] = Act(f, Clipped(Wx(1, j) + Rh(1, j, h)));
                        }
                        var rh = new double[H];
                        for (int m = 0; m < H; m++) rh[m] = rr[m] * h[m];
                        for (int j = 0; j < H; j++)
                        {
                            double pre = LinearBeforeReset ? Wx(2, j) + rr[j] * Rh(2, j, h) : Wx(2, j) + Rh(2, j, rh);
                            double n = Act(g, Clipped(pre));
                            hNew[j] = (1 - z[j]) * n + z[j] * h[j];
                        }
                    }
                    else
                    {
                        for (int j = 0; j < H; j++)
                        {
                            double pi = p is null ? 0 : p[d * 3 * H + j];
                            double po = p is null ? 0 : p[d * 3 * H + H + j];
                            double pf = p is null ? 0 : p[d * 3 * H + 2 * H + j];
                            double ig = Act(f, Clipped(Wx(0, j) + Rh(0, j, h) + pi * c[j]));
                            double fg = InputForget ? 1 - ig : Act(f, Clipped(Wx(2, j) + Rh(2, j, h) + pf * c[j]));
                            double cg = Act(g, Clipped(Wx(3, j) + Rh(3, j, h)));
                            cNew[j] = fg * c[j] + ig * cg;
                            double og = Act(f, Clipped(Wx(1, j) + Rh(1, j, h) + po * cNew[j]));
                            hNew[j] = og * Act(hf, cNew[j]);
                        }
                    }
                    h = hNew;
                    if (Op == "LSTM") c = cNew;
                    for (int j = 0; j < H; j++) y[((t * Directions + d) * Batch + bi) * H + j] = (float)h[j];
                }
                for (int j = 0; j < H; j++)
                {
                    yh[(d * Batch + bi) * H + j] = (float)h[j];
                    yc[(d * Batch + bi) * H + j] = (float)c[j];
                }
            }
        }
        return (y, yh, yc);
    }
}
