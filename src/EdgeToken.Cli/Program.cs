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
    DemoCommand.Create(),
};
return root.Parse(args).Invoke();
