using DataHub.Serving.Query;
using DuckDB.NET.Native;

namespace DataHub.Serving.Engine;

/// <summary>
/// A page query's result read straight from DuckDB's vectors through the C API that DuckDB.NET
/// exposes: strings as the UTF-8 bytes DuckDB holds (no .NET string per value, no UTF-16 round
/// trip), numbers, dates and instants as their raw values. DuckDBDataReader decodes every string into
/// a new string and dispatches every value through its generic readers, which was half the cost of
/// writing a page. Only the statement shapes and types it handles take this path
/// (<see cref="TryExecute"/> returns null otherwise, and on any failure, so the caller runs the
/// statement through DuckDB.NET, which reports the failure as usual).
/// </summary>
internal sealed unsafe class NativeResult : IDisposable
{
    private DuckDBResult result;
    private readonly DuckDBType[] types;
    private readonly void*[] data;
    private readonly ulong*[] validity;
    private DuckDBDataChunk? chunk;
    private int chunkSize;
    private int row = -1;
    private bool destroyed;

    private NativeResult(DuckDBResult result, DuckDBType[] types)
    {
        this.result = result;
        this.types = types;
        data = new void*[types.Length];
        validity = new ulong*[types.Length];
    }

    public int ColumnCount => types.Length;

    public DuckDBType Type(int column) => types[column];

    /// <summary>
    /// Executes <paramref name="statement"/> on the session's connection (its prepared statement kept
    /// by the session) when every parameter is of a type bound here and every result column is in
    /// <paramref name="accepted"/>; null otherwise, or when DuckDB fails (the caller re-runs the
    /// statement through DuckDB.NET, which raises the failure as a DuckDBException or a cancellation).
    /// </summary>
    public static NativeResult? TryExecute(QuerySession session, SqlStatement statement, Func<int, DuckDBType, bool> accepted, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || !statement.Parameters.All(p => Bindable(p.Value))) return null;
        var prepared = session.Native(statement.Text);
        if (prepared is null) return null;
        foreach (var parameter in statement.Parameters)
        {
            if (!prepared.Index.TryGetValue(parameter.ParameterName, out var index) || !Bind(prepared.Statement, index, parameter.Value)) return null;
        }

        DuckDBResult result;
        DuckDBState state;
        var connection = session.Connection.NativeConnection;
        using (cancellationToken.Register(static c => NativeMethods.Startup.DuckDBInterrupt((DuckDBNativeConnection)c!), connection))
        {
            state = NativeMethods.PreparedStatements.DuckDBExecutePrepared(prepared.Statement, out result);
        }
        if (state != DuckDBState.Success)
        {
            NativeMethods.Query.DuckDBDestroyResult(ref result);
            return null;
        }
        var columns = (int)NativeMethods.Query.DuckDBColumnCount(ref result);
        var types = new DuckDBType[columns];
        for (var i = 0; i < columns; i++)
        {
            types[i] = NativeMethods.Query.DuckDBColumnType(ref result, i);
            if (!accepted(i, types[i]))
            {
                NativeMethods.Query.DuckDBDestroyResult(ref result);
                return null;
            }
        }
        return new NativeResult(result, types);
    }

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Read()
    {
        if (++row < chunkSize) return true;
        chunk?.Dispose();
        chunk = NativeMethods.Query.DuckDBFetchChunk(result);
        chunkSize = chunk.IsInvalid ? 0 : (int)NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk);
        row = 0;
        if (chunkSize == 0) return false;
        for (var i = 0; i < types.Length; i++)
        {
            var vector = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, i);
            data[i] = NativeMethods.Vectors.DuckDBVectorGetData(vector);
            validity[i] = NativeMethods.Vectors.DuckDBVectorGetValidity(vector);
        }
        return true;
    }

    public bool IsNull(int column)
    {
        var mask = validity[column];
        return mask is not null && (mask[row >> 6] & (1UL << (row & 63))) == 0;
    }

    /// <summary>A VARCHAR's UTF-8 bytes, valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Utf8(int column)
    {
        var value = (DuckDBString*)data[column] + row;
        return new ReadOnlySpan<byte>(value->Data, value->Length);
    }

    public string String(int column) => System.Text.Encoding.UTF8.GetString(Utf8(column));

    public bool Boolean(int column) => ((byte*)data[column])[row] != 0;

    /// <summary>An integer column of any width DuckDB returns (TINYINT to BIGINT).</summary>
    public long Integer(int column) => types[column] switch
    {
        DuckDBType.TinyInt => ((sbyte*)data[column])[row],
        DuckDBType.SmallInt => ((short*)data[column])[row],
        DuckDBType.Integer => ((int*)data[column])[row],
        _ => ((long*)data[column])[row],
    };

    public double Double(int column) => types[column] == DuckDBType.Float ? ((float*)data[column])[row] : ((double*)data[column])[row];

    /// <summary>DATE: days since 1970-01-01.</summary>
    public DateOnly Date(int column) => DateOnly.FromDayNumber(UnixEpochDay + ((int*)data[column])[row]);

    /// <summary>TIMESTAMP WITH TIME ZONE: microseconds since 1970-01-01 UTC.</summary>
    public DateTimeOffset Instant(int column) =>
        new(DateTime.UnixEpoch.Ticks + ((long*)data[column])[row] * TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);

    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public void Dispose()
    {
        chunk?.Dispose();
        chunk = null;
        if (destroyed) return;
        destroyed = true;
        NativeMethods.Query.DuckDBDestroyResult(ref result);
    }

    private static bool Bindable(object? value) => value is null or DBNull or string or long or int or bool or double;

    private static bool Bind(DuckDBPreparedStatement statement, long index, object? value) => value switch
    {
        null or DBNull => NativeMethods.PreparedStatements.DuckDBBindNull(statement, index) == DuckDBState.Success,
        string s => NativeMethods.PreparedStatements.DuckDBBindVarchar(statement, index, s) == DuckDBState.Success,
        long l => NativeMethods.PreparedStatements.DuckDBBindInt64(statement, index, l) == DuckDBState.Success,
        int i => NativeMethods.PreparedStatements.DuckDBBindInt32(statement, index, i) == DuckDBState.Success,
        bool b => NativeMethods.PreparedStatements.DuckDBBindBoolean(statement, index, b) == DuckDBState.Success,
        double d => NativeMethods.PreparedStatements.DuckDBBindDouble(statement, index, d) == DuckDBState.Success,
        _ => false,
    };
}

/// <summary>A statement prepared through the C API, with the index of each named parameter.</summary>
internal sealed class NativePrepared(DuckDBPreparedStatement statement, IReadOnlyDictionary<string, long> index) : IDisposable
{
    public DuckDBPreparedStatement Statement { get; } = statement;

    public IReadOnlyDictionary<string, long> Index { get; } = index;

    public void Dispose() => Statement.Dispose();
}
