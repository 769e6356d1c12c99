using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Passes;

/// <summary>A rewrite of a shape-inferred graph that keeps its outputs numerically the same.</summary>
public interface IGraphPass
{
    /// <summary>The name used on the command line and in reports ("constant-folding", ...).</summary>
    string Name { get; }

    /// <returns>How many rewrites the pass made.</returns>
    int Run(Graph graph);
}
