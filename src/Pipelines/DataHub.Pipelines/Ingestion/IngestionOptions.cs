namespace DataHub.Pipelines.Ingestion;

/// <summary>Settings of the ingestion engine; validated when the runner is built.</summary>
public sealed record IngestionOptions
{
    /// <summary>The lake folder.</summary>
    public required string LakeRoot { get; init; }

    /// <summary>The secret behind pseudonymous record ids (<see cref="Normalization.RecordIdHasher"/>).</summary>
    public required byte[] RecordIdKey { get; init; }

    /// <summary>Published versions kept per dataset, the current one included (default 5, at least 2 so a refresh in progress keeps its version).</summary>
    public int KeepVersions { get; init; } = 5;

    /// <summary>DuckDB memory limit for a run's staging database (default 1GB).</summary>
    public string DuckDbMemoryLimit { get; init; } = "1GB";

    /// <summary>DuckDB threads for a run (default 2).</summary>
    public int DuckDbThreads { get; init; } = 2;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LakeRoot)) throw new ArgumentException("LakeRoot is required.");
        if (RecordIdKey.Length < 16) throw new ArgumentException("RecordIdKey must be at least 16 bytes.");
        if (KeepVersions < 2) throw new ArgumentException("KeepVersions must be at least 2.");
        if (DuckDbThreads < 1) throw new ArgumentException("DuckDbThreads must be at least 1.");
    }
}
