using System.CommandLine;
using EdgeToken.Cli.Commands;
using EdgeToken.Cli.Demo;

var root = new RootCommand("EdgeToken: compile trained ONNX models into statically planned, allocation-free pipelines for edge devices.")
{
    InspectCommand.Create(),
    VerifyCommand.Create(),
    CompileCommand.Create(),
    ConformanceCommand.Create(),
    AgentCommand.Create(),
    AgentBenchCommand.Create(),
    CollectorCommand.Create(),
    FleetCommand.Create(),
    RecordCommand.Create(),
    ReplayCommand.Create(),
    BenchCommand.Create(),
    DemoCommand.Create(),
};
// Ctrl+C cancels the running verb's token; System.CommandLine then waits this long before ending the process.
// Its default of 2 s is shorter than a demo needs to stop its agents, flush them and print the final figures.
return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) });
