namespace DataHub.Simulators.Population;

/// <summary>Picks items by relative weight with one draw and a binary search.</summary>
internal sealed class WeightedTable<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public WeightedTable(IEnumerable<(T Item, double Weight)> entries)
    {
        var list = entries.Where(e => e.Weight > 0).ToList();
        if (list.Count == 0) throw new ArgumentException("A weighted table needs at least one positive weight.", nameof(entries));
        _items = new T[list.Count];
        _cumulative = new double[list.Count];
        var sum = 0.0;
        for (var i = 0; i < list.Count; i++)
        {
            sum += list[i].Weight;
            _items[i] = list[i].Item;
            _cumulative[i] = sum;
        }
    }

    public T Pick(Random random)
    {
        var x = random.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        if (i < 0) i = ~i;
        return _items[Math.Min(i, _items.Length - 1)];
    }
}
