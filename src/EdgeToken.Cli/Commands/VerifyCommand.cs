using System.CommandLine;
using EdgeToken.Cli.Verification;
using EdgeToken.Compiler;

namespace EdgeToken.Cli.Commands;

public sealed record VerifyReport(string Model, int Seed, int Runs, double Tolerance, bool Passed, OutputError[] Outputs);

/// <summary><c>edgetoken verify MODEL.onnx</c>: EdgeToken against ONNX Runtime on the same seeded inputs.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var json = CliOptions.Json();
        var bind = CliOptions.Bind();
        var seed = new Option<int>("--seed") { Description = "Seed for the random inputs.", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "How many random input sets to compare.", DefaultValueFactory = _ => 3 };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest error allowed, relative to the largest magnitude of each reference output.", DefaultValueFactory = _ => 1e-4 };
        var command = new Command("verify", "Run EdgeToken and ONNX Runtime on the same seeded random inputs and report, per output, the largest absolute and relative error. Exit code 1 when an output is over tolerance.")
        {
            model, json, bind, seed, runs, tolerance,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(model)!;
            double tol = parse.GetValue(tolerance);
            var errors = ModelVerifier.Verify(path, new CompileOptions { Bindings = CliOptions.ParseBindings(parse.GetValue(bind)) }, parse.GetValue(seed), Math.Max(1, parse.GetValue(runs)));
            bool passed = errors.All(e => e.MaxRelativeError <= tol);
            var report = new VerifyReport(path, parse.GetValue(seed), parse.GetValue(runs), tol, passed, [.. errors]);
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else
            {
                Console.WriteLine($"{"output",-24} {"shape",-16} {"max abs error",14} {"max rel error",14}");
                foreach (var e in errors) Console.WriteLine($"{e.Output,-24} {e.Shape,-16} {e.MaxAbsoluteError,14:E2} {e.MaxRelativeError,14:E2}");
                Console.WriteLine(passed ? $"OK: every output within {tol:E1} of ONNX Runtime" : $"FAILED: an output differs from ONNX Runtime by more than {tol:E1}");
            }
            return passed ? 0 : 1;
        }));
        return command;
    }
}
