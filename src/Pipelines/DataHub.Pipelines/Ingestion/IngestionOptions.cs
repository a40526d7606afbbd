namespace DataHub.Pipelines.Ingestion;

/// <summary>Settings of the ingestion engine; validated when the runner is built.</summary>
public sealed record IngestionOptions
{
    /// <summary>The lake folder.</summary>
    public required string LakeRoot { get; init; }

    /// <summary>The secret behind pseudonymous record ids (<see cref="Normalization.RecordIdHasher"/>).</summary>
    public required byte[] RecordIdKey { get; init; }

    /// <summary>
    /// Retention by count: published versions kept per dataset, the current one included (default 5,
    /// at least 2 so a refresh in progress keeps its version). A version younger than
    /// <see cref="MinVersionAge"/> is kept regardless, and the current one always.
    /// </summary>
    public int KeepVersions { get; init; } = 5;

    /// <summary>Retention by age: versions published longer ago than this are retired (null: no age limit).</summary>
    public TimeSpan? MaxVersionAge { get; init; }

    /// <summary>No version younger than this is retired, whatever the count (default one day: open paging links stay valid).</summary>
    public TimeSpan MinVersionAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Run folders (quarantine, field issues, duplicates: personal data) are deleted after this long (default 30 days).</summary>
    public TimeSpan RunFilesMaxAge { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Publish guard: a run whose accepted rows for its part drop by more than this share against the
    /// current version is held for a steward (default 0.2 = 20%).
    /// </summary>
    public double HoldDropShare { get; init; } = 0.2;

    /// <summary>Publish guard: a run that read this share fewer rows than the previous run of its part is held (default 0.2).</summary>
    public double HoldInputShrinkShare { get; init; } = 0.2;

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
        if (HoldDropShare is <= 0 or >= 1) throw new ArgumentException("HoldDropShare must be between 0 and 1.");
        if (HoldInputShrinkShare is <= 0 or >= 1) throw new ArgumentException("HoldInputShrinkShare must be between 0 and 1.");
    }
}

/// <summary>How one run is started: by whom (for the audit) and whether the publish guards are skipped.</summary>
public sealed record RunRequest
{
    /// <summary>Publish even if a guard would hold the run; recorded in the report and the catalog audit.</summary>
    public bool Force { get; init; }

    /// <summary>Who started the run (CLI user, scheduler), for the catalog audit.</summary>
    public string Actor { get; init; } = "cli";

    /// <summary>Told the stage and rows read after every batch (a terminal's progress line); null for none.</summary>
    public IProgress<RunProgress>? Progress { get; init; }

    /// <summary>
    /// Leave the derived rebuild to the caller, which runs several sources back to back and rebuilds
    /// once after the last (<see cref="IngestionRunner.RebuildDerivedAsync(string, string, CancellationToken)"/>):
    /// every rebuild reads all the inputs, so one per run of a batch repeats the same work. Off by
    /// default: a single run rebuilds after its publish.
    /// </summary>
    public bool DeferDerived { get; init; }
}
