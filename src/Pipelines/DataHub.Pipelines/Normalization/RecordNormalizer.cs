using System.Globalization;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using DataHub.Pipelines.Sources;

namespace DataHub.Pipelines.Normalization;

/// <summary>A reason a row was quarantined: a stable code, the field, and a zh-CN message.</summary>
public sealed record Problem(string Code, string Field, string Message);

/// <summary>A value a field rule set to null: the field, the reason and the value as the source had it.</summary>
public sealed record FieldIssue(string Code, string Field, string Message, string Original);

/// <summary>
/// The outcome for one source record: a normalised row, or the problems that quarantine it. An
/// accepted row may carry <see cref="FieldIssues"/>: values of non-identifying fields that failed
/// their rules and were set to null, and a community code filled from a certain standard address.
/// </summary>
public sealed record NormalizedRecord(long Position, IReadOnlyDictionary<string, string?>? Row, IReadOnlyList<Problem> Problems, IReadOnlyList<string> Warnings,
    IReadOnlyList<FieldIssue>? FieldIssues = null)
{
    public bool Accepted => Row is not null;
}

/// <summary>
/// Turns source records into shared-schema rows: mapping, transforms, type parsing, the national
/// standards, required fields and derivations. Values come out as canonical text (ISO dates,
/// invariant numbers) for the typed Parquet writer; every rejection names its rule.
/// </summary>
public sealed class RecordNormalizer
{
    private readonly DatasetSchema _schema;
    private readonly IDivisionDirectory _divisions;
    private readonly RecordIdHasher _hasher;
    private readonly (FieldSpec Spec, FieldMapping? Map, int Column)[] _plan;
    private readonly CommunityFromAddress? _communities;
    private readonly string? _addressField;

    private RecordNormalizer(DatasetSchema schema, IDivisionDirectory divisions, RecordIdHasher hasher, (FieldSpec, FieldMapping?, int)[] plan, CommunityFromAddress? communities)
    {
        _schema = schema;
        _divisions = divisions;
        _hasher = hasher;
        _plan = plan;
        _addressField = communities is null ? null : CommunityFromAddress.AddressField(schema);
        _communities = _addressField is null ? null : communities;
    }

    /// <summary>
    /// Binds a source definition to the columns the source actually has. A mapping that names a
    /// column the source lacks is a config error naming the columns that exist.
    /// </summary>
    /// <param name="communities">Resolves a missing community code from a certain standard address; null: a missing code quarantines the row.</param>
    public static RecordNormalizer Bind(SourceDefinition source, DatasetSchema schema, IReadOnlyList<SourceColumn> columns, IDivisionDirectory divisions, RecordIdHasher hasher,
        CommunityFromAddress? communities = null)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++) byName.TryAdd(HeaderKey(columns[i].Name), i);
        var plan = new List<(FieldSpec, FieldMapping?, int)>();
        foreach (var spec in schema.Fields.Where(f => !f.Derived))
        {
            var map = source.Fields.FirstOrDefault(m => m.Field == spec.Name);
            var column = -1;
            if (map?.From is { } from && !byName.TryGetValue(HeaderKey(from), out column))
            {
                var kind = spec.Required ? "缺少必需的列" : "缺少映射的列";
                throw new DataHubException(FailureKind.Config, "MAPPING_COLUMN_MISSING",
                    $"源数据{kind}“{from}”（映射到字段 {spec.Name}“{spec.Title}”）",
                    $"数据源 {source.Id}（{source.FilePath}）的 fields.{spec.Name}",
                    $"源数据现有的列：{string.Join("、", columns.Select(c => c.Name))}。请修改映射中的列名，或让部门重新导出包含该列的数据");
            }
            plan.Add((spec, map, column));
        }
        return new RecordNormalizer(schema, divisions, hasher, plan.ToArray(), communities);
    }

    /// <summary>
    /// Whether a failing value quarantines the row: the schema's record-level fields, and any required
    /// field no rule can fill (null is not an option there).
    /// </summary>
    private bool IsRecordLevel(FieldSpec spec) => spec.RecordRule || (spec.Required && !Derivations.CanDerive(_schema, spec));

    /// <summary>Headers and mapping names compare after full-width folding and white-space removal.</summary>
    public static string HeaderKey(string name) => TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(name)).Trim('\uFEFF', '\u200B');

    public NormalizedRecord Normalize(SourceRecord record)
    {
        var row = new Dictionary<string, string?>(_plan.Length + 4, StringComparer.Ordinal);
        List<Problem>? problems = null;
        List<FieldIssue>? issues = null;
        List<string>? kept = null; // values kept with a quality warning (e.g. a credit code failing its check character)
        var scopeMissing = false;
        foreach (var (spec, map, column) in _plan)
        {
            var raw = map is null || map.NotSupplied ? null : map.Constant ?? Text(record.Values[column]);
            var value = raw is null ? null : Prepare(raw, map!);
            if (value is null)
            {
                row[spec.Name] = null;
                scopeMissing |= spec.Name == _schema.ScopeField;
                if (spec.Required && !Derivations.CanDerive(_schema, spec))
                    (problems ??= []).Add(new Problem("REQUIRED_MISSING", spec.Name, $"必填字段“{spec.Title}”为空"));
                continue;
            }
            var result = Convert(spec, value);
            if (result.IsOk)
            {
                row[spec.Name] = result.Value;
                if (result.IsWarning) (kept ??= []).Add(result.ReasonCode!);
            }
            else if (IsRecordLevel(spec)) (problems ??= []).Add(new Problem(result.ReasonCode!, spec.Name, $"{spec.Title}：{result.Message}"));
            else
            {
                // A field rule: the person stays, the bad value does not (null, or derived below), and is recorded.
                row[spec.Name] = null;
                (issues ??= []).Add(new FieldIssue(result.ReasonCode!, spec.Name, $"{spec.Title}：{result.Message}", raw!));
            }
        }
        // A missing community code, when it is the only problem, may still follow from the address.
        if (scopeMissing && _communities is not null && problems is [{ Code: "REQUIRED_MISSING" }] && ResolveCommunity(row, ref kept, ref issues)) problems = null;
        if (problems is null && Derivations.UsesFallbackKey(_schema, row) && _schema.FallbackKey!.Where(f => row.GetValueOrDefault(f) is null).ToArray() is { Length: > 0 } absent)
        {
            // Kept without the natural key only when the fallback fields identify the person completely.
            var key = _schema.Field(_schema.NaturalKey[0]);
            (problems ??= []).Add(new Problem("REQUIRED_MISSING", key.Name,
                $"“{key.Title}”为空，且{string.Join("、", absent.Select(f => $"“{_schema.Field(f).Title}”"))}也为空或无效，无法识别此人；请补填{key.Title}"));
        }
        if (problems is not null) return new NormalizedRecord(record.Position, null, problems, []);

        var warnings = kept ?? [];
        Derivations.Apply(_schema, row, _divisions, _hasher, warnings);
        return new NormalizedRecord(record.Position, row, [], warnings, issues);
    }

    /// <summary>
    /// A record without its community code: the community of its address when that address is
    /// certainly one standard address, recorded as a warning and a field issue naming the address
    /// code. False when it is not (the row stays quarantined).
    /// </summary>
    private bool ResolveCommunity(Dictionary<string, string?> row, ref List<string>? kept, ref List<FieldIssue>? issues)
    {
        if (_communities!.Resolve(row.GetValueOrDefault(_addressField!)) is not { } address) return false;
        var scope = _schema.Field(_schema.ScopeField!);
        row[scope.Name] = address.CommunityCode;
        (kept ??= []).Add(CommunityFromAddress.Warning);
        (issues ??= []).Add(new FieldIssue(CommunityFromAddress.Warning, scope.Name,
            $"{scope.Title}为空：按{_schema.Field(_addressField!).Title}确定为标准地址 {address.AddressCode} 所在社区 {address.CommunityCode}", ""));
        return true;
    }

    /// <summary>
    /// The record id of a deletion record: only the natural-key fields are mapped and checked (a
    /// tombstone carries nothing else). Null with the problems when the key is not valid.
    /// </summary>
    public (string? RecordId, IReadOnlyList<Problem> Problems) RecordIdOf(SourceRecord record)
    {
        var key = new List<string>(_schema.NaturalKey.Count);
        List<Problem>? problems = null;
        foreach (var name in _schema.NaturalKey)
        {
            var (spec, map, column) = _plan.First(p => p.Spec.Name == name);
            var raw = map is null ? null : map.Constant ?? Text(record.Values[column]);
            var value = raw is null ? null : Prepare(raw, map!);
            var result = value is null ? StandardResult.Fail("REQUIRED_MISSING", "删除记录缺少自然键") : Convert(spec, value);
            if (result.IsOk) key.Add(result.Value!);
            else (problems ??= []).Add(new Problem(result.ReasonCode!, spec.Name, $"{spec.Title}：{result.Message}"));
        }
        return problems is null ? (_hasher.Hash(key), []) : (null, problems);
    }

    /// <summary>
    /// A source value as text. Typed sources (databases, Excel) hand over CLR values: times are
    /// written the way <see cref="ChineseDate"/> reads them back (no offset = Beijing time).
    /// </summary>
    public static string? Text(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        DateTime { Kind: DateTimeKind.Utc } d => new DateTimeOffset(d).ToOffset(ChineseDate.BeijingOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string? Prepare(string raw, FieldMapping map)
    {
        var v = TextNormalizer.TrimAll(raw);
        foreach (var t in map.Transforms) v = ValueTransforms.Apply(t, v);
        if (v.Length == 0 || map.NullValues.Contains(v)) return null;
        return map.Values.TryGetValue(v, out var mapped) ? mapped : v;
    }

    private StandardResult Convert(FieldSpec spec, string value)
    {
        var typed = spec.Type switch
        {
            FieldType.Date => ChineseDate.NormalizeDate(value),
            FieldType.DateTimeOffset => Instant(value),
            FieldType.Int32 => Integer(value, int.MinValue, int.MaxValue),
            FieldType.Int64 => Integer(value, long.MinValue, long.MaxValue),
            FieldType.Decimal or FieldType.Double => Number(value, spec),
            FieldType.Boolean => Boolean(value),
            _ => StandardResult.Ok(value),
        };
        if (!typed.IsOk) return typed;
        var result = spec.Standard is null ? typed : StandardRegistry.Apply(spec.Standard, typed.Value!, _divisions);
        if (!result.IsOk) return result;
        if (spec.AllowedValues is { } allowed && !allowed.Contains(result.Value!))
            return StandardResult.Fail("VALUE_NOT_ALLOWED", $"取值不在代码表内（可用：{string.Join("、", allowed)}）");
        if (spec.MaxLength is { } max && result.Value!.Length > max)
            return StandardResult.Fail("VALUE_TOO_LONG", $"长度{result.Value.Length}超过上限{max}");
        return result;
    }

    /// <summary>
    /// Instants are staged as UTC text (<c>2024-01-05 00:30:00Z</c>): every value has the same offset,
    /// so they compare correctly as strings when duplicates are ranked, and cast to TIMESTAMPTZ once.
    /// </summary>
    private static StandardResult Instant(string value)
    {
        var parsed = ChineseDate.Parse(value);
        return parsed is { } p
            ? StandardResult.Ok(p.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            : ChineseDate.NormalizeDateTime(value);
    }

    private static StandardResult Integer(string v, long min, long max)
    {
        var n = TextNormalizer.ToHalfWidth(v).Replace(",", "", StringComparison.Ordinal);
        return long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) && x >= min && x <= max
            ? StandardResult.Ok(x.ToString(CultureInfo.InvariantCulture))
            : StandardResult.Fail("INTEGER_FORMAT", "不是有效的整数");
    }

    private static StandardResult Number(string v, FieldSpec spec)
    {
        var n = TextNormalizer.ToHalfWidth(v).Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(n, NumberStyles.Number, CultureInfo.InvariantCulture, out var x))
            return StandardResult.Fail("NUMBER_FORMAT", "不是有效的数值");
        if (spec.Type == FieldType.Decimal && Math.Abs(x) >= (decimal)Math.Pow(10, spec.Precision - spec.Scale))
            return StandardResult.Fail("NUMBER_RANGE", $"数值超出范围（最多{spec.Precision - spec.Scale}位整数）");
        return StandardResult.Ok(x.ToString(CultureInfo.InvariantCulture));
    }

    private static StandardResult Boolean(string v) => TextNormalizer.ToHalfWidth(v).ToLowerInvariant() switch
    {
        "是" or "true" or "1" or "y" or "yes" or "有" => StandardResult.Ok("true"),
        "否" or "false" or "0" or "n" or "no" or "无" => StandardResult.Ok("false"),
        _ => StandardResult.Fail("BOOLEAN_FORMAT", "应为“是”或“否”"),
    };
}
