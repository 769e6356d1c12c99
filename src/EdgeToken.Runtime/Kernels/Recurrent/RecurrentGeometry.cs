using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The sizes, directions and memory layout shared by RNN, GRU and LSTM, read from a node, with the
/// element offsets of every per-step tensor for both layouts (0: sequence-major, 1: batch-major).</summary>
public sealed class RecurrentGeometry
{
    public RecurrentGeometry(int sequence, int batch, int input, int hidden, int gates, int directions, bool reverseOnly, int layout)
    {
        Sequence = sequence;
        Batch = batch;
        Input = input;
        Hidden = hidden;
        Gates = gates;
        Directions = directions;
        ReverseOnly = reverseOnly;
        Layout = layout;
    }

    public int Sequence { get; }
    public int Batch { get; }
    public int Input { get; }
    public int Hidden { get; }
    /// <summary>Gate blocks in W and R: 1 for RNN, 3 for GRU, 4 for LSTM.</summary>
    public int Gates { get; }
    public int Directions { get; }
    /// <summary>True for <c>direction="reverse"</c>: the one direction runs backwards.</summary>
    public bool ReverseOnly { get; }
    public int Layout { get; }

    public bool IsReverse(int direction) => ReverseOnly || direction == 1;

    /// <summary>Row of x[t, b, :] in X seen as a [sequence·batch, input] matrix.</summary>
    public int Row(int t, int b) => Layout == 0 ? t * Batch + b : b * Sequence + t;

    /// <summary>Offset of y[t, d, b, :] in Y.</summary>
    public int YOffset(int t, int d, int b) => (Layout == 0 ? (t * Directions + d) * Batch + b : (b * Sequence + t) * Directions + d) * Hidden;

    /// <summary>Offset of state[d, b, :] in initial_h, initial_c, Y_h and Y_c.</summary>
    public int StateOffset(int d, int b) => (Layout == 0 ? d * Batch + b : b * Directions + d) * Hidden;

    public int[] YDims => Layout == 0 ? [Sequence, Directions, Batch, Hidden] : [Batch, Sequence, Directions, Hidden];
    public int[] StateDims => Layout == 0 ? [Directions, Batch, Hidden] : [Batch, Directions, Hidden];

    /// <summary>Reads and checks the node's attributes and input shapes; <paramref name="gates"/> is the
    /// operator's number of gate blocks.</summary>
    public static RecurrentGeometry From(NodeContext node, int gates)
    {
        string where = $"{node.OpType} '{node.NodeName}'";
        for (int i = 0; i < 3; i++) node.ExpectType(i, ElementType.Float32);
        string direction = node.Attributes.GetString("direction", "forward");
        int directions = direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw new ShapeException($"{where}: direction '{direction}' is not forward, reverse or bidirectional"),
        };
        int layout = (int)node.Attributes.GetInt("layout", 0);
        if (layout is not (0 or 1)) throw new ShapeException($"{where}: layout {layout} is not 0 or 1");
        var x = node.Input(0).Dims;
        var w = node.Input(1).Dims;
        var r = node.Input(2).Dims;
        if (x.Length != 3) throw new ShapeException($"{where}: X has shape {Shape.Format(x)}, expected rank 3");
        int sequence = layout == 0 ? x[0] : x[1];
        int batch = layout == 0 ? x[1] : x[0];
        int input = x[2];
        int hidden = node.Attributes.Has("hidden_size") ? (int)node.Attributes.GetInt("hidden_size", 0) : (w.Length == 3 ? w[1] / gates : -1);
        Expect(where, "W", w, [directions, gates * hidden, input]);
        Expect(where, "R", r, [directions, gates * hidden, hidden]);
        if (node.HasInput(3))
        {
            node.ExpectType(3, ElementType.Float32);
            Expect(where, "B", node.Input(3).Dims, [directions, 2 * gates * hidden]);
        }
        if (node.HasInput(4))
        {
            node.ExpectType(4, ElementType.Int32);
            Expect(where, "sequence_lens", node.Input(4).Dims, [batch]);
        }
        var geometry = new RecurrentGeometry(sequence, batch, input, hidden, gates, directions, direction == "reverse", layout);
        if (node.HasInput(5))
        {
            node.ExpectType(5, ElementType.Float32);
            Expect(where, "initial_h", node.Input(5).Dims, geometry.StateDims);
        }
        return geometry;
    }

    public static void Expect(string where, string name, int[] actual, int[] expected)
    {
        if (!Shape.SequenceEqual(actual, expected))
            throw new ShapeException($"{where}: {name} has shape {Shape.Format(actual)}, expected {Shape.Format(expected)}");
    }
}
