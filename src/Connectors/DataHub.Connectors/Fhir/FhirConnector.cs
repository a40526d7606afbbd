using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Http;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace DataHub.Connectors.Fhir;

/// <summary>
/// Reads a FHIR R4 server (type <c>fhir</c>), e.g. a 卫健 primary-care system: one row per Patient
/// with its active Conditions (ICD-10) and its family-doctor contract (a CarePlan, see
/// docs/SOURCES.md for why not Contract) folded in. Bundles are parsed with Firely's SDK and
/// followed through their <c>next</c> links; incremental runs ask for what changed after the
/// largest <c>meta.lastUpdated</c> committed so far (<c>_lastUpdated=gt…</c>).
/// </summary>
/// <remarks>
/// A full read is one search, <c>Patient?_revinclude=Condition:subject&amp;_revinclude=CarePlan:subject</c>,
/// so each page brings its patients' conditions and plans and memory holds one page. An
/// incremental read searches changed Patients (with their includes), then changed Conditions and
/// CarePlans, and fetches the patients those name that were not yet read (<c>Patient?_id=…</c>).
/// </remarks>
internal sealed class FhirConnector(TimeProvider time) : ISourceConnector
{
    public const string TypeName = "fhir";

    private const string Includes = "_revinclude=Condition:subject&_revinclude=CarePlan:subject";

    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    public ConnectorSpec Spec { get; } = new(TypeName, "FHIR R4 服务器", FhirOptions.Declared, SupportsIncremental: true, HasCursor: true);

    public async Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var options = FhirOptions.From(config);
            var version = await CapabilityAsync(options, cancellationToken).ConfigureAwait(false);
            return CheckResult.Ok($"可以连接 FHIR 服务器 {options.BaseUrl}（FHIR 版本 {version}）");
        }
        catch (ConnectorException e)
        {
            return CheckResult.Failed(e.Describe());
        }
    }

    public async Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = FhirOptions.From(config);
        await CapabilityAsync(options, cancellationToken).ConfigureAwait(false);
        return new SourceStream("Patient", HealthRecordColumns.All);
    }

    public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = FhirOptions.From(config);
        var since = FhirState.Since(state);
        using var http = new HttpSource(options.Http, time);
        var rows = new PatientRowBuilder(options);
        var cursor = new LastUpdatedTracker(since);
        var columns = HealthRecordColumns.All;
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        RecordBatch? pending = null;
        long position = 0;
        var count = options.PageSize.ToString(CultureInfo.InvariantCulture);

        var searches = new List<string>
        {
            since is null
                ? $"Patient?_count={count}&{Includes}"
                : $"Patient?_lastUpdated=gt{Uri.EscapeDataString(since)}&_count={count}&{Includes}",
        };
        foreach (var search in searches)
        {
            await foreach (var bundle in BundlesAsync(options, http, search, cancellationToken).ConfigureAwait(false))
            {
                var records = Rows(bundle, rows, cursor, emitted, ref position);
                if (records.Count == 0) continue;
                if (pending is not null) yield return pending;
                pending = new RecordBatch(columns, records, IsDelta: since is not null);
            }
        }

        if (since is not null)
        {
            // Conditions and plans change without their Patient changing: read the patients they name.
            var named = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var type in (string[])["Condition", "CarePlan"])
            {
                await foreach (var bundle in BundlesAsync(options, http, $"{type}?_lastUpdated=gt{Uri.EscapeDataString(since)}&_count={count}", cancellationToken).ConfigureAwait(false))
                {
                    foreach (var resource in bundle.Entry.Select(e => e.Resource))
                    {
                        cursor.See(resource);
                        if (SubjectId(resource) is { } id && !emitted.Contains(id)) named.Add(id);
                    }
                }
            }
            foreach (var chunk in named.Chunk(options.PageSize))
            {
                var ids = string.Join(',', chunk.Select(Uri.EscapeDataString));
                await foreach (var bundle in BundlesAsync(options, http, $"Patient?_id={ids}&_count={count}&{Includes}", cancellationToken).ConfigureAwait(false))
                {
                    var records = Rows(bundle, rows, cursor, emitted, ref position);
                    if (records.Count == 0) continue;
                    if (pending is not null) yield return pending;
                    pending = new RecordBatch(columns, records, IsDelta: since is not null);
                }
            }
        }

        // Checkpoint: every page of every search was read; the cursor covers what was handed out.
        var finalState = FhirState.Create(cursor.Max, position);
        yield return pending is null ? new RecordBatch(columns, [], finalState, IsDelta: since is not null) : pending with { State = finalState };
    }

    private static List<SourceRecord> Rows(Bundle bundle, PatientRowBuilder builder, LastUpdatedTracker cursor, HashSet<string> emitted, ref long position)
    {
        var conditions = new Dictionary<string, List<Condition>>(StringComparer.Ordinal);
        var plans = new Dictionary<string, List<CarePlan>>(StringComparer.Ordinal);
        var patients = new List<Patient>();
        foreach (var resource in bundle.Entry.Select(e => e.Resource))
        {
            cursor.See(resource);
            switch (resource)
            {
                case Patient p:
                    patients.Add(p);
                    break;
                case Condition c when SubjectId(c) is { } id:
                    Add(conditions, id, c);
                    break;
                case CarePlan plan when SubjectId(plan) is { } id:
                    Add(plans, id, plan);
                    break;
            }
        }
        var records = new List<SourceRecord>(patients.Count);
        foreach (var p in patients)
        {
            // The same patient twice (a server re-listing it on the next page) is one record.
            if (p.Id is null || !emitted.Add(p.Id)) continue;
            records.Add(new SourceRecord(++position, builder.Build(p, conditions.GetValueOrDefault(p.Id) ?? [], plans.GetValueOrDefault(p.Id) ?? [])));
        }
        return records;
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    /// <summary>The logical id of the Patient a Condition or CarePlan is about ("Patient/123" or an absolute URL).</summary>
    private static string? SubjectId(Resource? resource)
    {
        var reference = resource switch
        {
            Condition c => c.Subject?.Reference,
            CarePlan p => p.Subject?.Reference,
            _ => null,
        };
        if (reference is null) return null;
        var at = reference.LastIndexOf("Patient/", StringComparison.Ordinal);
        if (at < 0) return null;
        var id = reference[(at + "Patient/".Length)..];
        var history = id.IndexOf('/', StringComparison.Ordinal);
        return history >= 0 ? id[..history] : id;
    }

    private static async IAsyncEnumerable<Bundle> BundlesAsync(FhirOptions options, HttpSource http, string search,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = new Uri(options.BaseUrl, search);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var what = $"FHIR 检索 {search.Split('?')[0]} 第 {page} 页";
            byte[] body;
            try
            {
                body = await http.GetBytesAsync(url, what, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e) when (page > 1 && e.Failure != ConnectorFailure.Transient)
            {
                throw BrokenNext(options, page, e.UserMessage, e);
            }
            var bundle = Parse(options, body, url, what, page);
            yield return bundle;

            var next = bundle.NextLink;
            if (next is null) yield break;
            if (!Uri.TryCreate(options.BaseUrl, next.OriginalString, out var nextUrl)
                || nextUrl.Scheme != options.BaseUrl.Scheme || nextUrl.Authority != options.BaseUrl.Authority)
                throw BrokenNext(options, page + 1, "链接不是本服务器上的有效地址", null);
            if (!seen.Add(nextUrl.AbsoluteUri))
                throw BrokenNext(options, page + 1, "链接指回已读过的页，继续会无限循环", null);
            url = nextUrl;
        }
    }

    private static Bundle Parse(FhirOptions options, byte[] body, Uri url, string what, int page)
    {
        Resource? resource;
        try
        {
            var reader = new Utf8JsonReader(body);
            resource = Deserializer.DeserializeResource(ref reader);
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or FormatException)
        {
            throw new ConnectorException(ConnectorFailure.Data, "FHIR_MALFORMED",
                $"{what}的响应不是有效的 FHIR R4 JSON", Where(options, url),
                page > 1
                    ? "分页链接（next）返回了损坏的内容：这是对方服务器的问题，请联系对方系统管理员；本次未发布，继续提供上一版本"
                    : "确认 base_url 指向 FHIR R4 服务器（而不是网页或其他接口）");
        }
        return resource switch
        {
            Bundle b => b,
            OperationOutcome => throw new ConnectorException(ConnectorFailure.Data, "FHIR_OPERATION_OUTCOME",
                $"{what}返回了错误结果（OperationOutcome）而不是 Bundle", Where(options, url), "查看对方服务器日志，或联系对方系统管理员"),
            _ => throw new ConnectorException(ConnectorFailure.Data, "FHIR_NOT_BUNDLE",
                $"{what}返回的是 {resource?.TypeName ?? "空内容"}，而不是检索结果 Bundle", Where(options, url), "确认 base_url 指向 FHIR R4 服务器的根地址"),
        };
    }

    private static ConnectorException BrokenNext(FhirOptions options, int page, string reason, Exception? inner) =>
        new(ConnectorFailure.Data, "FHIR_NEXT_LINK_BROKEN",
            $"FHIR 检索结果第 {page - 1} 页的 next 链接无法读取第 {page} 页：{reason}",
            $"数据源 {options.SourceId}，{options.BaseUrl}",
            "对方服务器的分页链接失效（多为分页会话过期或服务器地址配置错误）：稍后重新运行；持续出现请联系对方系统管理员。本次未发布，继续提供上一版本",
            inner);

    private static ConnectorException NotAServer(FhirOptions options, Uri url) =>
        new(ConnectorFailure.Config, "FHIR_NOT_A_SERVER", "该地址不是 FHIR R4 服务器（metadata 没有返回能力声明 CapabilityStatement）",
            Where(options, url), "把 base_url 改为 FHIR 服务器的根地址（其下应有 /metadata、/Patient）");

    private static string Where(FhirOptions options, Uri url) => $"数据源 {options.SourceId}，{url.GetLeftPart(UriPartial.Path)}";

    private async Task<string> CapabilityAsync(FhirOptions options, CancellationToken cancellationToken)
    {
        using var http = new HttpSource(options.Http, time);
        var url = new Uri(options.BaseUrl, "metadata");
        byte[] body;
        try
        {
            body = await http.GetBytesAsync(url, "FHIR 能力声明（metadata）", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException e) when (e.Code == "HTTP_NOT_FOUND")
        {
            throw NotAServer(options, url);
        }
        Resource? resource;
        try
        {
            var reader = new Utf8JsonReader(body);
            resource = Deserializer.DeserializeResource(ref reader);
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or FormatException)
        {
            resource = null;
        }
        if (resource is not CapabilityStatement capability) throw NotAServer(options, url);
        var version = capability.FhirVersion is { } v ? v.ToString() : "未声明";
        if (capability.FhirVersion is { } fv && !fv.ToString().StartsWith("N4_0", StringComparison.Ordinal))
            throw new ConnectorException(ConnectorFailure.Config, "FHIR_VERSION", $"服务器声明的 FHIR 版本为 {version}，本连接器只读 R4（4.0.x）",
                Where(options, url), "连接该服务器的 R4 端点，或请对方提供 R4 接口");
        return "4.0";
    }
}

/// <summary>The largest <c>meta.lastUpdated</c> seen: the next incremental run asks for what changed after it.</summary>
internal sealed class LastUpdatedTracker(string? since)
{
    private DateTimeOffset? _max = since is not null && DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s : null;

    public void See(Resource? resource)
    {
        if (resource?.Meta?.LastUpdated is { } t && (_max is null || t > _max)) _max = t;
    }

    public string? Max => _max?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}

/// <summary>The FHIR connector's state: the <c>_lastUpdated</c> cursor and the records the read covered.</summary>
internal static class FhirState
{
    public static ConnectorState Create(string? lastUpdated, long records) =>
        new(JsonSerializer.Serialize(new Dictionary<string, object?> { ["lastUpdated"] = lastUpdated, ["records"] = records }));

    public static string? Since(ConnectorState? state)
    {
        if (state is null || string.IsNullOrWhiteSpace(state.Json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(state.Json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("lastUpdated", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
