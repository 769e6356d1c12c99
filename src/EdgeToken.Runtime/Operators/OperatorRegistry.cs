namespace EdgeToken.Runtime.Operators;

/// <summary>Every operator EdgeToken runs, by ONNX op type. Each family registers itself from its own file
/// (OperatorRegistry.Elementwise.cs, ...), so adding a family touches no other.</summary>
public static partial class OperatorRegistry
{
    private static readonly Dictionary<string, OperatorDefinition> s_operators = Build();

    public static bool TryGet(string opType, out OperatorDefinition definition) => s_operators.TryGetValue(opType, out definition!);

    public static IEnumerable<string> OpTypes => s_operators.Keys.Order(StringComparer.Ordinal);

    private static Dictionary<string, OperatorDefinition> Build()
    {
        var ops = new Dictionary<string, OperatorDefinition>(StringComparer.Ordinal);
        RegisterElementwise(ops);
        RegisterActivations(ops);
        RegisterLinear(ops);
        RegisterConvolution(ops);
        RegisterPooling(ops);
        RegisterNormalization(ops);
        RegisterRecurrent(ops);
        RegisterReduction(ops);
        RegisterTensorLayout(ops);
        RegisterQuantization(ops);
        RegisterInt8(ops);
        return ops;
    }

    internal static void Add(this Dictionary<string, OperatorDefinition> ops, OperatorDefinition definition) =>
        ops.Add(definition.OpType, definition);

    static partial void RegisterElementwise(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterActivations(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterLinear(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterConvolution(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterPooling(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterNormalization(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterRecurrent(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterReduction(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterTensorLayout(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterQuantization(Dictionary<string, OperatorDefinition> ops);
    static partial void RegisterInt8(Dictionary<string, OperatorDefinition> ops);
}
