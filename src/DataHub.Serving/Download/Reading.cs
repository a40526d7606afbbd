using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Download;

/// <summary>
/// An executed statement in DuckDB's streaming mode (results fetched chunk by chunk as they are
/// read, never materialised) on a download worker's connection, with the command it owns. While it
/// is open, the token interrupts DuckDB (a cancelled request, a stopped download, the time budget).
/// </summary>
internal sealed class Reading : IDisposable
{
    private readonly CancellationTokenRegistration registration;

    private Reading(DuckDBCommand command, DuckDBDataReader reader, CancellationToken cancellationToken)
    {
        Command = command;
        Reader = reader;
        registration = cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command);
    }

    public DuckDBCommand Command { get; }

    public DuckDBDataReader Reader { get; }

    public static Reading Start(DuckDBConnection connection, SqlStatement statement, CancellationToken cancellationToken)
    {
        var command = DuckDbCommands.Create(connection, statement);
        try
        {
            command.UseStreamingMode = true;
            var reader = DuckDbCommands.Reader(command, cancellationToken);
            return new Reading(command, reader, cancellationToken);
        }
        catch
        {
            command.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        registration.Dispose();
        Reader.Dispose();
        Command.Dispose();
    }
}
