using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>
/// A worker's long-lived connection and its prepared statements. DuckDB.NET keeps a command's
/// prepared statement while its text is unchanged, so a command per distinct statement text (bounded,
/// least recently used dropped) is re-bound with new parameters instead of parsed and planned again:
/// Power Query's pages of one query share their text and differ only in parameters.
/// </summary>
internal sealed class QuerySession : IDisposable
{
    private const int MaxPrepared = 64;
    private readonly Dictionary<string, LinkedListNode<(string Text, DuckDBCommand Command)>> prepared = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, DuckDBCommand Command)> recency = new();
    private readonly Dictionary<string, LinkedListNode<(string Text, NativePrepared? Statement)>> native = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, NativePrepared? Statement)> nativeRecency = new();
    private readonly DuckDbEngine engine;
    private DuckDBConnection connection;

    public QuerySession(DuckDbEngine engine)
    {
        this.engine = engine;
        connection = engine.Open();
    }

    /// <summary>How long the current work waited in the queue.</summary>
    public TimeSpan QueueWait { get; set; }

    public DuckDBConnection Connection => connection;

    /// <summary>The cached command for this statement text with this statement's parameters bound. Do not dispose it.</summary>
    public DuckDBCommand Command(SqlStatement statement)
    {
        var text = statement.Text;
        DuckDBCommand command;
        if (prepared.TryGetValue(text, out var node))
        {
            recency.Remove(node);
            recency.AddFirst(node);
            command = node.Value.Command;
            command.Parameters.Clear();
        }
        else
        {
            command = connection.CreateCommand();
            command.CommandText = text;
            prepared[text] = recency.AddFirst((text, command));
            if (prepared.Count > MaxPrepared)
            {
                var last = recency.Last!;
                recency.RemoveLast();
                prepared.Remove(last.Value.Text);
                last.Value.Command.Dispose();
            }
        }
        foreach (var parameter in statement.Parameters) command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>
    /// The statement prepared through the C API for <see cref="NativeResult"/> (bounded and least
    /// recently used dropped, as <see cref="Command"/>), or null when DuckDB cannot prepare it (the
    /// caller then runs it through DuckDB.NET, which reports why).
    /// </summary>
    public NativePrepared? Native(string text)
    {
        if (native.TryGetValue(text, out var node))
        {
            nativeRecency.Remove(node);
            nativeRecency.AddFirst(node);
            return node.Value.Statement;
        }
        var prepared = Prepare(text);
        native[text] = nativeRecency.AddFirst((text, prepared));
        if (native.Count > MaxPrepared)
        {
            var last = nativeRecency.Last!;
            nativeRecency.RemoveLast();
            native.Remove(last.Value.Text);
            last.Value.Statement?.Dispose();
        }
        return prepared;
    }

    private NativePrepared? Prepare(string text)
    {
        var state = DuckDB.NET.Native.NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, text, out var statement);
        if (state != DuckDB.NET.Native.DuckDBState.Success)
        {
            statement.Dispose();
            return null;
        }
        var count = DuckDB.NET.Native.NativeMethods.PreparedStatements.DuckDBParams(statement);
        var index = new Dictionary<string, long>(StringComparer.Ordinal);
        // Parameters are named $p0, $p1, … (SqlStatement.Param).
        for (var i = 0; i < count; i++)
        {
            var name = "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (DuckDB.NET.Native.NativeMethods.PreparedStatements.DuckDBBindParameterIndex(statement, out var at, name) != DuckDB.NET.Native.DuckDBState.Success)
            {
                statement.Dispose();
                return null;
            }
            index[name] = at;
        }
        return new NativePrepared(statement, index);
    }

    /// <summary>Drops the prepared statements and opens a fresh connection (after an unexpected failure).</summary>
    public void Reset()
    {
        DropPrepared();
        var old = connection;
        connection = engine.Open();
        old.Dispose();
    }

    public void Dispose()
    {
        DropPrepared();
        connection.Dispose();
    }

    private void DropPrepared()
    {
        foreach (var (_, command) in recency) command.Dispose();
        recency.Clear();
        prepared.Clear();
        foreach (var (_, statement) in nativeRecency) statement?.Dispose();
        nativeRecency.Clear();
        native.Clear();
    }
}
