using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Demo.Tests;

/// <summary>samples/RailBearing/agent.json is a valid agent configuration for the committed plans.</summary>
public class SampleConfigurationTests
{
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "RailBearing");

    [Fact]
    public void WagonConfigurationReadsWithFourAxlesOnTheInt8Plan()
    {
        string dir = Directory.CreateTempSubdirectory("rail-bearing-config-").FullName;
        try
        {
            foreach (var name in new[] { "agent.json", "rail-bearing.int8.etplan" }) File.Copy(Path.Combine(Sample, name), Path.Combine(dir, name));
            File.WriteAllText(Path.Combine(dir, "wagon-17.token"), "wagon-17.secret\n");
            var config = AgentConfigReader.Read(Path.Combine(dir, "agent.json"));
            Assert.Equal(4, config.Sources.Count);
            Assert.Equal(4, config.Pipelines.Count);
            var faulty = Assert.Single(config.Sources, s => s.FaultOnsetSeconds is not null);
            Assert.Equal(BearingFaultKind.OuterRace, faulty.FaultKind);
            Assert.All(config.Pipelines, p => Assert.Equal((10, 20), (p.DebounceWindows, p.DebounceSpan)));
            Assert.Equal("wagon-17.secret", config.Uplink.Http!.Token);
            var plan = PlanPipeline.Load(config.Pipelines[0].Plan!);
            Assert.Equal(90, plan.InputLength);
            Assert.Equal(5, plan.OutputLength);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void UnknownFaultKindIsReportedByJsonPath()
    {
        string dir = Directory.CreateTempSubdirectory("rail-bearing-config-").FullName;
        try
        {
            string json = File.ReadAllText(Path.Combine(Sample, "agent.json")).Replace("\"fault\": \"outer\"", "\"fault\": \"spall\"");
            File.WriteAllText(Path.Combine(dir, "agent.json"), json);
            File.Copy(Path.Combine(Sample, "rail-bearing.int8.etplan"), Path.Combine(dir, "rail-bearing.int8.etplan"));
            File.WriteAllText(Path.Combine(dir, "wagon-17.token"), "t");
            var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(Path.Combine(dir, "agent.json")));
            Assert.Contains(e.Problems, p => p.Contains("$.sources[2].fault") && p.Contains("spall"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
