using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OData;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.OData.ModelBuilder;

namespace DataHub.Bench.Textbook;

/// <summary>
/// The stack a .NET team would build instead: ASP.NET Core OData 9 (<c>[EnableQuery]</c>) over EF Core
/// and SQLite, with the same rows loaded from the published Parquet file, gzip as DataHub has it, on
/// Kestrel on loopback.
/// </summary>
internal static class TextbookServer
{
    /// <summary>Copies the published rows into a new SQLite file (one transaction, a prepared insert) and builds its indexes.</summary>
    public static async Task<string> LoadAsync(string parquetPath, string folder, CancellationToken cancellationToken)
    {
        var dbPath = Path.Combine(folder, "textbook.db");
        var cs = new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = true }.ToString();
        await using (var db = new TextbookDb(new DbContextOptionsBuilder<TextbookDb>().UseSqlite(cs).Options))
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        await using var sqlite = new SqliteConnection(cs);
        await sqlite.OpenAsync(cancellationToken);
        await using (var pragma = sqlite.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        string[] columns = ["RecordId", "IdNumber", "Name", "Gender", "Ethnicity", "BirthDate", "HouseholdAddress", "CurrentAddress", "CommunityCode", "CommunityName", "StreetCode", "PersonType", "MoveInDate", "Status", "Phone", "UpdatedAt"];
        string[] source = ["record_id", "id_number", "name", "gender", "ethnicity", "birth_date", "household_address", "current_address", "community_code", "community_name", "street_code", "person_type", "move_in_date", "status", "phone", "updated_at"];
        await using var tx = (SqliteTransaction)await sqlite.BeginTransactionAsync(cancellationToken);
        await using var insert = sqlite.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT INTO residents ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var parameters = columns.Select((_, i) => insert.Parameters.Add("$p" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text)).ToArray();
        insert.Prepare();

        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var read = duck.CreateCommand();
        read.CommandText = $"SET TimeZone='UTC'; SELECT {string.Join(", ", source.Select(c => "\"" + c + "\""))} FROM read_parquet('{parquetPath.Replace("'", "''", StringComparison.Ordinal)}')";
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            for (var i = 0; i < source.Length; i++)
            {
                parameters[i].Value = reader.IsDBNull(i) ? DBNull.Value : reader.GetValue(i) switch
                {
                    // EF Core's SQLite text formats: DateOnly yyyy-MM-dd, DateTimeOffset yyyy-MM-dd HH:mm:ss.FFFFFFFzzz.
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
                    DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                };
            }
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        await using (var analyze = sqlite.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return cs;
    }

    public static WebApplication Create(string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var model = new ODataConventionModelBuilder();
        model.EntitySet<Resident>("Residents").EntityType.HasKey(r => r.RecordId);
        builder.Services.AddDbContextPool<TextbookDb>(o => o.UseSqlite(connectionString).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
        builder.Services.AddControllers().AddOData(o => o.Select().Filter().OrderBy().Count().SetMaxTop(null).SkipToken().AddRouteComponents("odata", model.GetEdmModel()));
        builder.Services.AddResponseCompression(o =>
        {
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/json"]);
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        var app = builder.Build();
        app.UseResponseCompression();
        app.MapControllers();
        return app;
    }
}
