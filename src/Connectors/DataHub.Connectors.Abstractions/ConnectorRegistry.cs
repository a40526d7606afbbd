namespace DataHub.Connectors.Abstractions;

/// <summary>The connectors a host offers, by the type name source files use.</summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, ISourceConnector> _byType = new(StringComparer.OrdinalIgnoreCase);

    public ConnectorRegistry(IEnumerable<ISourceConnector> connectors)
    {
        foreach (var c in connectors) _byType[c.Spec.Type] = c;
    }

    public IReadOnlyCollection<ISourceConnector> All => _byType.Values;

    public ISourceConnector Get(string type) =>
        _byType.TryGetValue(type, out var c)
            ? c
            : throw new ConnectorException(ConnectorFailure.Config, "CONNECTOR_UNKNOWN",
                $"未知的连接器类型“{type}”", fix: $"可用类型：{string.Join("、", _byType.Keys)}");
}
