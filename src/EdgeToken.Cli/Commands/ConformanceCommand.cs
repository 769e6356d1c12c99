using System.CommandLine;
using EdgeToken.Compiler.Conformance;

namespace EdgeToken.Cli.Commands;

public sealed record ConformanceOperatorRow(string Operator, int Passed, int Failed, int Skipped);
public sealed record ConformanceReport(string Directory, int Passed, int Failed, int Skipped, ConformanceOperatorRow[] Operators, ConformanceResult[] Tests);

/// <summary><c>edgetoken conformance DIR</c>: the ONNX project's node tests through import, compile and the plan executor.</summary>
internal static class ConformanceCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "A folder of ONNX backend node tests (<test>/model.onnx, <test>/test_data_set_N/{input,output}_K.pb)." };
        var json = CliOptions.Json();
        var filter = new Option<string?>("--filter") { Description = "Only tests whose folder name matches this pattern (* and ? wildcards, or a substring)." };
        var command = new Command("conformance", "Run ONNX node conformance tests, compare with ONNX's default tolerances (rtol 1e-3, atol 1e-7), print a table by operator and the line 'N passed, M failed, K skipped'. Exit code 0 only when nothing failed.")
        {
            dir, json, filter,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var results = ConformanceRunner.RunAll(parse.GetValue(dir)!, parse.GetValue(filter));
            var rows = ConformanceRunner.ByOperator(results).Select(r => new ConformanceOperatorRow(r.Operator, r.Passed, r.Failed, r.Skipped)).ToArray();
            int failed = results.Count(r => r.Status == ConformanceStatus.Failed);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new ConformanceReport(parse.GetValue(dir)!, results.Count(r => r.Status == ConformanceStatus.Passed), failed,
                    results.Count(r => r.Status == ConformanceStatus.Skipped), rows, [.. results]));
            }
            else
            {
                Console.WriteLine($"{"operator",-24} {"passed",7} {"failed",7} {"skipped",8}");
                foreach (var r in rows) Console.WriteLine($"{r.Operator,-24} {r.Passed,7} {r.Failed,7} {r.Skipped,8}");
                Console.WriteLine();
                foreach (var r in results.Where(r => r.Status != ConformanceStatus.Passed))
                    Console.WriteLine($"{(r.Status == ConformanceStatus.Failed ? "FAIL" : "skip")} {r.Test}: {r.Detail}");
                Console.WriteLine(ConformanceRunner.Summary(results));
            }
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }
}
