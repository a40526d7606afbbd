using System.Globalization;
using System.Text.Json;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Schema;
using MiniExcelLibs;

namespace DataHub.Catalog.Metadata;

/// <summary>
/// Exports of the catalog: DCAT-AP (JSON-LD) of what is open, and the catalog spreadsheet in the
/// compilation layout (one sheet of 信息资源, one row each; one sheet of 信息项, one row per field).
/// The spreadsheet is written row by row by MiniExcel from enumerables, never built in memory.
/// </summary>
public sealed class CatalogExports(DatasetCatalog datasets, MetadataCatalog metadata, OpenListService openList, TimeProvider time)
{
    /// <summary>Datasets that are open: open to the public, or with an entry of the open list in force.</summary>
    public async Task<IReadOnlyList<(DatasetEntry Dataset, ResourceMetadata Metadata)>> OpenDatasetsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var grants = await openList.ListAsync(cancellationToken);
        var result = new List<(DatasetEntry, ResourceMetadata)>();
        foreach (var d in await datasets.ListAsync(cancellationToken))
        {
            var m = (await metadata.GetAsync(d.Name, cancellationToken))!.Metadata;
            if (m.ShareType == ShareTypes.NotShared && !m.OpenToPublic) continue;
            if (m.OpenToPublic || grants.Any(g => g.Dataset == d.Name && g.IsInForce(now))) result.Add((d, m));
        }
        return result;
    }

    /// <summary>Writes a DCAT-AP catalog (JSON-LD) of the open datasets; <paramref name="serviceRoot"/> is the OData root for access URLs.</summary>
    public async Task WriteDcatAsync(Stream output, Uri? serviceRoot, CancellationToken cancellationToken)
    {
        var open = await OpenDatasetsAsync(cancellationToken);
        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteStartObject("@context");
        w.WriteString("dcat", "http://www.w3.org/ns/dcat#");
        w.WriteString("dct", "http://purl.org/dc/terms/");
        w.WriteString("foaf", "http://xmlns.com/foaf/0.1/");
        w.WriteEndObject();
        w.WriteString("@type", "dcat:Catalog");
        w.WriteString("dct:title", "政务信息资源目录（开放部分）");
        w.WriteString("dct:modified", time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteStartArray("dcat:dataset");
        foreach (var (d, m) in open)
        {
            w.WriteStartObject();
            w.WriteString("@id", $"urn:datahub:dataset:{d.Name}");
            w.WriteString("@type", "dcat:Dataset");
            w.WriteString("dct:identifier", m.ResourceCode);
            w.WriteString("dct:title", d.Title);
            w.WriteString("dct:description", m.Abstract);
            w.WriteStartObject("dct:publisher");
            w.WriteString("@type", "foaf:Agent");
            w.WriteString("foaf:name", m.ProviderName);
            w.WriteString("dct:identifier", m.ProviderCode);
            w.WriteEndObject();
            if (m.Theme.Length > 0) w.WriteString("dcat:theme", m.Theme);
            if (m.Classification.Length > 0) w.WriteString("dct:subject", m.Classification);
            w.WriteString("dct:accrualPeriodicity", m.UpdateCycle);
            if (m.PublishedOn is { } p) w.WriteString("dct:issued", p.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("dct:accessRights", m.OpenToPublic ? "向社会开放" : m.ShareType + (m.ShareCondition is null ? "" : "：" + m.ShareCondition));
            w.WriteStartArray("dct:relation");
            foreach (var r in m.RelatedResources) w.WriteStringValue(r);
            w.WriteEndArray();
            w.WriteStartArray("dcat:distribution");
            w.WriteStartObject();
            w.WriteString("@type", "dcat:Distribution");
            if (serviceRoot is not null) w.WriteString("dcat:accessURL", new Uri(serviceRoot, d.EntitySet).AbsoluteUri);
            w.WriteString("dct:format", m.Format);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the catalog spreadsheet (.xlsx) of every dataset: sheet 信息资源 and sheet 信息项.</summary>
    public async Task WriteXlsxAsync(Stream output, CancellationToken cancellationToken)
    {
        var entries = new List<(DatasetEntry Dataset, ResourceMetadata Metadata, DatasetSchema Schema)>();
        foreach (var d in await datasets.ListAsync(cancellationToken))
        {
            var m = (await metadata.GetAsync(d.Name, cancellationToken))!.Metadata;
            var json = await datasets.GetSchemaJsonAsync(d.Name, d.SchemaVersion, cancellationToken)
                ?? throw new InvalidOperationException($"The catalog has no schema {d.Name} {d.SchemaVersion}.");
            entries.Add((d, m, SchemaLoader.Parse(json, $"catalog:{d.Name}@{d.SchemaVersion}")));
        }
        var sheets = new Dictionary<string, object>
        {
            ["信息资源"] = entries.Select(e => ResourceRow(e.Dataset, e.Metadata)),
            ["信息项"] = entries.SelectMany(e => e.Schema.Fields.Select(f => FieldRow(e.Metadata, e.Dataset, f))),
        };
        await MiniExcel.SaveAsAsync(output, sheets, excelType: ExcelType.XLSX, cancellationToken: cancellationToken);
    }

    private static Dictionary<string, object?> ResourceRow(DatasetEntry d, ResourceMetadata m) => new()
    {
        ["信息资源分类"] = m.Classification,
        ["主题"] = m.Theme,
        ["信息资源名称"] = d.Title,
        ["信息资源代码"] = m.ResourceCode,
        ["信息资源提供方"] = m.ProviderName,
        ["提供方代码"] = m.ProviderCode,
        ["信息资源摘要"] = m.Abstract,
        ["信息资源格式"] = m.Format,
        ["共享类型"] = m.ShareType,
        ["共享条件"] = m.ShareCondition ?? "",
        ["共享方式"] = m.ShareMethod,
        ["是否向社会开放"] = m.OpenToPublic ? "是" : "否",
        ["开放条件"] = m.OpenCondition ?? "",
        ["更新周期"] = m.UpdateCycle,
        ["发布日期"] = m.PublishedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        ["关联资源代码"] = string.Join("、", m.RelatedResources),
    };

    private static Dictionary<string, object?> FieldRow(ResourceMetadata m, DatasetEntry d, FieldSpec f) => new()
    {
        ["信息资源代码"] = m.ResourceCode,
        ["信息资源名称"] = d.Title,
        ["信息项名称"] = f.Title,
        ["字段名"] = f.Name,
        ["数据类型"] = f.Type.ToString(),
        ["长度"] = f.MaxLength?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["敏感级别"] = f.Sensitivity.ToString(),
        ["默认脱敏"] = f.DefaultMask.ToString(),
        ["说明"] = f.Description,
    };
}
