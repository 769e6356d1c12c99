using EdgeToken.Compiler;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Agent.Tests;

/// <summary>A real compiled plan over the bearing front-end's features: a linear score through a sigmoid.</summary>
internal static class TestPlans
{
    public static int FeatureCount(double sampleRateHz = 20480) => BearingFrontEndOptions.Default(sampleRateHz).FeatureCount;

    public static string WriteScorePlan(string directory, double sampleRateHz = 20480)
    {
        int features = FeatureCount(sampleRateHz);
        var b = new OnnxModelBuilder("bearing-score", 17);
        b.Input("features", ElementType.Float32, 1, features);
        var rng = new Random(5);
        b.Initializer("w", Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.1f).ToArray(), 1, features);
        // Mul + ReduceMean is the linear layer: the runtime in main has no MatMul yet.
        b.Node("Mul", ["features", "w"], ["weighted"]);
        b.Node("ReduceMean", ["weighted"], ["logit"], ("axes", new long[] { 1 }), ("keepdims", 1L));
        b.Node("Sigmoid", ["logit"], ["score"]);
        b.Output("score", ElementType.Float32, 1, 1);
        string onnx = Path.Combine(directory, "bearing.onnx");
        b.Save(onnx);
        string plan = Path.Combine(directory, "bearing.etplan");
        PlanFile.Save(ModelCompiler.CompileFile(onnx).Plan, plan);
        return plan;
    }

    /// <summary>agent.json for one simulated axle box and one plan pipeline, posting to <paramref name="collector"/>.</summary>
    public static string WriteAgentConfig(string directory, Uri collector, string token, string deviceId = "wagon-17-axle-3",
        double summarySeconds = 0.2, double heartbeatSeconds = 0.5, long budget = 64 << 20, string plan = "bearing.etplan", double threshold = 0.5)
    {
        string json = $$"""
        {
          "deviceId": "{{deviceId}}",
          "sources": [ { "name": "axle3", "kind": "simulator", "sampleRateHz": 20480, "seed": 3, "realTime": true } ],
          "pipelines": [ { "name": "bearing", "source": "axle3", "plan": "{{plan}}", "threshold": {{threshold}}, "debounceWindows": 2, "contextLength": 16 } ],
          "summaryIntervalSeconds": {{summarySeconds}},
          "heartbeatIntervalSeconds": {{heartbeatSeconds}},
          "outbox": { "path": "outbox", "diskBudgetBytes": {{budget}} },
          "uplink": { "http": { "collector": "{{collector}}", "token": "{{token}}" }, "maxBackoffSeconds": 0.3 }
        }
        """;
        string path = Path.Combine(directory, "agent.json");
        File.WriteAllText(path, json);
        return path;
    }
}
