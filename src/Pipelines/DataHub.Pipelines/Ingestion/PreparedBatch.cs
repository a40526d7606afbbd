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
/// scope, and its staging line, raw-zone line and fingerprint bytes already formatted. Batches are
/// prepared on worker tasks (both cores busy) and applied to the run strictly in read order
/// (<see cref="BatchPipeline"/>), so the staged files, the fingerprint and the counts are exactly what
/// a one-threaded run produces.
/// </summary>
internal sealed class PreparedBatch
{
    private PreparedBatch(RecordBatch batch) => Batch = batch;

    public RecordBatch Batch { get; }

    /// <summary>Every record's outcome in read order (a deletion with a valid key is null here and listed in <see cref="Deleted"/>).</summary>
    public List<NormalizedRecord?> Outcomes { get; } = [];

    /// <summary>Rejected records with their original values as JSON (column name → text).</summary>
    public List<(NormalizedRecord Record, string Original, string Kind)> Quarantined { get; } = [];

    public List<(string RecordId, long Position)> Deleted { get; } = [];

    /// <summary>Accepted records that carry field issues (set to null by a field rule).</summary>
    public List<NormalizedRecord> WithFieldIssues { get; } = [];

    /// <summary>The accepted rows as staging CSV lines (<see cref="RunStage"/>'s format).</summary>
    public StringBuilder AcceptedLines { get; } = new();

    /// <summary>Every record as raw-zone CSV lines (null: the run keeps no raw copy, e.g. a reprocess).</summary>
    public StringBuilder? RawLines { get; private init; }

    /// <summary>The bytes the input fingerprint appends for this batch (null: not fingerprinted).</summary>
    public ArrayBufferWriter<byte>? Fingerprint { get; private init; }

    /// <summary>Streets (9-digit prefixes) of the accepted rows, for a source whose scope is not known yet.</summary>
    public HashSet<string> Streets { get; } = new(StringComparer.Ordinal);

    /// <summary>What the preparation needs; immutable and shared by the worker tasks.</summary>
    internal sealed record Context(RecordNormalizer Normalizer, DatasetSchema Schema, ResolvedScope? Scope, bool Raw, bool Fingerprint);

    /// <summary>Normalises and formats one batch. Pure CPU work on the batch's own data: safe on any thread.</summary>
    public static PreparedBatch Prepare(RecordBatch batch, Context context)
    {
        var prepared = new PreparedBatch(batch)
        {
            RawLines = context.Raw ? new StringBuilder(batch.Records.Count * 256) : null,
            Fingerprint = context.Fingerprint ? new ArrayBufferWriter<byte>(Math.Max(256, batch.Records.Count * 256)) : null,
        };
        var schema = context.Schema;
        var normalizer = context.Normalizer;
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
                    prepared.Outcomes.Add(rejected);
                    prepared.Quarantined.Add((rejected, OriginalJson(batch.Columns, record), QuarantineKinds.Deletion));
                }
                else
                {
                    prepared.Outcomes.Add(null);
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
            prepared.Outcomes.Add(normalized);
            if (normalized.Accepted)
            {
                RunStage.FormatAccepted(prepared.AcceptedLines, schema, normalized);
                if (normalized.FieldIssues is { Count: > 0 }) prepared.WithFieldIssues.Add(normalized);
            }
            else prepared.Quarantined.Add((normalized, OriginalJson(batch.Columns, record), QuarantineKinds.Row));
        }
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

/// <summary>
/// Runs <see cref="PreparedBatch.Prepare"/> on worker tasks, a few batches ahead of the reader, and
/// hands the results back in read order. Memory stays bounded: at most <see cref="Ahead"/> batches wait.
/// </summary>
internal sealed class BatchPipeline(PreparedBatch.Context context, CancellationToken cancellationToken)
{
    /// <summary>Batches in flight: enough to keep every core busy while the reader parses the next one.</summary>
    public static int Ahead => Math.Max(2, Environment.ProcessorCount + 1);

    private readonly Queue<Task<PreparedBatch>> _inFlight = new();

    /// <summary>Queues a batch; returns the oldest prepared batch once enough are in flight (else null).</summary>
    public async Task<PreparedBatch?> AddAsync(RecordBatch batch)
    {
        _inFlight.Enqueue(Task.Run(() => PreparedBatch.Prepare(batch, context), cancellationToken));
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
