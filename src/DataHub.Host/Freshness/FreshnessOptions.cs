namespace DataHub.Host.Freshness;

/// <summary>Freshness checks and the alert webhook (<c>Freshness:…</c> in appsettings.json).</summary>
public sealed class FreshnessOptions
{
    /// <summary>Check datasets against their 更新周期 in this process (default on for <c>serve</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often datasets are checked (default every 5 minutes).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Optional URL that receives a JSON POST per stale / fresh-again transition.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Attempts per alert before it is given up (logged); default 5.</summary>
    public int WebhookAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry; doubled after each failed attempt (default 10 s: 10, 20, 40, 80 s).</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one POST may take (default 10 s).</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
