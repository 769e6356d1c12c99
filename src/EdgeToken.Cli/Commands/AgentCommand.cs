using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Cli.Commands;

/// <summary><c>edgetoken agent --config agent.json</c>: the device agent on the Generic Host (systemd-aware).</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config", "-c") { Description = "The agent configuration (agent.json): device, sources, pipelines, outbox, uplink.", Required = true };
        var command = new Command("agent", "Run the device agent: pipelines on sensor data, summaries and events into the durable outbox, synced upstream. Stops gracefully on SIGTERM/Ctrl+C.")
        {
            config,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Services.AddSystemd();
            builder.Services.AddEdgeTokenAgent(parse.GetValue(config)!);
            using var host = builder.Build();
            host.Run();
            return 0;
        }));
        return command;
    }
}
