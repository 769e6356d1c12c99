using System.Text;
using EdgeToken.Collector.Storage;

namespace EdgeToken.Collector.Dashboard;

/// <summary>
/// Charts drawn on the server as inline SVG: no script library, no CDN, readable without JavaScript. Each point
/// carries a &lt;title&gt;, which the browser shows as a tooltip.
/// </summary>
internal static class SvgChart
{
    const int Width = 860, Height = 220, Left = 48, Right = 12, Top = 12, Bottom = 28;

    static readonly string[] Palette = ["#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#97266d"];

    /// <summary>Anomaly score over time: the mean as a line, min..max as a band, p95 dotted.</summary>
    public static string Score(IReadOnlyList<SummaryPoint> points)
    {
        if (points.Count == 0) return "<p class=\"empty\">No summaries yet.</p>";
        long t0 = points[0].To.ToUnixTimeMilliseconds(), t1 = Math.Max(points[^1].To.ToUnixTimeMilliseconds(), t0 + 1);
        double yMax = Math.Max(points.Max(p => p.ScoreMax), 1e-9) * 1.1, yMin = Math.Min(0, points.Min(p => p.ScoreMin));
        double X(SummaryPoint p) => Left + (p.To.ToUnixTimeMilliseconds() - t0) * (double)(Width - Left - Right) / (t1 - t0);
        double Y(double v) => Top + (yMax - v) * (Height - Top - Bottom) / (yMax - yMin);

        var svg = Open("anomaly score over time", "score-chart");
        Axes(svg, yMin, yMax, points[0].To, points[^1].To, Y);
        svg.Append("<polygon class=\"band\" points=\"");
        foreach (var p in points) svg.Append(F(X(p))).Append(',').Append(F(Y(p.ScoreMax))).Append(' ');
        for (int i = points.Count - 1; i >= 0; i--) svg.Append(F(X(points[i]))).Append(',').Append(F(Y(points[i].ScoreMin))).Append(' ');
        svg.Append("\"/>");
        Line(svg, points, X, p => Y(p.ScoreP95), "p95");
        Line(svg, points, X, p => Y(p.ScoreMean), "mean");
        foreach (var p in points)
            svg.Append("<circle class=\"point\" r=\"2.5\" cx=\"").Append(F(X(p))).Append("\" cy=\"").Append(F(Y(p.ScoreMean))).Append("\"><title>")
                .Append(Html.E($"{p.To.UtcDateTime:HH:mm:ss} {p.Pipeline}: mean {p.ScoreMean:0.###}, p95 {p.ScoreP95:0.###}, max {p.ScoreMax:0.###}"))
                .Append("</title></circle>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The dominant class of each summary interval as a coloured strip, with a legend.</summary>
    public static string Classes(IReadOnlyList<SummaryPoint> points)
    {
        var labelled = points.Where(p => p.TopClass is not null).ToList();
        if (labelled.Count == 0) return "<p class=\"empty\">No class histograms (an anomaly-score pipeline).</p>";
        var labels = labelled.Select(p => p.TopClass!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"class-chart\" role=\"img\" aria-label=\"class over time\" viewBox=\"0 0 {Width} 60\" width=\"100%\">");
        double w = (Width - Left - Right) / (double)labelled.Count;
        for (int i = 0; i < labelled.Count; i++)
        {
            var p = labelled[i];
            string color = Palette[labels.IndexOf(p.TopClass!) % Palette.Length];
            svg.Append("<rect x=\"").Append(F(Left + i * w)).Append("\" y=\"4\" width=\"").Append(F(Math.Max(w, 1))).Append("\" height=\"30\" fill=\"").Append(color)
                .Append("\"><title>").Append(Html.E($"{p.To.UtcDateTime:HH:mm:ss}: {p.TopClass}")).Append("</title></rect>");
        }
        double x = Left;
        foreach (string label in labels)
        {
            svg.Append("<rect x=\"").Append(F(x)).Append("\" y=\"42\" width=\"10\" height=\"10\" fill=\"").Append(Palette[labels.IndexOf(label) % Palette.Length]).Append("\"/>");
            svg.Append("<text x=\"").Append(F(x + 14)).Append("\" y=\"51\">").Append(Html.E(label)).Append("</text>");
            x += 24 + label.Length * 7;
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>An event's context (features or a downsampled snippet) as a small sparkline.</summary>
    public static string Sparkline(float[] values)
    {
        if (values.Length < 2) return "";
        const int w = 160, h = 32;
        float min = values.Min(), max = values.Max();
        float span = max > min ? max - min : 1;
        var svg = new StringBuilder($"<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><polyline points=\"");
        for (int i = 0; i < values.Length; i++)
            svg.Append(F(i * (w - 2.0) / (values.Length - 1) + 1)).Append(',').Append(F(h - 2 - (values[i] - min) * (h - 4) / span)).Append(' ');
        return svg.Append("\"/></svg>").ToString();
    }

    static StringBuilder Open(string label, string cssClass) =>
        new StringBuilder(8192).Append($"<svg class=\"{cssClass}\" role=\"img\" aria-label=\"{label}\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\">");

    static void Axes(StringBuilder svg, double yMin, double yMax, DateTimeOffset from, DateTimeOffset to, Func<double, double> y)
    {
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\"/>");
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double v = yMin + (yMax - yMin) * i / 4;
            svg.Append("<text class=\"tick\" x=\"").Append(Left - 4).Append("\" y=\"").Append(F(y(v) + 4)).Append("\" text-anchor=\"end\">").Append(Html.Number(v, "0.##")).Append("</text>");
        }
        svg.Append($"<text class=\"tick\" x=\"{Left}\" y=\"{Height - 8}\">{from.UtcDateTime:MM-dd HH:mm:ss}</text>");
        svg.Append($"<text class=\"tick\" x=\"{Width - Right}\" y=\"{Height - 8}\" text-anchor=\"end\">{to.UtcDateTime:MM-dd HH:mm:ss} UTC</text>");
    }

    static void Line(StringBuilder svg, IReadOnlyList<SummaryPoint> points, Func<SummaryPoint, double> x, Func<SummaryPoint, double> y, string cssClass)
    {
        svg.Append("<polyline class=\"").Append(cssClass).Append("\" points=\"");
        foreach (var p in points) svg.Append(F(x(p))).Append(',').Append(F(y(p))).Append(' ');
        svg.Append("\"/>");
    }

    static string F(double v) => Html.Number(v, "0.#");
}
