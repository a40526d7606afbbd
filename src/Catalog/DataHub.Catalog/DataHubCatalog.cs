using DataHub.Catalog.Audit;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Divisions;
using DataHub.Catalog.Metadata;
using DataHub.Catalog.OpenList;
using DataHub.Catalog.Principals;
using DataHub.Catalog.Runs;
using DataHub.Catalog.Storage;

namespace DataHub.Catalog;

/// <summary>The catalog: datasets and versions, run history, divisions, principals and the audit trail.</summary>
public sealed class DataHubCatalog
{
    private DataHubCatalog(CatalogDatabase db, DivisionReference divisions, TimeProvider time)
    {
        Database = db;
        Divisions = divisions;
        Datasets = new DatasetCatalog(db, time);
        Runs = new RunLog(db, time);
        Signal = new ChangeSignal(db);
        Changes = new CatalogChangeLog(db, Signal);
        Principals = new PrincipalStore(db, time, divisions, Changes);
        OpenList = new OpenListService(db, time, divisions, Datasets, Changes);
        Access = new AccessLog(db);
        FailedLogins = new FailedLogins(db, time);
        Metadata = new MetadataCatalog(db, time, Datasets, Changes);
        Exports = new CatalogExports(Datasets, Metadata, OpenList, time);
    }

    /// <summary>Catalog metadata (政务信息资源目录), versioned per steward edit.</summary>
    public MetadataCatalog Metadata { get; }

    /// <summary>DCAT-AP JSON-LD and the catalog spreadsheet.</summary>
    public CatalogExports Exports { get; }

    /// <summary>Failed sign-ins, aggregated per user name, address and minute.</summary>
    public FailedLogins FailedLogins { get; }

    /// <summary>Change counters: drop caches of principals or grants when these move.</summary>
    public ChangeSignal Signal { get; }

    /// <summary>The audit of catalog changes (principals, keys, grants, metadata).</summary>
    public CatalogChangeLog Changes { get; }

    /// <summary>The open list (开放清单): the grant ledger.</summary>
    public OpenListService OpenList { get; }

    public CatalogDatabase Database { get; }

    public DivisionReference Divisions { get; }

    public DatasetCatalog Datasets { get; }

    public RunLog Runs { get; }

    public PrincipalStore Principals { get; }

    public AccessLog Access { get; }

    /// <summary>Opens (creating and migrating if needed) the embedded SQLite catalog and loads the division reference.</summary>
    public static async Task<DataHubCatalog> OpenSqliteAsync(string path, TimeProvider time, CancellationToken cancellationToken) =>
        await OpenAsync(await CatalogDatabase.OpenSqliteAsync(path, cancellationToken), time, cancellationToken);

    /// <summary>Opens (creating and migrating if needed) a PostgreSQL catalog and loads the division reference.</summary>
    public static async Task<DataHubCatalog> OpenPostgresAsync(string connectionString, TimeProvider time, CancellationToken cancellationToken) =>
        await OpenAsync(await CatalogDatabase.OpenPostgresAsync(connectionString, cancellationToken), time, cancellationToken);

    private static async Task<DataHubCatalog> OpenAsync(CatalogDatabase db, TimeProvider time, CancellationToken cancellationToken)
    {
        var divisions = await DivisionReference.LoadAsync(db, cancellationToken);
        return new DataHubCatalog(db, divisions, time);
    }
}
