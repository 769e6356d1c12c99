using System.Text;
using System.Text.Json;
using EdgeToken.Contracts;

namespace EdgeToken.Agent.Tests.Contracts;

public sealed class LifecyclePayloadTests
{
    [Fact]
    public void Revision_2_states_birth_and_death_explicitly()
    {
        string birth = Json(LifecyclePayload.Birth("1.2.3", "online"));
        string will = Json(LifecyclePayload.Death("1.2.3", "connection lost", graceful: false));
        Assert.Equal("""{"agentVersion":"1.2.3","reason":"online","state":"birth"}""", birth);
        Assert.Equal("""{"agentVersion":"1.2.3","reason":"connection lost","state":"death","graceful":false}""", will);
        Assert.Equal(LifecycleState.Death, Read(will).ResolveState());
        Assert.False(Read(will).Graceful);
    }

    [Theory]
    [InlineData("online", LifecycleState.Birth)]
    [InlineData("started", LifecycleState.Birth)]
    [InlineData("stopped", LifecycleState.Death)]
    [InlineData("connection lost", LifecycleState.Death)]
    public void Revision_1_payloads_without_a_state_stay_readable(string reason, LifecycleState expected)
    {
        var old = Read($$"""{"agentVersion":"0.1.0","reason":"{{reason}}"}""");
        Assert.Null(old.State);
        Assert.Equal(expected, old.ResolveState());
    }

    [Fact]
    public void The_explicit_state_wins_over_the_reason_text()
    {
        Assert.Equal(LifecycleState.Death, Read("""{"agentVersion":"2.0.0","reason":"was online for 3 days","state":"death"}""").ResolveState());
    }

    private static string Json(LifecyclePayload p) => JsonSerializer.Serialize(p, WireJsonContext.Default.LifecyclePayload);

    private static LifecyclePayload Read(string json) => JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(json), WireJsonContext.Default.LifecyclePayload)!;
}
