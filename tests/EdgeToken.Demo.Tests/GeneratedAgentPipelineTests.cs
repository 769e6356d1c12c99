using EdgeToken.Agent.Benchmarks;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Cli.Commands;
using EdgeToken.Cli.Demo;
using EdgeToken.Compiler;
using EdgeToken.Samples.RailBearing.Evaluation;
using EdgeToken.Sensors.FrontEnd;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Demo.Tests;

/// <summary>The sample manifest's generated class in the agent (what `edgetoken agent-bench --manifest` runs): raw
/// axle-box windows in, its own bearingFrontEnd chain and the model, the same answer as the agent's front end + plan.</summary>
public class GeneratedAgentPipelineTests
{
    private static readonly string Manifest = Path.Combine(AppContext.BaseDirectory, "RailBearing", "rail-bearing.edgemodel.json");

    [Fact]
    public void GeneratedClassOnARawWindowEqualsFrontEndFeaturesThroughThePlan()
    {
        var generated = (GeneratedPipeline)AgentBenchCommand.Generated(Manifest, out double rate);
        Assert.Equal(20480, rate);
        Assert.Equal(new SampleWindow(3, 2048, 1024), generated.SampleWindow);

        var simulator = new MachinerySimulator(MachineryOptions.AxleBox(11, new BearingFault(BearingFaultKind.InnerRace, 0, 0, 1.0)));
        float[] window = new float[3 * 2048];
        simulator.Generate(window);
        var frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(20480) with { ChannelCount = 3 });
        float[] features = new float[frontEnd.FeatureCount];
        Assert.Equal(1, frontEnd.Process(window, features).WindowsWritten);
        float[] expected = new float[5];
        new PlanClassifier(ModelCompiler.CompileFile(DemoRun.ModelPath).Plan).Classify(features, expected);

        float score = generated.Infer(window, out int classIndex);
        Assert.Equal(Array.IndexOf(expected, expected.Max()), classIndex);
        Assert.Equal(expected.Max(), score, 4);
        Assert.NotEqual(0, classIndex); // an inner-race fault at full size is not healthy
    }

    [Fact]
    public void AgentBenchRunsTheGeneratedClassEndToEnd()
    {
        var pipeline = AgentBenchCommand.Generated(Manifest, out double rate);
        string outbox = Directory.CreateTempSubdirectory("generated-agent-").FullName;
        try
        {
            var r = AgentBenchmark.Run(pipeline, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), outbox, rate);
            Assert.True(r.Windows > 0, $"{r.Windows} windows");
            Assert.True(r.Records > 0, $"{r.Records} records");
            Assert.True(r.ReductionRatio > 1000, $"reduction {r.ReductionRatio}");
        }
        finally { Directory.Delete(outbox, recursive: true); }
    }
}
