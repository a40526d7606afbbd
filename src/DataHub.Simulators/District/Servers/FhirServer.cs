using System.Globalization;
using System.Text.Json;
using DataHub.Simulators.District.Stores;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DataHub.Simulators.District.Servers;

/// <summary>
/// The simulated 卫健 FHIR R4 server, enough of the RESTful API for a search client:
/// <c>GET metadata</c>; <c>GET Patient|Condition|CarePlan</c> with <c>_count</c>, <c>_offset</c>
/// (the paging the server's own next links use), <c>_lastUpdated=gt|ge…</c>, <c>_id=a,b</c> and
/// <c>_revinclude=Condition:subject</c> / <c>CarePlan:subject</c>. Results are searchset Bundles
/// with <c>self</c> and <c>next</c> links; an expired paging link answers 410 with an OperationOutcome.
/// </summary>
internal static class FhirServer
{
    public const string Base = "/wsjk/fhir";

    private static readonly string[] Types = ["Patient", "Condition", "CarePlan"];
    private static readonly FhirJsonSerializer Serializer = new();

    public static void Map(WebApplication app, DistrictStore store, DistrictFaults faults)
    {
        var capability = Capability();
        app.MapGet(Base + "/metadata", () => Results.Text(capability, "application/fhir+json; charset=utf-8"));
        app.MapGet(Base, (HttpContext http) => http.Request.Query.ContainsKey("_getpages")
            ? Outcome(410, "processing", "分页会话已过期（_getpages）")
            : Outcome(400, "not-supported", "不支持系统级检索"));
        app.MapGet(Base + "/{type}", (HttpContext http, string type) => Search(http, store, faults, type));
    }

    private static IResult Search(HttpContext http, DistrictStore store, DistrictFaults faults, string type)
    {
        if (!Types.Contains(type, StringComparer.Ordinal)) return Outcome(404, "not-supported", $"不支持的资源类型 {type}");
        var q = http.Request.Query;
        var count = Int(q["_count"], 50, 1, 1000);
        var offset = Int(q["_offset"], 0, 0, int.MaxValue);
        var filters = new List<string> { "type = $type" };
        var args = new List<(string, object)> { ("$type", type) };
        if (q.TryGetValue("_lastUpdated", out var lu) && lu.ToString() is { Length: > 2 } lastUpdated)
        {
            var op = lastUpdated[..2] switch { "gt" => ">", "ge" => ">=", "lt" => "<", "le" => "<=", _ => null };
            var text = op is null ? lastUpdated : lastUpdated[2..];
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                return Outcome(400, "invalid", "_lastUpdated 不是有效时间");
            filters.Add($"updated {op ?? ">="} $since");
            args.Add(("$since", FhirResources.Instant(at)));
        }
        if (q.TryGetValue("_id", out var ids) && ids.ToString().Length > 0)
        {
            var list = ids.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            filters.Add($"id IN ({string.Join(',', list.Select((_, i) => "$id" + i.ToString(CultureInfo.InvariantCulture)))})");
            args.AddRange(list.Select((id, i) => ("$id" + i.ToString(CultureInfo.InvariantCulture), (object)id)));
        }
        var includes = q["_revinclude"].Select(v => v?.Split(':')[0]).Where(t => t is "Condition" or "CarePlan").Cast<string>().ToList();

        using var conn = store.Open();
        long total;
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT count(*) FROM fhir WHERE {string.Join(" AND ", filters)}";
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
            total = (long)cmd.ExecuteScalar()!;
        }
        var matches = new List<(string Id, string Json)>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT id, json FROM fhir WHERE {string.Join(" AND ", filters)} ORDER BY seq LIMIT $count OFFSET $offset";
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
            cmd.Parameters.AddWithValue("$count", count);
            cmd.Parameters.AddWithValue("$offset", offset);
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) matches.Add((reader.GetString(0), reader.GetString(1)));
        }
        var included = new List<(string Type, string Id, string Json)>();
        if (type == "Patient" && includes.Count > 0 && matches.Count > 0)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT type, id, json FROM fhir WHERE type IN ({string.Join(',', includes.Select((_, i) => "$t" + i.ToString(CultureInfo.InvariantCulture)))}) "
                + $"AND patient IN ({string.Join(',', matches.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))}) ORDER BY seq";
            for (var i = 0; i < includes.Count; i++) cmd.Parameters.AddWithValue("$t" + i.ToString(CultureInfo.InvariantCulture), includes[i]);
            for (var i = 0; i < matches.Count; i++) cmd.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), matches[i].Id);
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) included.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        var request = http.Request;
        var root = $"{request.Scheme}://{request.Host}{Base}/";
        var self = $"{root}{type}{request.QueryString}";
        string? next = null;
        if (offset + matches.Count < total)
        {
            var page = offset / count + 1;
            if (faults.BrokenNextAfterPage is { } broken && page >= broken)
                next = $"{root.TrimEnd('/')}?_getpages=expired-{Guid.NewGuid():N}&_getpagesoffset={offset + count}";
            else
            {
                var query = request.Query.Where(kv => kv.Key != "_offset")
                    .SelectMany(kv => kv.Value.Select(v => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(v ?? "")))
                    .Append("_offset=" + (offset + count).ToString(CultureInfo.InvariantCulture));
                next = $"{root}{type}?{string.Join('&', query)}";
            }
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Bundle");
            w.WriteString("id", Guid.NewGuid().ToString("N"));
            w.WriteStartObject("meta");
            w.WriteString("lastUpdated", FhirResources.Instant(TimeProvider.System.GetUtcNow()));
            w.WriteEndObject();
            w.WriteString("type", "searchset");
            w.WriteNumber("total", total);
            w.WriteStartArray("link");
            Link(w, "self", self);
            if (next is not null) Link(w, "next", next);
            w.WriteEndArray();
            w.WriteStartArray("entry");
            foreach (var (id, json) in matches) Entry(w, root + type + "/" + id, json, "match");
            foreach (var (t, id, json) in included) Entry(w, root + t + "/" + id, json, "include");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Results.Bytes(buffer.ToArray(), "application/fhir+json; charset=utf-8");
    }

    private static void Link(Utf8JsonWriter w, string relation, string url)
    {
        w.WriteStartObject();
        w.WriteString("relation", relation);
        w.WriteString("url", url);
        w.WriteEndObject();
    }

    private static void Entry(Utf8JsonWriter w, string fullUrl, string json, string mode)
    {
        w.WriteStartObject();
        w.WriteString("fullUrl", fullUrl);
        w.WritePropertyName("resource");
        w.WriteRawValue(json, skipInputValidation: true);
        w.WriteStartObject("search");
        w.WriteString("mode", mode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static IResult Outcome(int status, string code, string message)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = Enum.Parse<OperationOutcome.IssueType>(code switch { "not-supported" => "NotSupported", "invalid" => "Invalid", _ => "Processing" }),
            Diagnostics = message,
        });
        return Results.Text(Serializer.SerializeToString(outcome), "application/fhir+json; charset=utf-8", statusCode: status);
    }

    private static string Capability()
    {
        var capability = new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = "2026-01-01",
            Kind = CapabilityStatementKind.Instance,
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Software = new CapabilityStatement.SoftwareComponent { Name = "DataHub 模拟卫健基层卫生信息系统" },
        };
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        foreach (var type in Types)
        {
            var resource = new CapabilityStatement.ResourceComponent { Type = type };
            resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType });
            if (type == "Patient") resource.SearchRevInclude = ["Condition:subject", "CarePlan:subject"];
            rest.Resource.Add(resource);
        }
        capability.Rest.Add(rest);
        return Serializer.SerializeToString(capability);
    }

    private static int Int(Microsoft.Extensions.Primitives.StringValues value, int fallback, int min, int max) =>
        value.Count > 0 && int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : fallback;
}
