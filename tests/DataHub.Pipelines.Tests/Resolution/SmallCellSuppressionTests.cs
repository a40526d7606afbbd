using DataHub.Pipelines.Resolution;
using Xunit;

namespace DataHub.Pipelines.Tests.Resolution;

public sealed class SmallCellSuppressionTests
{
    [Fact]
    public void Apply_NoSmallCells_PublishesEverything()
    {
        var t = SmallCellSuppression.Apply(new long[,] { { 10, 20 }, { 30, 0 } });
        Assert.Equal(0, t.SuppressedCount);
        Assert.Equal(60, t.GrandTotal);
        Assert.Equal(0, t.Value(1, 1));
    }

    [Fact]
    public void Apply_OneSmallCell_WithholdsAtLeastFourFigures()
    {
        var t = SmallCellSuppression.Apply(new long[,] { { 3, 20, 9 }, { 30, 12, 40 }, { 8, 15, 25 } });
        Assert.Null(t.Value(0, 0));
        // A lone withheld cell would be its row total minus the rest: the row, the column and the
        // complementary cell's row and column must each hold a second withheld figure.
        Assert.True(t.SuppressedCount >= 4);
        AssertSafe(t, 5);
    }

    [Fact]
    public void Apply_SmallTotal_IsWithheldAndProtected()
    {
        var t = SmallCellSuppression.Apply(new long[,] { { 1, 2 }, { 30, 40 } });
        Assert.Null(t.RowTotal(0));
        AssertSafe(t, 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(20261129)]
    public void Apply_RandomTables_NoSmallFigurePublishedAndNoneRecoverable(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            int rows = random.Next(1, 6), cols = random.Next(1, 6);
            var cells = new long[rows, cols];
            for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                cells[r, c] = random.Next(4) == 0 ? random.Next(0, 5) : random.Next(0, 40);
            var t = SmallCellSuppression.Apply(cells);
            AssertSafe(t, 5);
            for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                if (t.Value(r, c) is { } v) Assert.Equal(cells[r, c], v);
        }
    }

    /// <summary>
    /// Every published figure is 0 or at least k, and every withheld figure can vary: an independent
    /// check (exact rational null space of the sum constraints over the withheld figures) finds, for
    /// each one, a direction that changes it while keeping every published figure and total.
    /// </summary>
    private static void AssertSafe(SuppressedTable t, int k)
    {
        int n = t.Rows + 1, m = t.Columns + 1;
        for (var r = 0; r < n; r++)
        for (var c = 0; c < m; c++)
            if (t.Value(r, c) is { } v) Assert.True(v == 0 || v >= k, $"({r},{c}) = {v} 小于 {k} 却被公布");

        var unknowns = new List<(int R, int C)>();
        for (var r = 0; r < n; r++)
        for (var c = 0; c < m; c++)
            if (t.IsSuppressed(r, c)) unknowns.Add((r, c));
        if (unknowns.Count == 0) return;

        var rowsOfA = new List<Fraction[]>();
        for (var r = 0; r < n; r++) rowsOfA.Add(unknowns.Select(u => u.R == r ? new Fraction(u.C == m - 1 ? -1 : 1) : Fraction.Zero).ToArray());
        for (var c = 0; c < m; c++) rowsOfA.Add(unknowns.Select(u => u.C == c ? new Fraction(u.R == n - 1 ? -1 : 1) : Fraction.Zero).ToArray());

        var free = NullSpace(rowsOfA, unknowns.Count);
        for (var i = 0; i < unknowns.Count; i++)
            Assert.True(free.Any(v => !v[i].IsZero), $"被隐藏的 ({unknowns[i].R},{unknowns[i].C}) 可由合计推算出来");
    }

    private static List<Fraction[]> NullSpace(List<Fraction[]> a, int width)
    {
        var m = a.Select(r => r.ToArray()).ToList();
        var pivotCols = new List<int>();
        var row = 0;
        for (var col = 0; col < width && row < m.Count; col++)
        {
            var p = Enumerable.Range(row, m.Count - row).FirstOrDefault(i => !m[i][col].IsZero, -1);
            if (p < 0) continue;
            (m[row], m[p]) = (m[p], m[row]);
            var inv = m[row][col];
            for (var j = 0; j < width; j++) m[row][j] /= inv;
            for (var i = 0; i < m.Count; i++)
            {
                if (i == row || m[i][col].IsZero) continue;
                var f = m[i][col];
                for (var j = 0; j < width; j++) m[i][j] -= f * m[row][j];
            }
            pivotCols.Add(col);
            row++;
        }
        var result = new List<Fraction[]>();
        for (var freeCol = 0; freeCol < width; freeCol++)
        {
            if (pivotCols.Contains(freeCol)) continue;
            var v = Enumerable.Repeat(Fraction.Zero, width).ToArray();
            v[freeCol] = new Fraction(1);
            for (var i = 0; i < pivotCols.Count; i++) v[pivotCols[i]] = -m[i][freeCol];
            result.Add(v);
        }
        return result;
    }

    private readonly record struct Fraction(long Num, long Den = 1)
    {
        public static readonly Fraction Zero = new(0);
        public bool IsZero => Num == 0;
        private static Fraction Make(long n, long d)
        {
            if (d < 0) { n = -n; d = -d; }
            var g = Gcd(Math.Abs(n), d);
            return g == 0 ? Zero : new Fraction(n / g, d / g);
        }
        private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
        public static Fraction operator -(Fraction a) => new(-a.Num, a.Den);
        public static Fraction operator -(Fraction a, Fraction b) => Make(a.Num * b.Den - b.Num * a.Den, a.Den * b.Den);
        public static Fraction operator *(Fraction a, Fraction b) => Make(a.Num * b.Num, a.Den * b.Den);
        public static Fraction operator /(Fraction a, Fraction b) => Make(a.Num * b.Den, a.Den * b.Num);
    }
}
