using System.Text;
using EdgeToken.Collector.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace EdgeToken.Collector.Dashboard;

/// <summary>The dashboard's pages as HTML strings: login, the fleet at a glance, one device, the alerts.</summary>
internal static class Pages
{
    public static string Login(string? error, string returnUrl, AntiforgeryTokenSet tokens) => Html.Page("Log in", null, $"""
        <section class="login"><h1>Log in</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>")}
        <form method="post" action="/login">
          <input type="hidden" name="{Html.E(tokens.FormFieldName)}" value="{Html.E(tokens.RequestToken)}">
          <input type="hidden" name="returnUrl" value="{Html.E(returnUrl)}">
          <label>User <input name="user" autocomplete="username" required autofocus></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
          <button type="submit">Log in</button>
        </form></section>
        """);

    public static string Fleet(string user, FleetStatus status, FleetDevice[] devices)
    {
        var body = new StringBuilder();
        body.Append("<h1>Fleet</h1><section class=\"totals\">")
            .Append(Tile("devices", status.Devices.ToString())).Append(Tile("ok", status.Ok.ToString())).Append(Tile("alarm", status.Alarm.ToString()))
            .Append(Tile("silent", status.Silent.ToString())).Append(Tile("active alerts", status.ActiveAlerts.ToString()))
            .Append(Tile("records", status.Records.ToString())).Append(Tile("uplink volume", Html.Bytes(status.UplinkBytes))).Append("</section>");
        body.Append("<table class=\"fleet\" data-refresh=\"15\"><thead><tr><th>Device</th><th>Health</th><th>Last seen</th><th>Active alerts</th><th>Latest score</th>")
            .Append("<th>Records</th><th>Uplink volume</th><th>Dropped on device</th><th>Agent</th></tr></thead><tbody>");
        foreach (var d in devices)
            body.Append("<tr class=\"").Append(Html.E(d.Health)).Append("\"><td><a class=\"device\" href=\"/devices/").Append(Uri.EscapeDataString(d.DeviceId)).Append("\">")
                .Append(Html.E(d.DeviceId)).Append("</a></td><td>").Append(Html.Badge(d.Health)).Append("</td><td>").Append(Html.Time(d.LastSeen))
                .Append("</td><td class=\"num\">").Append(d.ActiveAlerts).Append("</td><td class=\"num\">").Append(d.LatestScore is { } s ? Html.Number(s) : "–")
                .Append("</td><td class=\"num\">").Append(d.Records).Append("</td><td class=\"num\">").Append(Html.Bytes(d.UplinkBytes))
                .Append("</td><td class=\"num\">").Append(d.RecordsDropped).Append("</td><td>").Append(Html.E(d.AgentVersion ?? "–")).Append("</td></tr>");
        if (devices.Length == 0) body.Append("<tr><td colspan=\"9\" class=\"empty\">No devices registered yet (edgetoken collector device add).</td></tr>");
        body.Append("</tbody></table>");
        return Html.Page("Fleet", user, body.ToString());
    }

    public static string Device(string user, FleetDevice device, IReadOnlyList<SummaryPoint> summaries, IReadOnlyList<EventRow> events,
        IReadOnlyList<AlertRow> alerts, AntiforgeryTokenSet tokens)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(Html.E(device.DeviceId)).Append(' ').Append(Html.Badge(device.Health)).Append("</h1>");
        body.Append("<p class=\"facts\">Last seen ").Append(Html.Time(device.LastSeen)).Append(" · ").Append(device.Records).Append(" records · ")
            .Append(Html.Bytes(device.UplinkBytes)).Append(" uplink · agent ").Append(Html.E(device.AgentVersion ?? "–")).Append("</p>");
        body.Append("<h2>Anomaly score</h2>").Append(SvgChart.Score(summaries));
        body.Append("<h2>Class over time</h2>").Append(SvgChart.Classes(summaries));
        body.Append("<h2>Alerts</h2>").Append(AlertTable(alerts, tokens, $"/devices/{Uri.EscapeDataString(device.DeviceId)}", showDevice: false));
        body.Append("<h2>Recent events</h2><table class=\"events\"><thead><tr><th>Time</th><th>Seq</th><th>Pipeline</th><th>Label</th><th>Score</th><th>Threshold</th><th>Edge</th><th>Context</th></tr></thead><tbody>");
        foreach (var e in events)
            body.Append("<tr><td>").Append(Html.Time(e.Time)).Append("</td><td class=\"num\">").Append(e.Sequence).Append("</td><td>").Append(Html.E(e.Pipeline))
                .Append("</td><td>").Append(Html.E(e.Label ?? "–")).Append("</td><td class=\"num\">").Append(Html.Number(e.Score)).Append("</td><td class=\"num\">")
                .Append(Html.Number(e.Threshold)).Append("</td><td>").Append(e.Rising ? "rising" : "cleared").Append("</td><td>")
                .Append(SvgChart.Sparkline(e.Context)).Append(" <small>").Append(Html.E(e.ContextKind)).Append(", ").Append(e.Context.Length).Append(" values</small></td></tr>");
        if (events.Count == 0) body.Append("<tr><td colspan=\"8\" class=\"empty\">No events.</td></tr>");
        body.Append("</tbody></table>");
        return Html.Page(device.DeviceId, user, body.ToString());
    }

    public static string Alerts(string user, IReadOnlyList<AlertRow> active, IReadOnlyList<AlertRow> all, AntiforgeryTokenSet tokens) =>
        Html.Page("Alerts", user, "<h1>Active alerts</h1>" + AlertTable(active, tokens, "/alerts", showDevice: true)
            + "<h2>Acknowledged</h2>" + AlertTable(all.Where(a => a.AcknowledgedAt is not null).ToList(), tokens, "/alerts", showDevice: true));

    static string AlertTable(IReadOnlyList<AlertRow> alerts, AntiforgeryTokenSet tokens, string returnTo, bool showDevice)
    {
        if (alerts.Count == 0) return "<p class=\"empty\">None.</p>";
        var html = new StringBuilder("<table class=\"alerts\"><thead><tr>");
        if (showDevice) html.Append("<th>Device</th>");
        html.Append("<th>Raised</th><th>Pipeline</th><th>Label</th><th>Score</th><th>Acknowledgement</th></tr></thead><tbody>");
        foreach (var a in alerts)
        {
            html.Append("<tr class=\"alert\" data-alert=\"").Append(Html.E($"{a.DeviceId}/{a.Sequence}")).Append("\">");
            if (showDevice) html.Append("<td><a href=\"/devices/").Append(Uri.EscapeDataString(a.DeviceId)).Append("\">").Append(Html.E(a.DeviceId)).Append("</a></td>");
            html.Append("<td>").Append(Html.Time(a.RaisedAt)).Append("</td><td>").Append(Html.E(a.Pipeline)).Append("</td><td>").Append(Html.E(a.Label ?? "–"))
                .Append("</td><td class=\"num\">").Append(Html.Number(a.Score)).Append("</td><td>");
            if (a.AcknowledgedAt is { } at)
                html.Append("<span class=\"ack\">").Append(Html.E(a.AcknowledgedBy)).Append(", ").Append(Html.Time(at)).Append(": ").Append(Html.E(a.Comment)).Append("</span>");
            else
                html.Append("<form method=\"post\" class=\"ack-form\" action=\"/alerts/").Append(Uri.EscapeDataString(a.DeviceId)).Append('/').Append(a.Sequence).Append("/ack\">")
                    .Append("<input type=\"hidden\" name=\"").Append(Html.E(tokens.FormFieldName)).Append("\" value=\"").Append(Html.E(tokens.RequestToken)).Append("\">")
                    .Append("<input type=\"hidden\" name=\"returnTo\" value=\"").Append(Html.E(returnTo)).Append("\">")
                    .Append("<input name=\"comment\" required maxlength=\"2000\" placeholder=\"What was done or decided\" aria-label=\"comment\">")
                    .Append("<button type=\"submit\">Acknowledge</button></form>");
            html.Append("</td></tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    static string Tile(string label, string value) => $"<div class=\"tile\"><span class=\"value\">{Html.E(value)}</span><span class=\"label\">{Html.E(label)}</span></div>";

    public static IResult Content(string html, int status = 200) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
