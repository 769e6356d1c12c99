using EdgeToken.Runtime.Execution;
using EdgeToken.Compiler.Manifests;

namespace EdgeToken.Generators.Tests;

/// <summary>The generated class compiled and run: equal to the plan executor, allocation-free, streaming by hop.</summary>
[Collection(AllocationCollection.Name)]
public sealed class GeneratedPipelineTests
{
    private const string Harness = """
        using System;
        using Acme.Rail;
        public static class Harness
        {
            public static float[] Infer(float[] window)
            {
                var p = new BearingClassifier();
                var o = new float[BearingClassifier.OutputLength];
                p.Infer(window, o);
                return o;
            }

            public static long[] Allocations(float[] window, int runs)
            {
                var p = new BearingClassifier();
                var o = new float[BearingClassifier.OutputLength];
                var samples = new float[BearingClassifier.Hop * BearingClassifier.Channels * 3];
                for (int i = 0; i < 2000; i++) { p.Infer(window, o); p.Infer(window); Stream(p, samples); }
                // A fresh gen0 budget: the counts are process-wide, and the test host's own threads (its result channel)
                // may allocate a little meanwhile; none of that can fill a fresh budget, our thread's bytes are counted apart.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
                for (int i = 0; i < runs; i++) { p.Infer(window, o); p.Infer(window); }
                for (int i = 0; i < runs / 10; i++) Stream(p, samples);
                // Read the counters before allocating the array that returns them.
                long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
                long c0 = GC.CollectionCount(0) - g0, c1 = GC.CollectionCount(1) - g1, c2 = GC.CollectionCount(2) - g2;
                return new[] { allocated, c0, c1, c2 };
            }

            private static int Stream(BearingClassifier p, float[] samples)
            {
                ReadOnlySpan<float> s = samples;
                int n = 0;
                while (p.Push(ref s, out var r)) n++;
                return n;
            }

            /// <summary>Pushes in the given chunk sizes; returns the output after every completed window and its decision.</summary>
            public static (float[] Output, long Window, int Top, int? Decision)[] Stream(float[] samples, int[] chunks)
            {
                var p = new BearingClassifier();
                var results = new System.Collections.Generic.List<(float[], long, int, int?)>();
                int at = 0, c = 0;
                while (at < samples.Length)
                {
                    int n = Math.Min(chunks[c++ % chunks.Length], samples.Length - at);
                    ReadOnlySpan<float> s = new ReadOnlySpan<float>(samples, at, n);
                    at += n;
                    while (p.Push(ref s, out var r)) results.Add((p.Output.ToArray(), r.Window, (int)r.Top, (int?)r.Decision));
                }
                return results.ToArray();
            }
        }
        """;

    private static (Type Harness, ManifestCompilation Compilation) Build()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest);
        var compilation = TestPipelines.Compile(manifest);
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        var assembly = TestPipelines.EmitAndLoad(output);
        return (assembly.GetType("Harness")!, compilation);
    }

    private static float[] Window(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 64 * 2).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    private static float[] Reference(ManifestCompilation c, float[] raw)
    {
        var executor = new PlanExecutor(c.Model.Plan);
        c.Preprocess.Apply(raw, executor.Input<float>(0), c.Manifest.Input.Window, c.Manifest.Input.Layout);
        executor.Run();
        return executor.Output<float>(0).ToArray();
    }

    [Fact]
    public void Infer_is_bit_equal_to_the_plan_executor()
    {
        var (harness, compilation) = Build();
        for (int seed = 0; seed < 5; seed++)
        {
            var window = Window(seed);
            var generated = (float[])harness.GetMethod("Infer")!.Invoke(null, [window])!;
            Assert.Equal(Reference(compilation, window), generated);
        }
    }

    [Fact]
    public void Steady_state_allocates_nothing_and_collects_nothing()
    {
        var (harness, _) = Build();
        var deltas = (long[])harness.GetMethod("Allocations")!.Invoke(null, [Window(3), 100_000])!;
        Assert.Equal(new long[] { 0, 0, 0, 0 }, deltas);
    }

    [Fact]
    public void Push_completes_a_window_every_hop_whatever_the_chunking()
    {
        var (harness, compilation) = Build();
        var rng = new Random(7);
        int frames = 64 + 16 * 5;
        var samples = Enumerable.Range(0, frames * 2).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var stream = harness.GetMethod("Stream")!;
        foreach (var chunks in new[] { new[] { 1 }, new[] { 7, 13, 2 }, new[] { 1000 } })
        {
            var results = ((float[] Output, long Window, int Top, int? Decision)[])stream.Invoke(null, [samples, chunks])!;
            Assert.Equal(6, results.Length);
            for (int k = 0; k < results.Length; k++)
            {
                Assert.Equal(k, results[k].Window);
                var window = samples.AsSpan(k * 16 * 2, 64 * 2).ToArray();
                Assert.Equal(Reference(compilation, window), results[k].Output);
            }
        }
    }
}
