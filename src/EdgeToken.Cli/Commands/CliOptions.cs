using System.CommandLine;
using System.Globalization;

namespace EdgeToken.Cli.Commands;

/// <summary>Options several verbs share, so they read the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print the report as JSON (a stable shape for scripts) instead of text." };

    public static Option<string[]> Bind() => new("--bind")
    {
        Description = "Size of a dynamic dimension, as SYMBOL=SIZE or INPUT:INDEX=SIZE (repeatable), e.g. --bind batch=1.",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary><c>--weight-bits 8|7</c>: the quantizer's <see cref="EdgeToken.Compiler.Quantization.QuantizeOptions.WeightBits"/>.</summary>
    public static Option<int> WeightBits()
    {
        var option = new Option<int>("--weight-bits")
        {
            Description = "Bits of the int8 weights: 8 (default, [-127, 127]) or 7 ([-64, 64]: x86 without VNNI multiplies them with vpmaddubsw (dense layers up to ~2x, convolutions ~1.3x faster on Zen 4), for a few dB less SQNR (2-4 dB per layer on the benchmark models)).",
            DefaultValueFactory = _ => 8,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is not (7 or 8)) r.AddError($"--weight-bits {r.GetValueOrDefault<int>()}: use 8 or 7");
        });
        return option;
    }

    /// <summary><c>--quantize-recurrent</c>: the quantizer's <see cref="EdgeToken.Compiler.Quantization.QuantizeOptions.Recurrent"/>.</summary>
    public static Option<bool?> QuantizeRecurrent() => new("--quantize-recurrent")
    {
        Description = "Quantize every GRU layer (int8 W and R, ~2.9x smaller), or with 'false' none. Default: the GRUs with hidden >= 64 (a multiple of 8), where the int8 cell measured faster than the float one (1.1x at 64, 1.5x at 128); below that it is slower on x64 without VNNI.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Argument<string> Model() => new("model") { Description = "Path to an ONNX model file (.onnx)." };

    public static Dictionary<string, int> ParseBindings(string[]? values)
    {
        var bindings = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values ?? [])
        {
            int eq = v.LastIndexOf('=');
            if (eq <= 0 || !int.TryParse(v.AsSpan(eq + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) || size < 0)
                throw new CliUsageException($"--bind {v}: expected SYMBOL=SIZE with a non-negative whole number, e.g. --bind batch=1");
            bindings[v[..eq]] = size;
        }
        return bindings;
    }
}

/// <summary>A command line that asks for something impossible; printed without a stack trace, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
