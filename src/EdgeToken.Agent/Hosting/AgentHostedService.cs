using EdgeToken.Agent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Agent.Hosting;

/// <summary>The agent on the .NET Generic Host: starts with the host, and on SIGTERM (systemd stop, Ctrl+C)
/// stops gracefully, flushing the outbox upstream within the host's shutdown timeout.</summary>
internal sealed class AgentHostedService(AgentConfig config, PipelineRegistry registry, ILogger<EdgeTokenAgent> logger) : IHostedService, IAsyncDisposable
{
    private EdgeTokenAgent? _agent;

    public EdgeTokenAgent? Agent => _agent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _agent = new EdgeTokenAgent(config, registry, logger);
        _agent.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _agent?.StopAsync(TimeSpan.FromSeconds(5)) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null) await _agent.DisposeAsync().ConfigureAwait(false);
    }
}
