namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>The index tables the im2col-style kernels walk, computed once when a kernel is built.</summary>
internal static class ConvTaps
{
    /// <summary>Per position of a grid of <paramref name="extent"/> (D, H, W, row-major): the coordinate its first tap
    /// lands on, <c>position * stride - padBegin</c> per axis (negative inside the padding).</summary>
    public static void PositionBases(int[] extent, int[] stride, int[] padBegin, out int[] baseD, out int[] baseH, out int[] baseW)
    {
        int count = extent[0] * extent[1] * extent[2];
        baseD = new int[count]; baseH = new int[count]; baseW = new int[count];
        int j = 0;
        for (int d = 0; d < extent[0]; d++)
            for (int h = 0; h < extent[1]; h++)
                for (int w = 0; w < extent[2]; w++, j++)
                {
                    baseD[j] = d * stride[0] - padBegin[0];
                    baseH[j] = h * stride[1] - padBegin[1];
                    baseW[j] = w * stride[2] - padBegin[2];
                }
    }

    /// <summary>Per row of the column matrix (channel, kd, kh, kw): the channel's plane offset and the tap's dilated
    /// displacement per axis.</summary>
    public static void Rows(int channels, int channelStride, int[] kernel, int[] dilation,
        out int[] rowChannel, out int[] rowD, out int[] rowH, out int[] rowW)
    {
        int rows = channels * kernel[0] * kernel[1] * kernel[2];
        rowChannel = new int[rows]; rowD = new int[rows]; rowH = new int[rows]; rowW = new int[rows];
        int p = 0;
        for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < kernel[0]; kd++)
                for (int kh = 0; kh < kernel[1]; kh++)
                    for (int kw = 0; kw < kernel[2]; kw++, p++)
                    {
                        rowChannel[p] = c * channelStride;
                        rowD[p] = kd * dilation[0];
                        rowH[p] = kh * dilation[1];
                        rowW[p] = kw * dilation[2];
                    }
    }
}
