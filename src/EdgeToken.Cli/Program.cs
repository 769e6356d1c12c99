using System.CommandLine;
using EdgeToken.Cli.Commands;

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
};
return root.Parse(args).Invoke();
