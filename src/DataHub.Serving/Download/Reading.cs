using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Download;

/// <summary>
/// An executed statement in DuckDB's streaming mode (results fetched chunk by chunk as they are
/// read, never materialised) with the connection and command it owns.
/// </summary>
internal sealed class Reading : IAsyncDisposable
{
    private int disposed;

    private Reading(DuckDBConnection connection, DuckDBCommand command, DuckDBDataReader reader)
    {
        Connection = connection;
        Command = command;
        Reader = reader;
    }

    public DuckDBConnection Connection { get; }

    public DuckDBCommand Command { get; }

    public DuckDBDataReader Reader { get; }

    public static Reading Start(DuckDbEngine engine, SqlStatement statement, CancellationToken cancellationToken)
    {
        var connection = engine.Open();
        DuckDBCommand? command = null;
        try
        {
            command = DuckDbCommands.Create(connection, statement);
            command.UseStreamingMode = true;
            var reader = DuckDbCommands.Reader(command, cancellationToken);
            return new Reading(connection, command, reader);
        }
        catch
        {
            command?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Reader.Dispose();
            Command.Dispose();
            Connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
