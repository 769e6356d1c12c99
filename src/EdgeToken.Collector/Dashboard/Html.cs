using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeToken.Collector.Dashboard;

/// <summary>The page frame and the few formatting rules every page shares. Everything from the store is encoded here.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Number(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{Number(bytes / 1024.0, "0.0")} KiB",
        < 1024L * 1024 * 1024 => $"{Number(bytes / 1048576.0, "0.0")} MiB",
        _ => $"{Number(bytes / 1073741824.0, "0.00")} GiB",
    };

    public static string Time(DateTimeOffset? time) => time is { } t
        ? $"<time datetime=\"{t.UtcDateTime:O}\" title=\"{t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\">{t.UtcDateTime:yyyy-MM-dd HH:mm:ss}</time>"
        : "never";

    public static string Page(string title, string? user, string body)
    {
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(E(title)).Append(" · EdgeToken fleet</title><link rel=\"stylesheet\" href=\"/assets/dashboard.css\"></head><body>");
        html.Append("<header><a class=\"brand\" href=\"/\">EdgeToken fleet</a>");
        if (user is not null)
            html.Append("<nav><a href=\"/\">Fleet</a><a href=\"/alerts\">Alerts</a></nav><form method=\"post\" action=\"/logout\" class=\"logout\"><span>")
                .Append(E(user)).Append("</span><button type=\"submit\">Log out</button></form>");
        html.Append("</header><main>").Append(body).Append("</main><script src=\"/assets/dashboard.js\" defer></script></body></html>");
        return html.ToString();
    }

    public static string Badge(string health) => $"<span class=\"badge {E(health)}\">{E(health)}</span>";
}
