namespace EdgeToken.Compiler.Planning;

/// <summary>What the planner decided, in numbers: reported by <c>edgetoken inspect</c> and the generator.</summary>
/// <param name="ArenaBytes">Bytes of the planned arena.</param>
/// <param name="NaiveBytes">Bytes if every intermediate tensor had its own buffer.</param>
/// <param name="LowerBoundBytes">The most bytes live at any one step: no plan can use less.</param>
public sealed record PlanStatistics(
    long ArenaBytes,
    long NaiveBytes,
    long LowerBoundBytes,
    long WeightBytes,
    int ScratchBytes,
    int Steps,
    int InPlaceSteps,
    int ViewSteps);
