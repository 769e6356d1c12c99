namespace EdgeToken.Collector.Tests;

/// <summary>
/// Tests whose collectors subscribe to the test broker. Every collector joins the same shared subscription
/// (<c>$share/edgetoken-collectors/...</c>), so two such tests running at once would split each other's streams: a
/// collector of one test would take, and refuse as an unknown device, batches the other test counts on. They run
/// one after the other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerCollection
{
    public const string Name = "Collectors on the test broker";
}
