namespace EdgeToken.Generators.Model
{
    /// <summary>One DSP stage of the preprocessing chain, resolved by the build step: the op, what it takes and gives per
    /// channel ("Samples", "Bins", "Spectrum", "Features") with their lengths, and its constructor arguments as text.</summary>
    internal sealed record DspStageModel(string Op, string InputKind, int InputLength, string OutputKind, int OutputLength,
        EquatableArray<DspArgument> Arguments)
    {
        /// <summary>The argument's text; a missing key is a malformed generation model.</summary>
        public string this[string key]
        {
            get
            {
                foreach (var a in Arguments)
                    if (a.Key == key) return a.Value;
                throw new System.FormatException($"dsp stage '{Op}' has no argument '{key}'");
            }
        }

        public bool Has(string key)
        {
            foreach (var a in Arguments)
                if (a.Key == key) return true;
            return false;
        }
    }

    /// <summary>key=value, as the build step wrote it.</summary>
    internal sealed record DspArgument(string Key, string Value);
}
