using DataHub.Catalog.Metadata;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub catalog show|set|history|export</c>: catalog metadata per 政务信息资源目录 (each edit
/// a new version with who and when) and its exports (DCAT-AP JSON-LD of what is open, the catalog
/// spreadsheet in the compilation layout).
/// </summary>
internal static class CatalogCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var sub = CliSupport.SubVerb(args, "catalog", "show、set、history、export");
        var target = EngineTarget.From(args);
        switch (sub)
        {
            case "show":
            {
                var dataset = CliSupport.Positional(args, 1, "数据集名称");
                var engine = await target.OpenAsync(cancellationToken);
                var v = await engine.Catalog.Metadata.GetAsync(dataset, cancellationToken) ?? throw ParsedArgs.Usage($"目录中没有数据集“{dataset}”");
                await stdout.WriteLineAsync($"{v.Dataset}  第 {v.Version} 版（{v.EditedBy} {CliSupport.Local(v.EditedAt)}）");
                foreach (var (key, label) in MetadataCatalog.Keys) await stdout.WriteLineAsync($"  {label,-10} {MetadataCatalog.ValueOf(v.Metadata, key)}");
                return CommandLine.Ok;
            }
            case "set":
            {
                var dataset = CliSupport.Positional(args, 1, "数据集名称，如 datahub catalog set population --as steward --theme 人口");
                var values = MetadataCatalog.Keys.Keys.Select(k => (k, v: args.Option(k))).Where(x => x.v is not null).ToDictionary(x => x.k, x => x.v!);
                var engine = await target.OpenAsync(cancellationToken);
                var actor = await CliSupport.ActingAsync(engine, args, cancellationToken);
                var v = await engine.Catalog.Metadata.SetAsync(dataset, values, actor, cancellationToken);
                await stdout.WriteLineAsync($"已保存 {v.Dataset} 的目录信息第 {v.Version} 版（{string.Join("、", values.Keys.Select(k => MetadataCatalog.Keys[k]))}）。");
                return CommandLine.Ok;
            }
            case "history":
            {
                var dataset = CliSupport.Positional(args, 1, "数据集名称");
                var engine = await target.OpenAsync(cancellationToken);
                foreach (var v in await engine.Catalog.Metadata.HistoryAsync(dataset, cancellationToken))
                    await stdout.WriteLineAsync($"第 {v.Version} 版  {v.EditedBy,-16} {CliSupport.Local(v.EditedAt)}");
                return CommandLine.Ok;
            }
            case "export":
            {
                var dcat = args.Option("dcat");
                var xlsx = args.Option("xlsx");
                var baseUrl = args.Option("base-url");
                if (dcat is null && xlsx is null) throw ParsedArgs.Usage("catalog export 需要 --dcat 文件 和/或 --xlsx 文件");
                Uri? root = null;
                if (baseUrl is not null && !Uri.TryCreate(baseUrl.TrimEnd('/') + "/odata/", UriKind.Absolute, out root))
                    throw ParsedArgs.Usage($"--base-url “{baseUrl}” 不是有效的地址，例如 https://data.example.gov.cn");
                var engine = await target.OpenAsync(cancellationToken);
                if (dcat is not null)
                {
                    await using var file = File.Create(dcat);
                    await engine.Catalog.Exports.WriteDcatAsync(file, root, cancellationToken);
                    await stdout.WriteLineAsync($"已导出 DCAT-AP（JSON-LD）：{Path.GetFullPath(dcat)}");
                }
                if (xlsx is not null)
                {
                    await using var file = File.Create(xlsx);
                    await engine.Catalog.Exports.WriteXlsxAsync(file, cancellationToken);
                    await stdout.WriteLineAsync($"已导出目录表（信息资源、信息项）：{Path.GetFullPath(xlsx)}");
                }
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"不认识的子命令“catalog {sub}”，应为 show、set、history、export");
        }
    }
}
