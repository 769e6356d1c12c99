using EdgeToken.Agent.Configuration;

namespace EdgeToken.Agent.Tests.Configuration;

public sealed class AgentConfigReaderTests
{
    [Fact]
    public void A_valid_configuration_is_read_with_paths_relative_to_the_file()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        var config = AgentConfigReader.Read(TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:5000"), "t"));
        Assert.Equal("wagon-17-axle-3", config.DeviceId);
        Assert.Equal(Path.Combine(dir.Path, "bearing.etplan"), config.Pipelines[0].Plan);
        Assert.Equal(Path.Combine(dir.Path, "outbox"), config.Outbox.Path);
        Assert.Equal(TimeSpan.FromSeconds(0.2), config.SummaryInterval);
        Assert.Equal("t", config.Uplink.Http!.Token);
        Assert.Equal(config.Pipelines[0].DebounceWindows, config.Pipelines[0].DebounceSpan); // default: that many in a row
    }

    [Theory]
    [InlineData("\"summaryIntervalSeconds\"", "\"summaryIntervalSecs\"", "$.summaryIntervalSecs: unknown key")]
    [InlineData("\"plan\": \"bearing.etplan\"", "\"plan\": \"missing.etplan\"", "$.pipelines[0].plan: missing pipeline")]
    [InlineData("\"source\": \"axle3\"", "\"source\": \"axle9\"", "$.pipelines[0].source: no source named 'axle9'")]
    [InlineData("\"sampleRateHz\": 20480", "\"sampleRateHz\": -4", "$.sources[0].sampleRateHz: expected a number")]
    [InlineData("\"kind\": \"simulator\"", "\"kind\": \"telepathy\"", "$.sources[0].kind: unknown source kind")]
    [InlineData("\"deviceId\": \"wagon-17-axle-3\",", "", "$.deviceId: missing")]
    [InlineData("\"collector\": \"http://127.0.0.1:5000/\"", "\"collector\": \"ftp://x\"", "$.uplink.http.collector: expected an http")]
    [InlineData("\"token\": \"t\"", "\"token\": \"t\", \"tokn\": 1", "$.uplink.http.tokn: unknown key")]
    [InlineData("\"debounceWindows\": 2", "\"debounceWindows\": 5, \"debounceSpan\": 4", "$.pipelines[0].debounceSpan: 4 is shorter than debounceWindows")]
    public void A_bad_configuration_names_the_key_and_the_problem(string find, string replace, string expected)
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:5000"), "t");
        string text = File.ReadAllText(path);
        Assert.Contains(find, text);
        File.WriteAllText(path, text.Replace(find, replace));
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(path));
        Assert.Contains(e.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_pipeline_type_must_be_registered()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:5000"), "t");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"plan\": \"bearing.etplan\"", "\"type\": \"BearingPipeline\""));
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(path));
        Assert.Contains("$.pipelines[0].type: missing pipeline", e.Message);
        Assert.Equal("BearingPipeline", AgentConfigReader.Read(path, t => t == "BearingPipeline").Pipelines[0].Type);
    }
}
