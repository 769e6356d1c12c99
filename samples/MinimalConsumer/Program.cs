using System.Globalization;
using System.Runtime.InteropServices;
using MinimalConsumer;

// One window of a synthetic vibration signal through the generated pipeline, then the same signal streamed in
// chunks of 10 samples (a window every hop). The output is printed round-trippable so runs can be compared exactly.
var pipeline = new VibrationClassifier();
var window = new float[VibrationClassifier.InputLength];
for (int i = 0; i < window.Length; i++) window[i] = (float)(Math.Sin(i * 0.37) * 2 + Math.Sin(i * 1.9) * 0.5);

var scores = new float[VibrationClassifier.OutputLength];
pipeline.Infer(window, scores);
Console.WriteLine($"arch {RuntimeInformation.ProcessArchitecture}");
Console.WriteLine("scores " + string.Join(" ", scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));

var stream = new float[VibrationClassifier.Window * 3];
for (int i = 0; i < stream.Length; i++) stream[i] = window[i % window.Length];
for (int at = 0; at < stream.Length; at += 10)
{
    ReadOnlySpan<float> chunk = stream.AsSpan(at, Math.Min(10, stream.Length - at));
    while (pipeline.Push(ref chunk, out var result))
        Console.WriteLine($"window {result.Window} top {result.Top} {result.TopScore.ToString("R", CultureInfo.InvariantCulture)} decision {result.Decision?.ToString() ?? "-"}");
}
