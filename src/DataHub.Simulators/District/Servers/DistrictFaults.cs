namespace DataHub.Simulators.District.Servers;

/// <summary>
/// Failures the simulated servers produce on request, the way real department systems fail: a
/// burst of 500s (or 503/429) before they recover, a truncated JSON body, an expired FHIR paging
/// link. Tests and the demo's broken sources set them; every fault is used up once served.
/// </summary>
public sealed class DistrictFaults
{
    private readonly Lock _gate = new();
    private int _failures;
    private int _failureStatus = 500;
    private int _malformed;
    private int? _brokenNextAfterPage;

    /// <summary>The next <paramref name="count"/> API requests answer <paramref name="status"/> (with Retry-After: 1 for 429/503).</summary>
    public void FailNext(int count, int status = 500)
    {
        lock (_gate)
        {
            _failures = count;
            _failureStatus = status;
        }
    }

    /// <summary>The next <paramref name="count"/> successful API responses are cut off mid-JSON.</summary>
    public void MalformNext(int count)
    {
        lock (_gate) _malformed = count;
    }

    /// <summary>FHIR searches link page <paramref name="page"/> to an expired paging session (HTTP 410) until cleared with null.</summary>
    public void BreakNextLinkAfterPage(int? page)
    {
        lock (_gate) _brokenNextAfterPage = page;
    }

    /// <summary>Requests served so far (faults included), for tests that count retries.</summary>
    public int Requests { get; private set; }

    internal int? TakeFailure()
    {
        lock (_gate)
        {
            Requests++;
            if (_failures <= 0) return null;
            _failures--;
            return _failureStatus;
        }
    }

    internal bool TakeMalformed()
    {
        lock (_gate)
        {
            if (_malformed <= 0) return false;
            _malformed--;
            return true;
        }
    }

    internal int? BrokenNextAfterPage
    {
        get
        {
            lock (_gate) return _brokenNextAfterPage;
        }
    }
}
