using System.Net;
using System.Net.Sockets;

namespace DataHub.TestKit.Connectors;

/// <summary>
/// A real TCP hop on 127.0.0.1 in front of a server: while <see cref="Down"/> is set (or for the
/// first <c>failFirst</c> connections) it accepts and drops connections, as a flapping network or
/// a restarting server does; otherwise it forwards bytes both ways. Gives transient failures over
/// a real socket without touching the server.
/// </summary>
public sealed class FlakyTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _failuresLeft;

    public FlakyTcpProxy(string targetHost, int targetPort, int failFirst = 0)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _failuresLeft = failFirst;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>While true every connection is dropped.</summary>
    public bool Down { get; set; }

    /// <summary>Connections dropped so far.</summary>
    public int Dropped { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (Down || Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                Dropped++;
                client.Client.LingerState = new LingerOption(true, 0); // a reset, as a dropped route gives
                client.Dispose();
                continue;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                var a = client.GetStream();
                var b = server.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side closed: the connection ends, as a real hop's would.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
