using Microsoft.ML.OnnxRuntime;

namespace EdgeToken.Runtime.OnnxRuntime;

/// <summary>The outcome of provider selection: the provider that runs, and why each earlier one did not.</summary>
public sealed record ProviderSelection(string Provider, IReadOnlyList<string> Skipped)
{
    /// <summary>The log line a pipeline writes once when its session is built.</summary>
    public string LogLine => Skipped.Count == 0
        ? $"EdgeToken: ONNX Runtime runs on execution provider '{Provider}'"
        : $"EdgeToken: ONNX Runtime runs on execution provider '{Provider}' ({string.Join("; ", Skipped)})";
}

/// <summary>
/// Manifest provider names ("qnn", "nnapi", "xnnpack", "coreml", "cuda", "dnnl", "openvino", "cpu") and how each
/// is appended to a session. A provider is tried only if this ONNX Runtime build has it
/// (<see cref="OrtEnv.GetAvailableProviders"/>); appending or building the session can still fail (a missing
/// driver or device), and then the next one is tried. CPU always works and ends every list.
/// </summary>
public static class ExecutionProviders
{
    public const string Cpu = "cpu";

    /// <summary>Manifest name -> ONNX Runtime's provider name (what GetAvailableProviders reports).</summary>
    public static string? OrtName(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => "CPUExecutionProvider",
        "qnn" => "QNNExecutionProvider",
        "nnapi" => "NnapiExecutionProvider",
        "xnnpack" => "XnnpackExecutionProvider",
        "coreml" => "CoreMLExecutionProvider",
        "cuda" => "CUDAExecutionProvider",
        "dnnl" => "DnnlExecutionProvider",
        "openvino" => "OpenVINOExecutionProvider",
        _ => null,
    };

    /// <summary>Appends provider <paramref name="name"/> to <paramref name="options"/>; throws if it cannot.</summary>
    internal static void Append(SessionOptions options, string name)
    {
        switch (name.ToLowerInvariant())
        {
            case "cpu": break; // ONNX Runtime's default; nothing to append
            case "qnn": options.AppendExecutionProvider("QNN", new Dictionary<string, string> { ["backend_path"] = "libQnnHtp.so" }); break;
            case "nnapi": options.AppendExecutionProvider_Nnapi(); break;
            case "xnnpack": options.AppendExecutionProvider("XNNPACK", new Dictionary<string, string> { ["intra_op_num_threads"] = "1" }); break;
            case "coreml": options.AppendExecutionProvider_CoreML(); break;
            case "cuda": options.AppendExecutionProvider_CUDA(); break;
            case "dnnl": options.AppendExecutionProvider_Dnnl(); break;
            case "openvino": options.AppendExecutionProvider_OpenVINO(); break;
            default: throw new ArgumentException($"unknown execution provider '{name}'");
        }
    }

    /// <summary>
    /// Builds a session on the first provider of <paramref name="preferred"/> that works, falling back to CPU.
    /// <paramref name="available"/> is the build's provider list (tests pass their own to exercise the fallback).
    /// </summary>
    public static (InferenceSession Session, ProviderSelection Selection) CreateSession(
        byte[] model, IReadOnlyList<string> preferred, Func<SessionOptions> newOptions, IReadOnlyCollection<string>? available = null)
    {
        available ??= OrtEnv.Instance().GetAvailableProviders();
        var skipped = new List<string>();
        foreach (string name in preferred)
        {
            if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase)) break;
            string? ortName = OrtName(name);
            if (ortName is null) { skipped.Add($"'{name}' is not a provider EdgeToken knows"); continue; }
            if (!available.Contains(ortName)) { skipped.Add($"'{name}' is not in this ONNX Runtime build"); continue; }
            var options = newOptions();
            try
            {
                Append(options, name);
                return (new InferenceSession(model, options), new ProviderSelection(name, skipped));
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                skipped.Add($"'{name}' failed: {e.Message.Split('\n')[0]}");
            }
            finally
            {
                options.Dispose();
            }
        }
        using var cpu = newOptions();
        return (new InferenceSession(model, cpu), new ProviderSelection(Cpu, skipped));
    }
}
