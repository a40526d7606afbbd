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

    /// <summary>The raw zone folder (default: <c>raw</c> beside the lake folder, i.e. in the data folder).</summary>
    public string? RawRoot { get; init; }

    /// <summary>How long a run's raw records are kept (default 90 days).</summary>
    public TimeSpan RawRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Attempts of one run when the source fails transiently (unreachable, busy, timed out); default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Wait before the first retry; doubled before each further one (default 5 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public string ResolvedRawRoot => RawRoot ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(LakeRoot))!, "raw");

    public void Validate()
    {
        if (MaxAttempts < 1) throw new ArgumentException("MaxAttempts must be at least 1.");
        if (RetryDelay < TimeSpan.Zero) throw new ArgumentException("RetryDelay must not be negative.");
        if (string.IsNullOrWhiteSpace(LakeRoot)) throw new ArgumentException("LakeRoot is required.");
        if (RecordIdKey.Length < 16) throw new ArgumentException("RecordIdKey must be at least 16 bytes.");
        if (KeepVersions < 2) throw new ArgumentException("KeepVersions must be at least 2.");
        if (DuckDbThreads < 1) throw new ArgumentException("DuckDbThreads must be at least 1.");
    }
}
