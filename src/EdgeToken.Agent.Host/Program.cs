using EdgeToken.Agent.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// edgetoken-agent --config agent.json: the same agent as `edgetoken agent`, without the compiler's weight.
// Exit code 2 for a bad configuration (systemd's unit does not restart on it).
if (args.Length != 2 || args[0] is not ("--config" or "-c"))
{
    Console.Error.WriteLine("usage: edgetoken-agent --config agent.json");
    return 2;
}
try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
    builder.Services.AddSystemd();
    builder.Services.AddEdgeTokenAgent(args[1]);
    using var host = builder.Build();
    host.Run();
    return 0;
}
catch (AgentConfigException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
