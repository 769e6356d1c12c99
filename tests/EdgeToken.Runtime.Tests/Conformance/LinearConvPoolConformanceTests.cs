using EdgeToken.Runtime.Tensors;
using EdgeToken.Runtime.Tests.Kernels;

namespace EdgeToken.Runtime.Tests.Conformance;

/// <summary>The ONNX backend node tests of the linear, convolution and pooling families, run through the
/// registry exactly as a one-node model would run.</summary>
public class LinearConvPoolConformanceTests
{
    [Theory]
    [InlineData("test_gemm_all_attributes")]
    [InlineData("test_gemm_alpha")]
    [InlineData("test_gemm_beta")]
    [InlineData("test_gemm_default_matrix_bias")]
    [InlineData("test_gemm_default_no_bias")]
    [InlineData("test_gemm_default_scalar_bias")]
    [InlineData("test_gemm_default_single_elem_vector_bias")]
    [InlineData("test_gemm_default_vector_bias")]
    [InlineData("test_gemm_default_zero_bias")]
    [InlineData("test_gemm_transposeA")]
    [InlineData("test_gemm_transposeB")]
    [InlineData("test_matmul_1d_1d")]
    [InlineData("test_matmul_1d_3d")]
    [InlineData("test_matmul_2d")]
    [InlineData("test_matmul_3d")]
    [InlineData("test_matmul_4d")]
    [InlineData("test_matmul_4d_1d")]
    [InlineData("test_matmul_bcast")]
    public void Linear(string name) => Check(name);

    [Theory]
    [InlineData("test_basic_conv_with_padding")]
    [InlineData("test_basic_conv_without_padding")]
    [InlineData("test_conv_with_autopad_same")]
    [InlineData("test_conv_with_strides_and_asymmetric_padding")]
    [InlineData("test_conv_with_strides_no_padding")]
    [InlineData("test_conv_with_strides_padding")]
    public void Convolution(string name) => Check(name);

    [Theory]
    [InlineData("test_averagepool_1d_default")]
    [InlineData("test_averagepool_2d_ceil")]
    [InlineData("test_averagepool_2d_ceil_last_window_starts_on_pad")]
    [InlineData("test_averagepool_2d_default")]
    [InlineData("test_averagepool_2d_dilations")]
    [InlineData("test_averagepool_2d_pads")]
    [InlineData("test_averagepool_2d_pads_count_include_pad")]
    [InlineData("test_averagepool_2d_precomputed_pads")]
    [InlineData("test_averagepool_2d_precomputed_pads_count_include_pad")]
    [InlineData("test_averagepool_2d_precomputed_same_upper")]
    [InlineData("test_averagepool_2d_precomputed_strides")]
    [InlineData("test_averagepool_2d_same_lower")]
    [InlineData("test_averagepool_2d_same_upper")]
    [InlineData("test_averagepool_2d_strides")]
    [InlineData("test_averagepool_3d_default")]
    [InlineData("test_averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_False")]
    [InlineData("test_averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_True")]
    [InlineData("test_averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_False")]
    [InlineData("test_averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_True")]
    [InlineData("test_averagepool_3d_dilations_small")]
    [InlineData("test_globalaveragepool")]
    [InlineData("test_globalaveragepool_precomputed")]
    [InlineData("test_globalmaxpool")]
    [InlineData("test_globalmaxpool_precomputed")]
    [InlineData("test_maxpool_1d_default")]
    [InlineData("test_maxpool_2d_ceil")]
    [InlineData("test_maxpool_2d_ceil_output_size_reduce_by_one")]
    [InlineData("test_maxpool_2d_default")]
    [InlineData("test_maxpool_2d_dilations")]
    [InlineData("test_maxpool_2d_pads")]
    [InlineData("test_maxpool_2d_precomputed_pads")]
    [InlineData("test_maxpool_2d_precomputed_same_upper")]
    [InlineData("test_maxpool_2d_precomputed_strides")]
    [InlineData("test_maxpool_2d_same_lower")]
    [InlineData("test_maxpool_2d_same_upper")]
    [InlineData("test_maxpool_2d_strides")]
    [InlineData("test_maxpool_2d_uint8")]
    [InlineData("test_maxpool_3d_default")]
    [InlineData("test_maxpool_3d_dilations")]
    [InlineData("test_maxpool_3d_dilations_use_ref_impl")]
    [InlineData("test_maxpool_3d_dilations_use_ref_impl_large")]
    [InlineData("test_maxpool_with_argmax_2d_precomputed_pads")]
    [InlineData("test_maxpool_with_argmax_2d_precomputed_strides")]
    public void Pooling(string name) => Check(name);

    [Theory]
    [InlineData("test_convtranspose")]
    [InlineData("test_convtranspose_1d")]
    [InlineData("test_convtranspose_3d")]
    [InlineData("test_convtranspose_autopad_same")]
    [InlineData("test_convtranspose_dilations")]
    [InlineData("test_convtranspose_group_2")]
    [InlineData("test_convtranspose_group_2_image_3")]
    [InlineData("test_convtranspose_kernel_shape")]
    [InlineData("test_convtranspose_output_shape")]
    [InlineData("test_convtranspose_pad")]
    [InlineData("test_convtranspose_pads")]
    public void ConvolutionTranspose(string name) => Check(name);

    private static void Check(string name)
    {
        var test = OnnxNodeTestCase.Load(name);
        // Once with every input constant (weights packed when the kernel is built), once with none.
        foreach (bool constant in new[] { true, false })
        {
            var h = new NodeHarness(test.OpType, test.Attributes, test.Inputs, constant, test.OutputMap.Length, test.Opset);
            h.Run();
            for (int i = 0; i < test.OutputMap.Length; i++)
            {
                if (test.OutputMap[i] < 0) continue;
                var expected = test.ExpectedOutputs[test.OutputMap[i]];
                Assert.Equal(expected.Dims, h.Output(i).Dims);
                Assert.Equal(expected.Type, h.Output(i).Type);
                if (expected.Type == ElementType.Float32)
                    KernelAssert.Close(expected.AsSpan<float>(), h.OutputFloats(i), rtol: 1e-3f, atol: 1e-5f); // the ONNX backend suite's tolerance; some expectations are rounded to 4 digits
                else
                    Assert.Equal(expected.Bytes.ToArray(), h.OutputBytes(i));
            }
        }
    }
}
