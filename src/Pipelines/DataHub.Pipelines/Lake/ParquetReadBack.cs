using DataHub.Core.Failures;
using DataHub.Core.Schema;
using Parquet;
using Parquet.Schema;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// The last check before a publish: the Parquet part DuckDB wrote is read back by an independent
/// implementation (Parquet.Net), so a defect in one writer or a file damaged on disk cannot go
/// live. Row count, column names and types, and the order by the scope column must be exactly what
/// the run counted and promised; otherwise nothing is published.
/// </summary>
public static class ParquetReadBack
{
    public static async Task VerifyAsync(string file, DatasetSchema schema, long expectedRows, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var names = fields.Select(f => f.Name).ToArray();
        var expected = schema.Fields.Select(f => f.Name).ToArray();
        if (!names.SequenceEqual(expected, StringComparer.Ordinal))
            throw Mismatch(file, $"列与共享数据集不一致（应为 {expected.Length} 列，读回 {names.Length} 列）");
        foreach (var (field, spec) in fields.Zip(schema.Fields))
        {
            var clr = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
            if (!Fits(spec.Type, clr)) throw Mismatch(file, $"字段 {spec.Name} 的类型读回为 {clr.Name}，应为 {spec.Type}");
        }

        long rows = 0;
        var scope = schema.ScopeField is { } s ? fields.First(f => f.Name == s) : null;
        string? previous = null;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
            if (scope is null) continue;
            var codes = new string?[group.RowCount];
            await group.ReadAsync(scope, codes.AsMemory(), null, cancellationToken);
            foreach (var code in codes)
            {
                if (previous is not null && string.CompareOrdinal(previous, code) > 0)
                    throw Mismatch(file, $"读回的数据没有按{schema.Field(schema.ScopeField!).Title}排序");
                previous = code ?? previous;
            }
        }
        if (rows != expectedRows) throw Mismatch(file, $"读回 {rows} 行，本次运行计数为 {expectedRows} 行");
    }

    private static bool Fits(FieldType type, Type clr) => type switch
    {
        FieldType.String => clr == typeof(string) || clr == typeof(ReadOnlyMemory<char>),
        FieldType.Int32 => clr == typeof(int),
        FieldType.Int64 => clr == typeof(long),
        FieldType.Decimal => clr == typeof(decimal),
        FieldType.Double => clr == typeof(double),
        FieldType.Boolean => clr == typeof(bool),
        FieldType.Date => clr == typeof(DateTime) || clr == typeof(DateOnly),
        FieldType.DateTimeOffset => clr == typeof(DateTime) || clr == typeof(DateTimeOffset),
        _ => false,
    };

    private static DataHubException Mismatch(string file, string what) =>
        new(FailureKind.System, "PUBLISH_READBACK", $"写出的 Parquet 文件复核不通过：{what}；为免发布错误数据，本次不发布",
            Path.GetFileName(file), "这是平台缺陷或磁盘故障，请把运行编号告知运维后重新运行");
}
