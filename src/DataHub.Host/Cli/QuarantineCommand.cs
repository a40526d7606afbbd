using System.Globalization;
using System.Text.Json;
using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Host.Jobs;
using DataHub.Pipelines.Ingestion;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Sources;
using DataHub.Serving.Access;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub quarantine list SOURCE</c>: the source's current quarantine (reason counts and a few
/// masked sample rows); <c>datahub quarantine reprocess SOURCE</c>: after a mapping fix, retry those
/// rows and publish the ones that now pass (docs/PUBLISHING.md).
/// </summary>
internal static class QuarantineCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw ParsedArgs.Usage("quarantine 需要子命令：list SOURCE 或 reprocess SOURCE");
        var json = args.Flag("json");
        switch (sub)
        {
            case "list":
            {
                var samples = args.IntOption("samples", 5, 0, 50);
                var engine = await target.OpenAsync(cancellationToken);
                var file = Source(args, engine.Data, sub);
                var summary = await engine.Runner.QuarantineAsync(file, samples, cancellationToken);
                var policy = AccessPolicy.LoadEmbedded();
                var masked = summary.Samples.Select(r => (Row: r, Values: QuarantineMasking.Mask(policy, summary.Source, r))).ToList();
                if (json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        summary.SourceId, summary.Dataset, summary.RunId, summary.File, summary.Rows, summary.Reprocessable, summary.ByReason,
                        Samples = masked.Select(m => new { Line = m.Row.SourceLine, Codes = m.Row.Codes, m.Row.Kind, m.Values }),
                    }, RunReport.Json));
                    return CommandLine.Ok;
                }
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"数据源 {summary.SourceId}（数据集 {summary.Dataset}）当前的隔离明细：运行 {summary.RunId}，共 {summary.Rows} 行，其中可重新处理 {summary.Reprocessable} 行"));
                foreach (var (code, n) in summary.ByReason) await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  隔离原因 {code}: {n}"));
                if (masked.Count > 0) await stdout.WriteLineAsync("样例（个人信息按访问策略脱敏；原始值只在隔离文件中，仅服务账号可读）：");
                foreach (var (row, values) in masked)
                {
                    var shown = row.Kind == "key_conflict"
                        ? "主键冲突：两行的值见隔离文件"
                        : string.Join("，", values.Select(kv => $"{kv.Key}={kv.Value ?? "（空）"}"));
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  第 {row.SourceLine} 行 [{row.ReasonCodes}] {shown}"));
                }
                await stdout.WriteLineAsync($"隔离文件：{summary.File}");
                if (summary.Reprocessable > 0)
                    await stdout.WriteLineAsync($"修正数据源定义中的映射后运行：datahub quarantine reprocess {summary.SourceId}");
                return CommandLine.Ok;
            }
            case "reprocess":
            {
                var request = new RunRequest { Force = args.Flag("force"), Actor = args.Option("actor") ?? Environment.UserName };
                var engine = await target.OpenAsync(cancellationToken);
                var file = Source(args, engine.Data, sub);
                var report = await engine.Runner.ReprocessQuarantineAsync(file, request, cancellationToken);
                await stdout.WriteLineAsync(json ? report.ToJson() : report.ToText());
                return report.Succeeded || report.Status == "unchanged" ? CommandLine.Ok : CommandLine.Failed;
            }
            default:
                throw ParsedArgs.Usage($"quarantine 没有子命令“{sub}”（可用：list、reprocess）");
        }
    }

    private static string Source(ParsedArgs args, Composition.DataDirectory data, string sub) =>
        args.Positional.Count == 2
            ? new SourceDirectory(data).Resolve(args.Positional[1])
            : throw ParsedArgs.Usage($"quarantine {sub} 需要且只需要一个参数：数据源 id 或 .yaml 文件");
}

/// <summary>
/// How a quarantined row is shown to a person: each source column takes the most protective access of
/// the shared fields it is mapped to, under the steward's policy; personal and sensitive personal
/// values are never shown in clear here (a terminal is not the place, and the values are unvalidated),
/// and a column mapped to no field is not shown at all.
/// </summary>
internal static class QuarantineMasking
{
    public const string NotShown = "（不显示）";

    public static IReadOnlyList<KeyValuePair<string, string?>> Mask(AccessPolicy policy, SourceDefinition source, QuarantineRow row)
    {
        var schema = SchemaLoader.Get(source.Dataset);
        var result = new List<KeyValuePair<string, string?>>();
        foreach (var (column, value) in row.Values())
        {
            var key = RecordNormalizer.HeaderKey(column);
            var fields = source.Fields.Where(m => m.From is { } from && RecordNormalizer.HeaderKey(from) == key)
                .Select(m => schema.FindField(m.Field)).OfType<FieldSpec>().ToList();
            result.Add(new(column, value is null ? null : Apply(Strictest(policy, schema, fields), value)));
        }
        return result;
    }

    private static FieldAccess Strictest(AccessPolicy policy, DatasetSchema schema, IReadOnlyList<FieldSpec> fields)
    {
        if (fields.Count == 0) return FieldAccess.Hidden;
        var strictest = FieldAccess.Shown;
        foreach (var field in fields)
        {
            var access = policy.Resolve(Role.Steward, schema, field);
            if (access.Action == AccessAction.Show && field.Sensitivity is Sensitivity.Personal or Sensitivity.SensitivePersonal)
                access = field.DefaultMask is MaskKind.IdNumber or MaskKind.Phone or MaskKind.Name or MaskKind.Address or MaskKind.Year
                    ? FieldAccess.Masked(field.DefaultMask)
                    : FieldAccess.Hidden;
            if (access.Action == AccessAction.Hide) return FieldAccess.Hidden;
            if (access.Action == AccessAction.Mask) strictest = access;
        }
        return strictest;
    }

    /// <summary>The serving layer's mask rules (MaskSql), on the raw text of the source.</summary>
    private static string Apply(FieldAccess access, string v) => v.Length == 0 ? v : access.Action switch
    {
        AccessAction.Show => v,
        AccessAction.Hide => NotShown,
        _ => access.Mask switch
        {
            MaskKind.IdNumber => v.Length <= 10 ? new string('*', v.Length) : v[..6] + new string('*', v.Length - 10) + v[^4..],
            MaskKind.Phone => v.Length <= 7 ? new string('*', v.Length) : v[..3] + new string('*', v.Length - 7) + v[^4..],
            MaskKind.Name => v[..1] + new string('*', Math.Max(v.Length - 1, 1)),
            MaskKind.Address => v.Length <= 9 ? "…" : v[..9] + "…",
            MaskKind.Year => v.Length >= 4 && v[..4].All(char.IsAsciiDigit) ? v[..4] + "年" : "****",
            _ => NotShown,
        },
    };
}
