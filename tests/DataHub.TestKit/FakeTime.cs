namespace DataHub.TestKit;

/// <summary>A clock tests set and advance by hand.</summary>
public sealed class FakeTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public FakeTime() : this(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8))) { }

    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    public void Advance(TimeSpan by) => _now += by;
}
