namespace DataHub.Simulators.District;

/// <summary>
/// Where the simulated district keeps its systems inside a DataHub data folder:
/// <code>
/// simulator/state.json       the district's true state (for advance)
/// simulator/truth.json       the ground truth (expected accounting, changes, facts)
/// simulator/district.db      what the REST API and the FHIR server serve (SQLite)
/// simulator/police.db        the 公安 register (SQLite; PostgreSQL when a connection string is given)
/// simulator/drops/           the files departments send: 公安_实有人口.csv, 住建_实有房屋.xlsx
/// secrets/scjg-api.key       the API key the 市场监管 API issued to DataHub
/// sources/*.yaml             one source definition per department
/// </code>
/// </summary>
public sealed class DistrictPaths(string dataRoot)
{
    public string Root { get; } = Path.GetFullPath(dataRoot);
    public string Simulator => Path.Combine(Root, "simulator");
    public string State => Path.Combine(Simulator, "state.json");
    public string Truth => Path.Combine(Simulator, "truth.json");
    public string Store => Path.Combine(Simulator, "district.db");
    public string PoliceDatabase => Path.Combine(Simulator, "police.db");
    public string Drops => Path.Combine(Simulator, "drops");
    public string PoliceCsv => Path.Combine(Drops, PoliceDepartment.CsvFileName);
    public string HousingWorkbook => Path.Combine(Drops, HousingDepartment.WorkbookFileName);
    public string Secrets => Path.Combine(Root, "secrets");
    public string ApiKey => Path.Combine(Secrets, "scjg-api.key");
    public string PolicePassword => Path.Combine(Secrets, "gongan-db.password");
    public string Sources => Path.Combine(Root, "sources");
    public string PostgresSettings => Path.Combine(Simulator, "police-postgres.txt");
}
