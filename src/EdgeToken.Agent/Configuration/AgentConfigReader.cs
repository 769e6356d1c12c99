using System.Text.Json;

namespace EdgeToken.Agent.Configuration;

/// <summary>
/// Reads and validates agent.json at start. An unknown key, a missing or wrong value, a pipeline bound to a
/// source that does not exist, or a plan file or pipeline type that cannot be found is reported with its JSON
/// path; the agent does not start on a half-valid configuration.
/// </summary>
public static class AgentConfigReader
{
    public static AgentConfig Read(string file, Func<string, bool>? isRegisteredPipelineType = null)
    {
        if (!File.Exists(file)) throw new AgentConfigException(file, ["$: the configuration file does not exist"]);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new AgentConfigException(file, [$"$: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}"]);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new AgentConfigException(file, ["$: expected a JSON object"]);
            string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            return Parse(new ConfigNode(document.RootElement, "$", []), file, baseDirectory, isRegisteredPipelineType ?? (_ => false));
        }
    }

    private static AgentConfig Parse(ConfigNode root, string file, string baseDirectory, Func<string, bool> isRegistered)
    {
        var errors = new List<string>();
        root = Rebind(root, errors);
        root.AllowOnly("deviceId", "sources", "pipelines", "summaryIntervalSeconds", "heartbeatIntervalSeconds", "outbox", "uplink");
        string? deviceId = root.String("deviceId", required: true);
        if (deviceId is not null && deviceId.IndexOfAny(['/', '+', '#', ' ']) >= 0)
            root.Problem("deviceId", "must not contain '/', '+', '#' or spaces (it is part of MQTT topics)");

        var sources = new List<SourceConfig>();
        foreach (var s in root.Objects("sources", required: true))
        {
            s.AllowOnly("name", "kind", "sampleRateHz", "seed", "realTime", "faultOnsetSeconds", "ringFrames", "port", "baudRate", "channels", "int16Scale",
                "path", "bus", "address", "fullScaleG",
                "shaftHz", "fault", "faultGrowthSeconds", "faultAmplitude", "speedup", "lossless");
            string? fault = s.String("fault");
            var faultKind = fault switch
            {
                null or "outer" => Sensors.Machinery.BearingFaultKind.OuterRace,
                "inner" => Sensors.Machinery.BearingFaultKind.InnerRace,
                "ball" => Sensors.Machinery.BearingFaultKind.RollingElement,
                "cage" => Sensors.Machinery.BearingFaultKind.Cage,
                _ => (Sensors.Machinery.BearingFaultKind?)null,
            };
            if (faultKind is null) s.Problem("fault", $"unknown fault '{fault}'; expected outer, inner, ball or cage");
            string? name = s.String("name", required: true);
            string? kind = s.String("kind", required: true);
            if (kind is not null and not ("simulator" or "serial" or "replay" or "i2c")) s.Problem("kind", $"unknown source kind '{kind}'; expected simulator, serial, replay or i2c");
            string? port = s.String("port", required: kind == "serial");
            double? givenRate = s.Number("sampleRateHz", kind == "i2c" ? 1 : 100, 1e6);
            double rate = givenRate ?? (kind == "i2c" ? 1344 : 20480);
            string? path = s.String("path", required: kind == "replay");
            if (kind == "replay" && path is not null)
            {
                path = Path.GetFullPath(path, baseDirectory);
                if (SourceChecks.RecordingProblem(path, givenRate) is { } problem) s.Problem("path", problem);
                else rate = SourceChecks.RecordingRate(path, givenRate);
            }
            int fullScale = (int)(s.Number("fullScaleG", 2, 16) ?? 4);
            if (kind == "i2c")
            {
                if (SourceChecks.Lis3dhRate(rate) is null) s.Problem("sampleRateHz", $"the LIS3DH samples at 1, 10, 25, 50, 100, 200, 400 or 1344 Hz, not {rate}");
                if (SourceChecks.Lis3dhScale(fullScale) is null) s.Problem("fullScaleG", $"the LIS3DH's range is 2, 4, 8 or 16 g, not {fullScale}");
            }
            if (name is not null && sources.Any(x => x.Name == name)) s.Problem("name", $"a source named '{name}' is already defined");
            if (name is not null && kind is not null)
                sources.Add(new SourceConfig(name, kind, rate, (ulong)(s.Number("seed", 0, 1e15) ?? 1), s.Bool("realTime") ?? true,
                    s.Number("faultOnsetSeconds", 0, 1e9), (int)(s.Number("ringFrames", 2, 1 << 20) ?? 64))
                {
                    Port = port,
                    BaudRate = (int)(s.Number("baudRate", 300, 16_000_000) ?? 921_600),
                    Channels = (int)(s.Number("channels", 1, 16) ?? 3),
                    Int16Scale = s.Number("int16Scale", 1e-12, 1e12) ?? 1,
                    Path = path,
                    Bus = (int)(s.Number("bus", 0, 1023) ?? 1),
                    Address = (int)(s.Number("address", 0x03, 0x77) ?? 0x18),
                    FullScaleG = fullScale,
                    ShaftHz = s.Number("shaftHz", 0.5, 200) ?? 10,
                    FaultKind = faultKind ?? Sensors.Machinery.BearingFaultKind.OuterRace,
                    FaultGrowthSeconds = s.Number("faultGrowthSeconds", 0, 1e9) ?? 30,
                    FaultAmplitude = s.Number("faultAmplitude", 0, 100) ?? 1.0,
                    Speedup = s.Number("speedup", 0.01, 1e4) ?? 1,
                    Lossless = s.Bool("lossless") ?? false,
                });
        }

        var pipelines = new List<PipelineConfig>();
        foreach (var p in root.Objects("pipelines", required: true))
        {
            p.AllowOnly("name", "source", "plan", "type", "threshold", "debounceWindows", "debounceSpan", "labels", "contextLength");
            string? name = p.String("name", required: true);
            string? source = p.String("source", required: true);
            string? plan = p.String("plan");
            string? type = p.String("type");
            if (source is not null && sources.All(s => s.Name != source))
                p.Problem("source", $"no source named '{source}'; defined: {string.Join(", ", sources.Select(s => s.Name))}");
            if ((plan is null) == (type is null)) p.Problem("plan", "give exactly one of 'plan' (an .etplan file) or 'type' (a pipeline class the application registered)");
            if (plan is not null)
            {
                plan = Path.GetFullPath(plan, baseDirectory);
                if (!File.Exists(plan)) p.Problem("plan", $"missing pipeline: the plan file {plan} does not exist (compile one with `edgetoken compile MODEL.onnx`)");
            }
            if (type is not null && !isRegistered(type)) p.Problem("type", $"missing pipeline: no pipeline type '{type}' is registered with AddEdgeTokenAgent");
            if (name is not null && pipelines.Any(x => x.Name == name)) p.Problem("name", $"a pipeline named '{name}' is already defined");
            int debounce = (int)(p.Number("debounceWindows", 1, 10_000) ?? 3);
            int span = (int)(p.Number("debounceSpan", 1, 10_000) ?? debounce);
            if (span < debounce) p.Problem("debounceSpan", $"{span} is shorter than debounceWindows ({debounce}); the span is how many recent windows the {debounce} are counted in");
            if (name is not null && source is not null)
                pipelines.Add(new PipelineConfig(name, source, plan, type, p.Number("threshold", -1e9, 1e9) ?? 0.5,
                    debounce, p.Strings("labels"), (int)(p.Number("contextLength", 0, 4096) ?? 64)) { DebounceSpan = span });
        }

        double summary = root.Number("summaryIntervalSeconds", 0.01, 86_400) ?? 60;
        double heartbeat = root.Number("heartbeatIntervalSeconds", 0.01, 86_400) ?? 300;

        OutboxConfig? outbox = null;
        if (root.Object("outbox", required: true) is { } o)
        {
            o.AllowOnly("path", "diskBudgetBytes");
            string? path = o.String("path", required: true);
            long budget = (long)(o.Number("diskBudgetBytes", 16 * 1024, 1e13) ?? 64 << 20);
            if (path is not null) outbox = new OutboxConfig(Path.GetFullPath(path, baseDirectory), budget);
        }

        UplinkConfig? uplink = null;
        if (root.Object("uplink", required: true) is { } u)
        {
            u.AllowOnly("http", "mqtt", "maxBackoffSeconds", "bandwidthBytesPerSecond");
            HttpUplinkConfig? http = null;
            MqttUplinkConfig? mqtt = null;
            if (u.Object("http") is { } h)
            {
                h.AllowOnly("collector", "token", "tokenFile", "gzip", "clientCertificate", "clientKey", "caCertificate");
                string? collector = h.String("collector", required: true);
                string? token = h.String("token");
                if (h.String("tokenFile") is { } tokenFile)
                {
                    tokenFile = Path.GetFullPath(tokenFile, baseDirectory);
                    if (File.Exists(tokenFile)) token = File.ReadAllText(tokenFile).Trim();
                    else h.Problem("tokenFile", $"the file {tokenFile} does not exist");
                }
                if (collector is not null && (!Uri.TryCreate(collector, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                    h.Problem("collector", $"expected an http:// or https:// address, got '{collector}'");
                else if (collector is not null)
                {
                    var (certificate, key, ca) = (PemFile(h, "clientCertificate", baseDirectory), PemFile(h, "clientKey", baseDirectory), PemFile(h, "caCertificate", baseDirectory));
                    if (key is not null && certificate is null) h.Problem("clientKey", "a client key needs its 'clientCertificate'");
                    CheckTls(h, certificate, key, ca);
                    if ((certificate is not null || ca is not null) && !collector.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                        h.Problem("collector", "certificates need an https:// collector address");
                    http = new HttpUplinkConfig(new Uri(collector), token, h.Bool("gzip") ?? true, certificate, key) { CaCertificate = ca };
                }
            }
            if (u.Object("mqtt") is { } m)
            {
                m.AllowOnly("broker", "username", "password", "tls", "caCertificate", "clientCertificate", "clientKey");
                var (certificate, key, ca) = (PemFile(m, "clientCertificate", baseDirectory), PemFile(m, "clientKey", baseDirectory), PemFile(m, "caCertificate", baseDirectory));
                bool tls = m.Bool("tls") ?? false;
                if ((certificate is not null || ca is not null) && !tls) m.Problem("tls", "certificates are given, so set \"tls\": true");
                if (key is not null && certificate is null) m.Problem("clientKey", "a client key needs its 'clientCertificate'");
                CheckTls(m, certificate, key, ca);
                string? broker = m.String("broker", required: true);
                if (broker is not null)
                {
                    int colon = broker.LastIndexOf(':');
                    if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
                        m.Problem("broker", $"expected HOST:PORT, got '{broker}'");
                    else mqtt = new MqttUplinkConfig(broker[..colon], port, m.String("username"), m.String("password"), tls)
                    {
                        CaCertificate = ca,
                        ClientCertificate = certificate,
                        ClientKey = key,
                    };
                }
            }
            if (http is null && mqtt is null && !errors.Any(e => e.StartsWith("$.uplink.", StringComparison.Ordinal)))
                u.Problem("http", "configure one uplink: 'http' or 'mqtt'");
            if (http is not null && mqtt is not null) u.Problem("mqtt", "configure one uplink, not both: the outbox is drained by one uplink");
            uplink = new UplinkConfig(http, mqtt, TimeSpan.FromSeconds(u.Number("maxBackoffSeconds", 0.01, 3600) ?? 15),
                (long?)u.Number("bandwidthBytesPerSecond", 100, 1e12));
        }

        if (errors.Count > 0) throw new AgentConfigException(file, errors);
        return new AgentConfig(deviceId!, sources, pipelines, TimeSpan.FromSeconds(summary), TimeSpan.FromSeconds(heartbeat), outbox!, uplink!);
    }

    /// <summary>A PEM file's absolute path, relative to agent.json; a problem when it does not exist.</summary>
    private static string? PemFile(ConfigNode node, string key, string baseDirectory)
    {
        if (node.String(key) is not { } path) return null;
        path = Path.GetFullPath(path, baseDirectory);
        if (!File.Exists(path)) node.Problem(key, $"the file {path} does not exist");
        return path;
    }

    /// <summary>Loads the PEM files once, so a wrong file stops the agent at start rather than at its first upload.</summary>
    private static void CheckTls(ConfigNode node, string? certificate, string? key, string? ca)
    {
        if (certificate is not null && File.Exists(certificate) && (key is null || File.Exists(key)))
        {
            try { using var _ = Uplinks.TlsTrust.ClientCertificate(certificate, key); }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException) { node.Problem("clientCertificate", $"not a PEM certificate with its private key{(key is null ? " (give 'clientKey' if the key is in its own file)" : "")}: {e.Message}"); }
        }
        if (ca is not null && File.Exists(ca))
        {
            try
            {
                if (Uplinks.TlsTrust.Roots(ca).Count == 0) node.Problem("caCertificate", "the file holds no PEM certificate");
            }
            catch (System.Security.Cryptography.CryptographicException e) { node.Problem("caCertificate", $"not a PEM certificate: {e.Message}"); }
        }
    }

    // The root node was created before the error list existed; give it this parse's list.
    private static ConfigNode Rebind(ConfigNode root, List<string> errors) => root.WithErrors(errors);
}
