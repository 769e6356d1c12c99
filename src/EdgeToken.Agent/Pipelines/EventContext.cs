namespace EdgeToken.Agent.Pipelines;

/// <summary>The short context an event carries (<c>EventPayload.ContextKind</c> says which).</summary>
internal static class EventContext
{
    /// <summary>The window's first <c>contextLength</c> front-end features.</summary>
    public const string FeaturesKind = "features";

    /// <summary>The raw window downsampled to <c>contextLength</c> points: the RMS over all channels of
    /// consecutive blocks of frames, oldest first.</summary>
    /// <remarks>RMS, not the block mean: a vibration signal averages to about zero over any block, while
    /// its RMS envelope shows the impacts and the level that made the score cross.</remarks>
    public const string RmsSnippetKind = "rms-snippet";

    public static float[] RmsSnippet(ReadOnlySpan<float> window, int channels, int points)
    {
        int frames = window.Length / channels;
        points = Math.Min(points, frames);
        var snippet = new float[points];
        for (int p = 0; p < points; p++)
        {
            int from = (int)((long)p * frames / points), to = (int)((long)(p + 1) * frames / points);
            var block = window[(from * channels)..(to * channels)];
            double sum = 0;
            foreach (float v in block) sum += (double)v * v;
            snippet[p] = (float)Math.Sqrt(sum / block.Length);
        }
        return snippet;
    }
}
