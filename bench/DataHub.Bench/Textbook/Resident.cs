using Microsoft.EntityFrameworkCore;

namespace DataHub.Bench.Textbook;

/// <summary>One row of the published population dataset, as a .NET team would map it for EF Core.</summary>
public sealed class Resident
{
    public string RecordId { get; set; } = "";

    public string IdNumber { get; set; } = "";

    public string Name { get; set; } = "";

    public string Gender { get; set; } = "";

    public string? Ethnicity { get; set; }

    public DateOnly BirthDate { get; set; }

    public string? HouseholdAddress { get; set; }

    public string? CurrentAddress { get; set; }

    public string CommunityCode { get; set; } = "";

    public string CommunityName { get; set; } = "";

    public string StreetCode { get; set; } = "";

    public string PersonType { get; set; } = "";

    public DateOnly? MoveInDate { get; set; }

    public string? Status { get; set; }

    public string? Phone { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>The textbook stack's database: SQLite, the key as primary key, an index on the community code.</summary>
public sealed class TextbookDb(DbContextOptions<TextbookDb> options) : DbContext(options)
{
    public DbSet<Resident> Residents => Set<Resident>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var r = modelBuilder.Entity<Resident>();
        r.ToTable("residents");
        r.HasKey(x => x.RecordId);
        r.HasIndex(x => new { x.CommunityCode, x.RecordId });
        r.HasIndex(x => new { x.StreetCode, x.RecordId });
    }
}
