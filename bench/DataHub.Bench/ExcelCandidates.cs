using System.Globalization;
using ExcelDataReader;
using MiniExcelLibs;

namespace DataHub.Bench;

/// <summary>
/// The other Excel readers the connector could have used, reading the same workbook to the end and
/// touching every value (a read that does not look at values can skip decoding them).
/// </summary>
internal static class ExcelCandidates
{
    public static ProbeResult Read(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken)
    {
        var meter = Probes.Meter.Start();
        long rows = 0, chars = 0;
        if (spec.Kind == ProbeKind.ReadMiniExcel)
        {
            // Query streams rows as dictionaries (useHeaderRow: the first row names the keys).
            foreach (IDictionary<string, object?> row in MiniExcel.Query(spec.CsvPath, useHeaderRow: true))
            {
                rows++;
                foreach (var v in row.Values) chars += Length(v);
                if ((rows & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        else
        {
            // ExcelDataReader needs the legacy code pages registered, even for .xlsx.
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            using var stream = File.OpenRead(spec.CsvPath);
            using var reader = ExcelReaderFactory.CreateReader(stream);
            var header = true;
            while (reader.Read())
            {
                if (header)
                {
                    header = false;
                    continue;
                }
                rows++;
                for (var i = 0; i < reader.FieldCount; i++) chars += Length(reader.GetValue(i));
                if ((rows & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        return meter.Stop(spec.Kind, rows, 0, string.Create(CultureInfo.InvariantCulture, $"{chars:N0} characters of values"), ownProcess);
    }

    private static long Length(object? v) => v switch
    {
        null => 0,
        string s => s.Length,
        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!.Length,
    };
}
