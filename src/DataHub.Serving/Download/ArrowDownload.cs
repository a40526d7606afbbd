using Apache.Arrow;
using Apache.Arrow.Ipc;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;

namespace DataHub.Serving.Download;

/// <summary>
/// Arrow IPC stream format (<c>pyarrow.ipc.open_stream</c>, <c>polars.read_ipc_stream</c>), from
/// DuckDB's own Arrow export in streaming mode: one record batch per DuckDB chunk, written on a
/// download worker into a <see cref="DownloadPipe"/> as it comes, so memory holds about one chunk
/// and the pipe's few buffers. Column names are the feed's property names.
/// </summary>
internal static class ArrowDownload
{
    public static StreamedDownload.Producer Producer(SqlStatement statement) =>
        (session, pipe, cancellationToken) =>
        {
            using var command = DuckDbCommands.Create(session.Connection, statement);
            command.UseStreamingMode = true;
            using var arrow = DuckDbCommands.Run(command, c => c.ExecuteArrowStream(), cancellationToken);
            using var interrupt = cancellationToken.Register(static c => ((DuckDB.NET.Data.DuckDBCommand)c!).Cancel(), command);
            // The first batch is fetched before the answer starts: a failure there is still an error answer.
            var batch = Next(arrow, cancellationToken);
            pipe.MarkStarted();

            long rows = 0;
            using (var writer = new ArrowStreamWriter(pipe.Writer, arrow.Schema, leaveOpen: true))
            {
                while (batch is not null)
                {
                    using (batch)
                    {
                        writer.WriteRecordBatch(batch);
                        rows += batch.Length;
                    }
                    batch = Next(arrow, cancellationToken);
                }
                writer.WriteEnd();
            }
            return rows;
        };

    // On a download worker: waiting synchronously is intended (DuckDB's Arrow stream completes synchronously anyway).
    private static RecordBatch? Next(IArrowArrayStream arrow, CancellationToken cancellationToken) =>
        arrow.ReadNextRecordBatchAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
}
