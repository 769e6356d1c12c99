using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Execution;

namespace EdgeToken.Generators.Tests;

/// <summary>Builds a manifest's generated class behind a small harness and checks it against the plan executor: the same
/// output (bit for bit, or within float rounding) on random windows, and 0 bytes allocated per inference.</summary>
internal static class GeneratedMatchesExecutor
{
    private const string Harness = """
        using System;
        using NAMESPACE;
        public static class Harness
        {
            public static float[] Infer(float[] window)
            {
                var p = new CLASS();
                var o = new float[CLASS.OutputLength];
                p.Infer(window, o);
                return o;
            }

            public static long Allocations(float[] window, int runs)
            {
                var p = new CLASS();
                var o = new float[CLASS.OutputLength];
                for (int i = 0; i < 200; i++) p.Infer(window, o);
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < runs; i++) p.Infer(window, o);
                return GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        """;

    /// <summary>16 windows of uniform noise in [-1, 1] as calibration.f32 beside the manifest.</summary>
    public static void WriteCalibration(string manifest, int window)
    {
        var calibration = new float[16 * window];
        var rng = new Random(3);
        for (int i = 0; i < calibration.Length; i++) calibration[i] = (float)(rng.NextDouble() * 2 - 1);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(manifest)!, "calibration.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(calibration.AsSpan()).ToArray());
    }

    public static void Check(string manifest, ManifestCompilation compilation, bool exact)
    {
        var m = compilation.Manifest;
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(Harness.Replace("NAMESPACE", m.Namespace).Replace("CLASS", m.Name)),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        var harness = TestPipelines.EmitAndLoad(output).GetType("Harness")!;
        int window = compilation.InputLength;
        for (int seed = 0; seed < 4; seed++)
        {
            var r = new Random(seed);
            var x = Enumerable.Range(0, window).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
            var executor = new PlanExecutor(compilation.Model.Plan);
            x.CopyTo(executor.Input<float>(0));
            executor.Run();
            var expected = executor.Output<float>(0).ToArray();
            var actual = (float[])harness.GetMethod("Infer")!.Invoke(null, [x])!;
            if (exact) Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            float scale = Math.Max(1f, expected.Max(MathF.Abs));
            for (int i = 0; i < expected.Length; i++) Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"output {i}: {expected[i]} vs {actual[i]}");
        }
        Assert.Equal(0L, (long)harness.GetMethod("Allocations")!.Invoke(null, [new float[window], 5_000])!);
    }
}
