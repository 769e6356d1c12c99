using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8ChannelLanesConvTests
{
    /// <summary>The scalar blocking, and AVX2 and AVX-512BW where this machine has them.</summary>
    public static TheoryData<Int8Path> LanePaths()
    {
        var paths = new TheoryData<Int8Path> { Int8Path.Scalar };
        if (Avx2.IsSupported) paths.Add(Int8Path.Avx2);
        if (Avx512BW.IsSupported) paths.Add(Int8Path.Avx512BW);
        return paths;
    }

    /// <summary>Short rows (openWakeWord's late layers), an STFT-like stride, channel counts off the 16-lane blocks (the
    /// last block mostly padding), odd patch sizes (the last pair half zero), pixel counts that leave tiles of 4 and 1.</summary>
    private static readonly (string Name, Int8ConvGeometry G)[] Cases =
    [
        ("rows of 4, 96 channels", Int8ConvGeometry.Create(96, 10, 6, 96, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("rows of 2, 3x1", Int8ConvGeometry.Create(48, 7, 2, 40, 3, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("STFT-like stride 40, 37 channels", Int8ConvGeometry.Create(1, 1, 400, 37, 1, 64, 1, (1, 40), (1, 1), (0, 0, 0, 0))),
        ("odd patch, 13 pixels, 17 channels", Int8ConvGeometry.Create(3, 3, 15, 17, 3, 3, 1, (1, 3), (1, 1), (1, 1, 1, 1))),
        ("strided 3x3, 64 channels", Int8ConvGeometry.Create(16, 12, 12, 64, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1))),
        ("one pixel, 5 channels", Int8ConvGeometry.Create(7, 3, 3, 5, 3, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
    ];

    [Theory]
    [MemberData(nameof(LanePaths))]
    public void Channel_lanes_convolution_gives_the_definitions_bytes_fused_and_through_the_sums_plane(Int8Path path)
    {
        var rng = new Random(41);
        int fused = 0;
        foreach (var (name, g) in Cases)
            for (int trial = 0; trial < 3; trial++)
            {
                var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
                var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng);
                for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127;
                if (trial == 2) { Array.Fill(x, sbyte.MinValue); for (int i = 0; i < w.Length; i++) w[i] = (sbyte)(i % 3 == 0 ? 127 : -127); }
                int zx = trial == 2 ? 127 : rng.Next(-20, 20), zy = rng.Next(-10, 10);
                var (min, max) = trial == 0 ? Int8Clamp.Relu(zy) : (-128, 127);
                var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-5000, 5000)).ToArray();
                var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
                var scales = NarrowRequantizationTests.NarrowScales(g, w, folded, zy, rng);
                var expected = new sbyte[g.OutChannels * g.OutPixels];
                Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);

                var lanes = new Int8ChannelLanesConv(g, Int8Conv.PackWeights(g, w));
                var narrow = new Int8ConvWeights(g, w, Int8Path.Scalar).Narrow(folded, scales, zy, min, max);
                Assert.NotNull(narrow);
                lanes.Remember(narrow);
                var scratch = new byte[g.GemmScratchBytes + Int8ChannelLanesConv.ExtraScratchBytes(g)];
                foreach (bool requantizeInLanes in new[] { true, false })
                {
                    rng.NextBytes(scratch); // nothing may be read that was not written
                    var actual = new sbyte[expected.Length];
                    // A copy of the requantizations is not the remembered array: the sums go through the plane.
                    var given = requantizeInLanes ? narrow : (NarrowRequantization[])narrow.Clone();
                    Int8Conv.RunChannelLanes(g, x, lanes, folded, scales, zx, zy, min, max, actual, scratch, path, given);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}, trial {trial}, {(requantizeInLanes ? "in the lanes" : "plane")}, on {path}");
                    var sums = new int[g.OutChannels * g.OutPixels];
                    var y = new sbyte[expected.Length];
                    if (lanes.Run(new sbyte[g.OutPixels * g.PatchStride], new byte[Int8ChannelLanesConv.ExtraScratchBytes(g)], sums, y, given, path)) fused++;
                }
                // The full (64-bit) requantization: in the lanes once remembered for these values, through the plane before.
                foreach (bool remembered in new[] { false, true })
                {
                    if (remembered) lanes.RememberFull(folded, scales, zy, min, max);
                    var wide = new sbyte[expected.Length];
                    Int8Conv.RunChannelLanes(g, x, lanes, folded, scales, zx, zy, min, max, wide, scratch, path);
                    Assert.True(expected.AsSpan().SequenceEqual(wide), $"{name}, trial {trial}, 64-bit{(remembered ? " in the lanes" : "")}, on {path}");
                    if (lanes.Run(new sbyte[g.OutPixels * g.PatchStride], new byte[Int8ChannelLanesConv.ExtraScratchBytes(g)], new int[wide.Length],
                            new sbyte[wide.Length], default, folded, scales, zy, min, max, path)) fused++;
                }
                // Other values than the remembered ones (another clamp) must not take the remembered requantization.
                Assert.False(lanes.Run(new sbyte[g.OutPixels * g.PatchStride], new byte[Int8ChannelLanesConv.ExtraScratchBytes(g)], new int[expected.Length],
                    new sbyte[expected.Length], default, folded, scales, zy, min, max - 1, path));
            }
        // Exactly the remembered forms' runs requantized in the lanes (on AVX2 the full form goes through the plane).
        Assert.Equal(Cases.Length * 3 * (path == Int8Path.Avx2 ? 1 : 2), fused);
    }

    [Fact]
    public void Each_lane_takes_its_own_channels_requantization_sign_term_included()
    {
        var rng = new Random(5);
        var narrow = new NarrowRequantization[37];
        for (int c = 0; c < narrow.Length; c++)
        {
            if (c % 2 == 0)
            {
                int zy = rng.Next(-20, 20);
                var scale = FixedPointMultiplier.FromReal(Math.Pow(2, -8 - rng.NextDouble() * 6)).WithSignificantBits(12);
                var (min, max) = c % 4 == 0 ? Int8Clamp.Relu(zy) : (-128, 127); // channels with and without the sign term side by side
                Assert.True(NarrowRequantization.TryCreate(scale, rng.Next(-3000, 3000), -200_000, 200_000, zy, min, max, out narrow[c]));
            }
            else // multiplier 1, shift s: a sum of an odd multiple of -2^(s-1) is a half below zero, where the sign term decides
            {
                int shift = 1 + c % 7;
                narrow[c] = new NarrowRequantization(1, 0, 1 << (shift - 1), shift, -128, 127, SignTerm: c % 3 != 0);
            }
        }
        Assert.Contains(narrow, n => n.SignTerm);
        Assert.Contains(narrow, n => !n.SignTerm);
        var lanes = new ChannelLaneRequantization(narrow);
        var sums = new int[16];
        for (int trial = 0; trial < 200; trial++)
            for (int block = 0; block < 3; block++)
            {
                for (int l = 0; l < 16; l++)
                {
                    int c = Math.Min(block * 16 + l, narrow.Length - 1);
                    sums[l] = c % 2 == 1 && trial % 2 == 0 ? -(2 * rng.Next(0, 60) + 1) << (narrow[c].Shift - 1) : rng.Next(-200_000, 200_000);
                }
                var vector = Avx512BW.IsSupported ? lanes.Apply(Vector512.Create(sums), block) : default;
                var low = Avx2.IsSupported ? lanes.Apply256(Vector256.Create(sums.AsSpan(0, 8)), block, 0) : default;
                var high = Avx2.IsSupported ? lanes.Apply256(Vector256.Create(sums.AsSpan(8, 8)), block, 1) : default;
                for (int l = 0; l < 16 && block * 16 + l < narrow.Length; l++)
                {
                    sbyte expected = narrow[block * 16 + l].Apply(sums[l]);
                    Assert.Equal(expected, lanes.Apply(sums[l], block * 16 + l));
                    if (Avx512BW.IsSupported) Assert.Equal(expected, vector.GetElement(l));
                    if (Avx2.IsSupported) Assert.Equal(expected, (l < 8 ? low : high).GetElement(l % 8));
                }
            }
    }

    [Fact]
    public void The_full_form_gives_requantize_ones_bytes_in_every_lane()
    {
        var rng = new Random(9);
        const int channels = 21;
        var bias = Enumerable.Range(0, channels).Select(_ => rng.Next(-100_000, 100_000)).ToArray();
        var scales = Enumerable.Range(0, channels).Select(c => FixedPointMultiplier.FromReal(c % 5 == 0 ? 1.5 + rng.NextDouble() : Math.Pow(2, -4 - rng.NextDouble() * 14))).ToArray();
        var lanes = new ChannelLaneRequantization(channels, bias, scales, zeroPoint: -7, min: -128, max: 100);
        Assert.True(lanes.Matches(channels, bias, scales, -7, -128, 100));
        Assert.False(lanes.Matches(channels, bias, scales, -6, -128, 100));
        var sums = new int[16];
        for (int trial = 0; trial < 300; trial++)
            for (int block = 0; block < 2; block++)
            {
                for (int l = 0; l < 16; l++) sums[l] = trial % 3 == 0 ? rng.Next(int.MinValue / 4, int.MaxValue / 4) : rng.Next(-300_000, 300_000);
                var vector = Avx512BW.IsSupported ? lanes.Apply(Vector512.Create(sums), block) : default;
                for (int l = 0; l < 16 && block * 16 + l < channels; l++)
                {
                    int c = block * 16 + l;
                    sbyte expected = Requantize.One(unchecked(sums[l] + bias[c]), scales[c], -7, -128, 100);
                    Assert.Equal(expected, lanes.Apply(sums[l], c));
                    if (Avx512BW.IsSupported) Assert.Equal(expected, vector.GetElement(l));
                }
            }
    }

    [Fact]
    public void The_rule_takes_channel_lanes_where_pixels_would_idle_and_keeps_shifted_rows_elsewhere()
    {
        // openWakeWord's late 1x3 layer over 10 x 6 (rows of 4): measured 18.5 against 28 µs.
        Assert.True(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(96, 10, 6, 96, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0))));
        // melspectrogram's STFT: 512 taps, stride 160, 8 outputs; 15 against 63 µs.
        Assert.True(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(1, 1, 1760, 257, 1, 512, 1, (1, 160), (1, 1), (0, 0, 0, 0))));
        // cnn1d's second layer (rows of 128, every lane busy): 10 against 4.6 µs.
        Assert.False(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(16, 1, 128, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))));
        // A 3-channel stem: fewer multiply-adds on channel lanes, but 27-long patches to gather for each of 256 pixels; 14.5 against 3 µs.
        Assert.False(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(3, 32, 32, 16, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1))));
        // 3x1 over rows of 4 merge into one flat run: as many multiply-adds either way, so the shifted rows stay (18 against 22 µs).
        Assert.False(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(96, 14, 4, 96, 3, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))));
        // On AVX2 only the large wins are taken: the STFT (19.7 against 39.1 µs) yes, rows of 4 (28 against 27 µs) no.
        Assert.True(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(1, 1, 1760, 257, 1, 512, 1, (1, 160), (1, 1), (0, 0, 0, 0)), path: Int8Path.Avx2));
        Assert.False(Int8ChannelLanesConv.Prefers(Int8ConvGeometry.Create(96, 10, 6, 96, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0)), path: Int8Path.Avx2));
        // With weights for vpmaddubsw the shifted rows do twice the products: a narrow win turns into a loss.
        var close = Int8ConvGeometry.Create(64, 14, 14, 64, 3, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0));
        Assert.True(Int8ChannelLanesConv.Prefers(close));
        Assert.False(Int8ChannelLanesConv.Prefers(close, rowsU8S8: true));
    }

    [Fact]
    public void Prepared_weights_take_channel_lanes_on_x64_only_and_size_the_scratch_for_it_everywhere()
    {
        var g = Cases[2].G; // the STFT-like layer, which both x64 paths take
        Assert.True(Int8ChannelLanesConv.Prefers(g));
        Assert.True(g.ScratchBytes >= g.GemmScratchBytes + Int8ChannelLanesConv.ExtraScratchBytes(g));
        var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, new Random(2));
        for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127;
        foreach (var path in Int8Paths.Supported())
        {
            var prepared = new Int8ConvWeights(g, w, path);
            Assert.Equal(Int8ShiftedRowsConv.KernelPath(path) is not null, prepared.ChannelLanes); // AVX2, AVX-512BW (and AVX-VNNI through them)
            Assert.False(prepared.ChannelLanes && prepared.ShiftedRows);
        }
    }
}
