using EdgeToken.Cli.Demo;
using EdgeToken.Compiler;
using EdgeToken.Samples.RailBearing;
using EdgeToken.Samples.RailBearing.Dataset;
using EdgeToken.Samples.RailBearing.Evaluation;
using Microsoft.ML.OnnxRuntime;

namespace EdgeToken.Demo.Tests;

/// <summary>
/// The committed samples/RailBearing/rail-bearing.onnx, compiled and run by EdgeToken's plan executor as the
/// agent runs it, on the held-out validation set (shaft speeds, load and severities the trainer never saw).
/// </summary>
public class CommittedModelTests(CommittedModelTests.ValidationSet validation) : IClassFixture<CommittedModelTests.ValidationSet>
{
    /// <summary>The floors sit a few points under the committed model's figures (samples/RailBearing/README.md),
    /// so a retrained or broken model that is clearly worse fails.</summary>
    private const double AccuracyFloor = 0.85;
    private const double DetectionFloor = 0.85;
    private const double FalseAlarmCeiling = 0.07;

    public sealed class ValidationSet
    {
        public FeatureSet Windows { get; } = TrainingRun.Validation(seed: 7);
    }

    [Fact]
    public void PlanExecutorMeetsTheAccuracyFloorOnHeldOutData()
    {
        var plan = ModelCompiler.CompileFile(DemoRun.ModelPath).Plan;
        var metrics = ClassificationMetrics.Measure(validation.Windows, new PlanClassifier(plan).Classify, TrainingRun.AnomalyThreshold);
        Assert.True(metrics.Accuracy >= AccuracyFloor, $"accuracy {metrics.Accuracy:P1} < {AccuracyFloor:P0}");
        Assert.True(metrics.AnomalyDetectionRate >= DetectionFloor, $"faulty windows flagged {metrics.AnomalyDetectionRate:P1} < {DetectionFloor:P0}");
        Assert.True(metrics.FalseAlarmRate <= FalseAlarmCeiling, $"healthy windows flagged {metrics.FalseAlarmRate:P1} > {FalseAlarmCeiling:P0}");
    }

    [Fact]
    public void Int8PlanStaysWithinTheAccuracyBudget()
    {
        var floatPlan = ModelCompiler.CompileFile(DemoRun.ModelPath).Plan;
        var int8Plan = ModelCompiler.CompileFile(DemoRun.ModelPath, new CompileOptions { CalibrationPath = DemoRun.CalibrationPath }).Plan;
        var f = ClassificationMetrics.Measure(validation.Windows, new PlanClassifier(floatPlan).Classify, TrainingRun.AnomalyThreshold);
        var q = ClassificationMetrics.Measure(validation.Windows, new PlanClassifier(int8Plan).Classify, TrainingRun.AnomalyThreshold);
        // The budget: int8 may lose at most 3 points of accuracy and of detection against float32.
        Assert.True(q.Accuracy >= f.Accuracy - 0.03, $"int8 accuracy {q.Accuracy:P1} vs float {f.Accuracy:P1}");
        Assert.True(q.AnomalyDetectionRate >= f.AnomalyDetectionRate - 0.03, $"int8 detection {q.AnomalyDetectionRate:P1} vs float {f.AnomalyDetectionRate:P1}");
    }

    [Fact]
    public void PlanExecutorAgreesWithOnnxRuntime()
    {
        var classifier = new PlanClassifier(ModelCompiler.CompileFile(DemoRun.ModelPath).Plan);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(DemoRun.ModelPath, options);
        var ours = new float[BearingLabels.Count];
        double worst = 0;
        for (int r = 0; r < validation.Windows.Count; r += 3)
        {
            var row = validation.Windows.Row(r);
            classifier.Classify(row, ours);
            using var input = OrtValue.CreateTensorValueFromMemory(row.ToArray(), [1, row.Length]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["features"], [input], ["probabilities", "anomaly"]);
            var theirs = outputs[0].GetTensorDataAsSpan<float>();
            for (int c = 0; c < ours.Length; c++) worst = Math.Max(worst, Math.Abs(ours[c] - theirs[c]));
            Assert.Equal(1 - theirs[0], outputs[1].GetTensorDataAsSpan<float>()[0], 1e-5);
        }
        Assert.True(worst <= 1e-4, $"largest probability difference {worst:E2}");
    }
}
