using System.Buffers;
using System.Text;
using System.Text.Json;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// One connector batch after the CPU-heavy work: every record normalised, checked against the source's
/// scope, its accepted rows written to the batch's staging file (<see cref="StagingFile"/>), its
/// raw-zone line and fingerprint bytes already formatted, and its outcomes counted. Batches are
/// prepared on worker tasks (both cores busy) and applied to the run strictly in read order
/// (<see cref="BatchPipeline"/>), so the staged rows, the fingerprint and the counts are exactly what
/// a one-threaded run produces. What waits to be applied is small on purpose (counts, the rejected
/// records, the field issues): an accepted row's values die on the worker, in the young generation,
/// instead of surviving in a queue into the older ones, which once cost as much CPU as normalising.
/// </summary>
internal sealed class PreparedBatch
{
    private PreparedBatch(RecordBatch batch)
    {
        Columns = batch.Columns;
        Warnings = batch.Warnings;
    }

    // Not the batch itself: its records (every value read) would wait in the queue with it.
    public IReadOnlyList<SourceColumn> Columns { get; }

    public IReadOnlyList<ConnectorWarning>? Warnings { get; }

    /// <summary>What the batch adds to the run's counts (read, staged, quarantined by reason, warnings).</summary>
    public BatchCounts Counts { get; } = new();

    /// <summary>Accepted rows written to the batch's staging file.</summary>
    public int Accepted { get; private set; }

    /// <summary>Rejected records with their original values as JSON (column name → text).</summary>
    public List<(NormalizedRecord Record, string Original, string Kind)> Quarantined { get; } = [];

    public List<(string RecordId, long Position)> Deleted { get; } = [];

    /// <summary>Accepted records that carry field issues (set to null by a field rule).</summary>
    public List<NormalizedRecord> WithFieldIssues { get; } = [];

    /// <summary>Every record as raw-zone CSV lines (null: the run keeps no raw copy, e.g. a reprocess).</summary>
    public StringBuilder? RawLines { get; private init; }

    /// <summary>The bytes the input fingerprint appends for this batch (null: not fingerprinted).</summary>
    public ArrayBufferWriter<byte>? Fingerprint { get; private init; }

    /// <summary>Streets (9-digit prefixes) of the accepted rows, for a source whose scope is not known yet.</summary>
    public HashSet<string> Streets { get; } = new(StringComparer.Ordinal);

    /// <summary>What the preparation needs; immutable and shared by the worker tasks.</summary>
    /// <param name="StagingFolder">Where the batches' staging files go (<see cref="RunStage.AcceptedFolder"/>).</param>
    internal sealed record Context(RecordNormalizer Normalizer, DatasetSchema Schema, ResolvedScope? Scope, bool Raw, bool Fingerprint, string StagingFolder)
    {
        public Parquet.Schema.ParquetSchema StagingSchema { get; } = StagingFile.SchemaOf(Schema);
    }

    /// <summary>
    /// Normalises and formats batch number <paramref name="sequence"/> and writes its accepted rows
    /// to its own staging file. CPU work on the batch's own data and file: safe on any thread.
    /// </summary>
    public static async Task<PreparedBatch> PrepareAsync(RecordBatch batch, long sequence, Context context, CancellationToken cancellationToken)
    {
        var prepared = new PreparedBatch(batch)
        {
            RawLines = context.Raw ? new StringBuilder(batch.Records.Count * 256) : null,
            Fingerprint = context.Fingerprint ? new ArrayBufferWriter<byte>(Math.Max(256, batch.Records.Count * 256)) : null,
        };
        var schema = context.Schema;
        var normalizer = context.Normalizer;
        var fields = schema.Fields;
        var columns = new string?[fields.Count][];
        for (var i = 0; i < columns.Length; i++) columns[i] = new string?[batch.Records.Count];
        var lines = new long[batch.Records.Count];
        var accepted = 0;
        var counts = prepared.Counts;
        foreach (var record in batch.Records)
        {
            if (prepared.Fingerprint is { } fp) InputHasher.Encode(record, fp);
            if (record.IsDeletion)
            {
                var (recordId, problems) = normalizer.RecordIdOf(record);
                if (prepared.RawLines is { } rawLines) RawZoneWriter.Format(rawLines, batch.Columns, record, recordId);
                if (recordId is null)
                {
                    var rejected = new NormalizedRecord(record.Position, null, problems, []);
                    counts.Count(rejected);
                    prepared.Quarantined.Add((rejected, OriginalJson(batch.Columns, record), QuarantineKinds.Deletion));
                }
                else
                {
                    counts.CountDeletion();
                    prepared.Deleted.Add((recordId, record.Position));
                }
                continue;
            }
            var normalized = normalizer.Normalize(record);
            if (prepared.RawLines is { } raw) RawZoneWriter.Format(raw, batch.Columns, record, normalized.Row?[schema.KeyField]);
            if (normalized.Accepted && schema.ScopeField is { } sf && normalized.Row![sf] is { } community)
            {
                if (context.Scope is { } scope && !scope.Contains(community))
                    normalized = new NormalizedRecord(normalized.Position, null, [new Problem("OUT_OF_SOURCE_SCOPE", sf,
                        $"社区代码不在本数据源负责的区划内（{string.Join("、", scope.Codes)}）")], []);
                else if (context.Scope is null) prepared.Streets.Add(community[..Math.Min(9, community.Length)]);
            }
            counts.Count(normalized);
            if (normalized.Accepted)
            {
                var row = normalized.Row!;
                for (var i = 0; i < columns.Length; i++) columns[i][accepted] = row.GetValueOrDefault(fields[i].Name);
                lines[accepted++] = normalized.Position;
                if (normalized.FieldIssues is { Count: > 0 }) prepared.WithFieldIssues.Add(normalized);
            }
            else prepared.Quarantined.Add((normalized, OriginalJson(batch.Columns, record), QuarantineKinds.Row));
        }
        if (accepted > 0)
            await StagingFile.WriteAsync(StagingFile.PathFor(context.StagingFolder, sequence), context.StagingSchema, columns, lines, accepted, cancellationToken);
        prepared.Accepted = accepted;
        return prepared;
    }

    /// <summary>
    /// The record's values as the normaliser saw them (<see cref="RecordNormalizer.Text"/>), keyed by
    /// source column: what a reprocess after a mapping fix feeds to the normaliser again.
    /// </summary>
    public static string OriginalJson(IReadOnlyList<SourceColumn> columns, SourceRecord record)
    {
        var original = new Dictionary<string, string?>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count && i < record.Values.Length; i++) original[columns[i].Name] = RecordNormalizer.Text(record.Values[i]);
        return JsonSerializer.Serialize(original, RunStage.JsonOptions);
    }
}

/// <summary>What a quarantine row holds in <c>original_values</c>: a record as read (reprocessable), a deletion record, or a key conflict (normalised rows).</summary>
internal static class QuarantineKinds
{
    public const string Row = "row";
    public const string Deletion = "deletion";
    public const string KeyConflict = "key_conflict";
}

/// <summary>One batch's contribution to <see cref="RunTally"/>, counted on the worker that prepared it.</summary>
internal sealed class BatchCounts
{
    public long Read { get; private set; }
    public long Staged { get; private set; }
    public long Quarantined { get; private set; }
    public long Deletions { get; private set; }
    public Dictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Warnings { get; } = new(StringComparer.Ordinal);

    public void CountDeletion()
    {
        Read++;
        Deletions++;
    }

    public void Count(NormalizedRecord r)
    {
        Read++;
        if (r.Accepted) Staged++;
        else
        {
            Quarantined++;
            foreach (var code in r.Problems.Select(p => p.Code).Distinct()) Reasons[code] = Reasons.GetValueOrDefault(code) + 1;
        }
        foreach (var w in r.Warnings) Warnings[w] = Warnings.GetValueOrDefault(w) + 1;
    }
}

/// <summary>
/// Runs <see cref="PreparedBatch.Prepare"/> on worker tasks, a few batches ahead of the reader, and
/// hands the results back in read order. Memory stays bounded: at most <see cref="Ahead"/> batches wait.
/// </summary>
internal sealed class BatchPipeline(PreparedBatch.Context context, CancellationToken cancellationToken)
{
    /// <summary>Batches in flight: enough to keep every core busy while the reader parses the next one.</summary>
    public static int Ahead => Math.Max(2, Environment.ProcessorCount + 1);

    private readonly Queue<Task<PreparedBatch>> _inFlight = new();
    private long _sequence;

    /// <summary>Queues a batch; returns the oldest prepared batch once enough are in flight (else null).</summary>
    public async Task<PreparedBatch?> AddAsync(RecordBatch batch)
    {
        var sequence = _sequence++;
        _inFlight.Enqueue(Task.Run(() => PreparedBatch.PrepareAsync(batch, sequence, context, cancellationToken), cancellationToken));
        return _inFlight.Count >= Ahead ? await _inFlight.Dequeue() : null;
    }

    /// <summary>The next prepared batch in read order, or null when none is left.</summary>
    public async Task<PreparedBatch?> NextAsync() => _inFlight.Count == 0 ? null : await _inFlight.Dequeue();

    /// <summary>Lets batches still in flight finish (after a failure), so no worker outlives the run's files.</summary>
    public void Abandon()
    {
        try
        {
            Task.WaitAll(_inFlight.ToArray(), TimeSpan.FromMinutes(1));
        }
        catch (AggregateException)
        {
            // The run already failed for its own reason; a worker's failure adds nothing.
        }
        _inFlight.Clear();
    }
}
