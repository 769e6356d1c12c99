using System.Globalization;
using EdgeToken.Compiler.Analysis;

namespace EdgeToken.Compiler.Manifests;

/// <summary>The accuracy budget against what validation measured; the message names the layers that cost the most.</summary>
/// <remarks>"Cost" is a noise-to-signal ratio per layer: 10^(-SQNR/10) of a quantized layer's output against the float
/// (pruned) model, and for a pruned layer the fraction of its weight energy Σw² removed (its output's noise-to-signal
/// ratio for white inputs). The three largest are named: the layers to exclude or prune less first.</remarks>
public static class AccuracyBudgetCheck
{
    public static string? Missed(AccuracyBudget budget, OptimizationValidation v, CompiledModel optimised)
    {
        var missed = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (budget.MaxAccuracyDropPoints is { } drop && v.AccuracyDrop is { } d && d * 100 > drop)
            missed.Add(string.Format(c, "top-1 accuracy fell {0:F2} points ({1:P2} float, {2:P2} optimised), over the budget of {3} points", d * 100, v.FloatAccuracy, v.OptimisedAccuracy, drop));
        if (budget.MinSqnrDb is { } sqnr && v.SqnrDb < sqnr)
            missed.Add(string.Format(c, "output SQNR {0:F1} dB, under the budget of {1} dB", v.SqnrDb, sqnr));
        if (budget.MaxOutputError is { } err && v.MaxError > err)
            missed.Add(string.Format(c, "largest output error {0:G4}, over the budget of {1}", v.MaxError, err));
        if (missed.Count == 0) return null;
        var costly = optimised.QuantizedLayers.Where(l => !double.IsNaN(l.SqnrDb))
            .Select(l => (Noise: Math.Pow(10, -l.SqnrDb / 10), Text: string.Format(c, "{0} (int8, SQNR {1:F1} dB)", l.Name, l.SqnrDb)))
            .Concat(optimised.PrunedLayers.Select(l => (Noise: l.EnergyRemoved, Text: l.Pattern == "channels"
                ? string.Format(c, "{0} ({1} channels removed, {2:P1} of its weight energy)", l.Name, l.RemovedChannels, l.EnergyRemoved)
                : string.Format(c, "{0} ({1} pruned, {2:P0} zero, {3:P1} of its weight energy)", l.Name, l.Pattern, l.Sparsity, l.EnergyRemoved))))
            .OrderByDescending(t => t.Noise).Take(3).Select(t => t.Text).ToList();
        return $"the optimised model misses the accuracy budget on {v.Samples} validation samples: {string.Join("; ", missed)}. "
            + (costly.Count > 0 ? $"Layers that cost the most: {string.Join(", ", costly)}. " : "")
            + "Exclude them (optimization.quantize.exclude / optimization.prune.exclude), prune less, or relax optimization.budget.";
    }
}
