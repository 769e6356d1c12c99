namespace EdgeToken.Generators.Model
{
    /// <summary>Everything one generated pipeline class is emitted from: the manifest's resolved values and the
    /// compiled plan. Strings and equatable arrays only, so equal inputs give equal models (incremental caching).
    /// Float values keep the exact text the build step wrote, and are emitted as literals unchanged.</summary>
    internal sealed record PipelineModel(
        string ManifestPath,
        string Name,
        string Namespace,
        SensorModel Input,
        OutputModel Output,
        PlanModel Plan)
    {
        /// <summary>Which engine runs the model; the default is the generated code.</summary>
        public BackendModel Backend { get; init; } = BackendModel.Generated;
    }

    /// <summary>The manifest's backend: "generated", or "onnxruntime" with its execution providers in order of preference.</summary>
    internal sealed record BackendModel(string Kind, EquatableArray<string> Providers)
    {
        public static readonly BackendModel Generated = new BackendModel("generated", EquatableArray<string>.Empty);
        public bool IsOnnxRuntime => Kind == "onnxruntime";
    }

    /// <summary>The sensor input and the preprocessing: the folded input scaling (raw * Scale[c] + Offset[c]), then
    /// the chain's DSP stages per channel (none for an affine-only chain), giving FeaturesPerChannel values each.</summary>
    internal sealed record SensorModel(int Channels, string SampleRate, int Window, int Hop, bool ChannelsFirst,
        EquatableArray<string> Scale, EquatableArray<string> Offset)
    {
        public EquatableArray<DspStageModel> Chain { get; init; } = EquatableArray<DspStageModel>.Empty;
        public int FeaturesPerChannel { get; init; } = Window;
    }

    /// <summary>The output's meaning: "classes", "anomaly" or "regression".</summary>
    internal sealed record OutputModel(string Kind, string Threshold, int Debounce, EquatableArray<string> Labels, EquatableArray<string> Members);

    internal sealed record PlanModel(int ArenaBytes, int ScratchBytes, int WeightBytes, long Macs, int Input, int Output,
        EquatableArray<TensorModel> Tensors, EquatableArray<StepModel> Steps, EquatableArray<byte> Weights);

    /// <summary>One plan tensor. Type is the ONNX element type number; Kind 1 = arena, 2 = weight.</summary>
    internal sealed record TensorModel(string Name, int Type, EquatableArray<int> Dims, int Kind, int Offset, int Length);

    /// <summary>One scheduled node; -1 marks an omitted optional input or output.</summary>
    internal sealed record StepModel(string Name, string OpType, int Opset, EquatableArray<int> Inputs, EquatableArray<int> Outputs,
        EquatableArray<AttributeModel> Attributes);

    /// <summary>One attribute, its kind as the runtime's AttributeKind number and its value as the build step wrote it.</summary>
    internal sealed record AttributeModel(string Name, int Kind, string Value);
}
