using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>The classifier's classes, in the model's output order (class 0 is healthy, as the agent expects).</summary>
public static class BearingLabels
{
    public static readonly string[] Names = ["healthy", "outer", "inner", "ball", "cage"];

    public static int Count => Names.Length;

    public static int Of(BearingFaultKind? fault) => fault is { } k ? (int)k + 1 : 0;

    public static BearingFaultKind? KindOf(int label) => label == 0 ? null : (BearingFaultKind)(label - 1);

    /// <summary>Parses a label name ("outer", "inner", "ball", "cage"); null for anything else.</summary>
    public static BearingFaultKind? ParseFault(string name)
    {
        int i = Array.IndexOf(Names, name);
        return i > 0 ? KindOf(i) : null;
    }
}
