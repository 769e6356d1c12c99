using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Runs the EdgeToken agent in this host, configured by agent.json. <paramref name="pipelines"/> registers
    /// the application's own (generated) pipeline classes under the names agent.json's <c>"type"</c> uses.
    /// The configuration is read and validated here, so a bad file stops the application before it starts
    /// (<see cref="AgentConfigException"/> lists every problem by JSON path).
    /// </summary>
    public static IServiceCollection AddEdgeTokenAgent(this IServiceCollection services, string configPath, Action<PipelineRegistry>? pipelines = null)
    {
        var registry = new PipelineRegistry();
        pipelines?.Invoke(registry);
        var config = AgentConfigReader.Read(configPath, registry.Contains);
        services.TryAddSingleton(registry);
        services.TryAddSingleton(config);
        services.AddHostedService<AgentHostedService>();
        // Room for the graceful stop's flush on top of what the host needs.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(o.ShutdownTimeout.TotalSeconds, 15)));
        return services;
    }
}
