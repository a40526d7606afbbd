namespace DataHub.Host.Composition;

/// <summary>
/// The one folder a DataHub instance keeps its state in (embedded default: no server needed):
/// <code>
/// catalog.db            the catalog (SQLite)
/// lake/                 versioned Parquet datasets, quarantine and run artefacts
/// raw/                  what each run read, per source and run (0700/0600, kept 90 days)
/// secrets/              keys that must never leave the machine (record-id key, serving key)
/// sources/              declared sources and, for the demo, the simulated department exports
/// credentials.json      demo principals and their secrets (demo only)
/// jobs.db               scheduled jobs (Hangfire, SQLite) unless they are on PostgreSQL
/// </code>
/// </summary>
public sealed class DataDirectory(string root)
{
    public const string DefaultRoot = "datahub-data";

    public string Root { get; } = Path.GetFullPath(root);

    public string CatalogPath => Path.Combine(Root, "catalog.db");

    public string LakeRoot => Path.Combine(Root, "lake");

    public string RecordIdKeyPath => Path.Combine(Root, "secrets", "record-id.key");

    public string ServingSecretPath => Path.Combine(Root, "secrets", "serving.key");

    public string SourcesDirectory => Path.Combine(Root, "sources");

    public string CredentialsPath => Path.Combine(Root, "credentials.json");

    public string JobsPath => Path.Combine(Root, "jobs.db");

    /// <summary>The log file every verb and <c>serve</c> append to (JSON lines; see <see cref="FileLogProvider"/>).</summary>
    public string LogPath => Path.Combine(Root, "logs", "datahub.log");

    /// <summary>Creates the folder and its parts, owner-only (0700 on Unix; see <see cref="FileModes"/>).</summary>
    public void EnsureExists()
    {
        FileModes.OwnerOnlyDirectory(Root);
        FileModes.OwnerOnlyDirectory(LakeRoot);
        FileModes.OwnerOnlyDirectory(SourcesDirectory);
        FileModes.OwnerOnlyDirectory(Path.GetDirectoryName(RecordIdKeyPath)!);
    }

    /// <summary>Makes the catalog file and its SQLite companions owner-only (they may predate the umask).</summary>
    public void RestrictCatalogFiles()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) FileModes.OwnerOnly(CatalogPath + suffix);
    }
}
