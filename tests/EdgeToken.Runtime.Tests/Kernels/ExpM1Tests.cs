using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ExpM1Tests
{
    [Fact]
    public void Relative_error_is_a_few_ulp_from_minus_30_to_30_and_zero_is_exact()
    {
        Assert.Equal(0f, ExpM1.Invoke(0f));
        Assert.Equal(0f, ExpM1.Invoke(Vector128<float>.Zero).GetElement(0));
        Assert.Equal(-1e-10f, ExpM1.Invoke(-1e-10f));
        double worst = 0;
        for (int i = -300000; i <= 300000; i++)
        {
            float x = -30f * i / 300000f;
            double exact = Math.Exp(x) - 1; // double is ample: only |x| < 1e-9 would lose digits, and those are covered above
            if (Math.Abs(x) < 1e-6f) exact = x + x * (double)x / 2;
            worst = Math.Max(worst, Math.Abs(ExpM1.Invoke(x) - exact) / Math.Abs(exact == 0 ? 1 : exact));
        }
        Assert.True(worst < 3e-7, $"max relative error {worst:E3}");
    }

    [Fact]
    public void Vector_forms_equal_the_scalar_form()
    {
        var x = KernelAssert.Random(16, seed: 3, scale: 20f).Select(v => v).ToArray();
        x[0] = 0f;
        x[1] = -1e-8f;
        x[2] = float.NegativeInfinity;
        var v512 = ExpM1.Invoke(Vector512.Create(x));
        var v256 = ExpM1.Invoke(Vector256.Create(x.AsSpan(0, 8)));
        var v128 = ExpM1.Invoke(Vector128.Create(x.AsSpan(8, 4)));
        for (int i = 0; i < 16; i++) Assert.Equal(ExpM1.Invoke(x[i]), v512.GetElement(i));
        for (int i = 0; i < 8; i++) Assert.Equal(ExpM1.Invoke(x[i]), v256.GetElement(i));
        for (int i = 0; i < 4; i++) Assert.Equal(ExpM1.Invoke(x[8 + i]), v128.GetElement(i));
        Assert.Equal(-1f, v512.GetElement(2));
    }
}
