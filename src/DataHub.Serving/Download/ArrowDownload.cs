using Apache.Arrow;
using Apache.Arrow.Ipc;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Download;

/// <summary>
/// Arrow IPC stream format (<c>pyarrow.ipc.open_stream</c>, <c>polars.read_ipc_stream</c>), from
/// DuckDB's own Arrow export in streaming mode: one record batch per DuckDB chunk, written as it
/// comes, so memory holds about one chunk. Column names are the feed's property names.
/// </summary>
internal sealed class ArrowDownload : FeedBody
{
    private readonly DuckDBConnection connection;
    private readonly DuckDBCommand command;
    private readonly IArrowArrayStream arrow;
    private int disposed;

    private ArrowDownload(DuckDBConnection connection, DuckDBCommand command, IArrowArrayStream arrow)
    {
        this.connection = connection;
        this.command = command;
        this.arrow = arrow;
    }

    public static ArrowDownload Start(DuckDbEngine engine, SqlStatement statement, CancellationToken cancellationToken)
    {
        var connection = engine.Open();
        DuckDBCommand? command = null;
        try
        {
            command = DuckDbCommands.Create(connection, statement);
            command.UseStreamingMode = true;
            var arrow = DuckDbCommands.Run(command, c => c.ExecuteArrowStream(), cancellationToken);
            return new ArrowDownload(connection, command, arrow);
        }
        catch
        {
            command?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        long rows = 0;
        using (cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command))
        {
            using var writer = new ArrowStreamWriter(stream, arrow.Schema, leaveOpen: true);
            while (await arrow.ReadNextRecordBatchAsync(cancellationToken) is { } batch)
            {
                using (batch)
                {
                    await writer.WriteRecordBatchAsync(batch, cancellationToken);
                    rows += batch.Length;
                }
            }
            await writer.WriteEndAsync(cancellationToken);
        }
        return rows;
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            arrow.Dispose();
            command.Dispose();
            connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
