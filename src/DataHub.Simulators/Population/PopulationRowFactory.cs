using System.Globalization;
using System.Text;
using DataHub.Core.Standards;

namespace DataHub.Simulators.Population;

/// <summary>
/// Draws the rows of one export from one seeded <see cref="Random"/> and counts what it plants.
/// Memory is bounded whatever the row count: a set of issued ID numbers (8 bytes each) and a fixed-size
/// pool of recent clean persons to duplicate.
/// </summary>
internal sealed class PopulationRowFactory
{
    private const int PoolCapacity = 4096;
    private const string CheckChars = "0123456789X";

    private enum RowKind { Clean, IdCheckDigit, DivisionUnknown, DateFormat, NameMissing, IdMissing, PhoneFormat, IdLength, Duplicate }

    private static readonly RowKind[] DefectOrder =
    [
        RowKind.IdCheckDigit, RowKind.DivisionUnknown, RowKind.DateFormat, RowKind.NameMissing,
        RowKind.IdMissing, RowKind.PhoneFormat, RowKind.IdLength, RowKind.Duplicate,
    ];

    private static readonly DateOnly ExcelEpoch = new(1899, 12, 30);
    private static readonly DateOnly BirthMin = new(1930, 1, 1);
    private static readonly DateOnly BirthMaxFixed = new(2023, 12, 31);

    private static readonly string[] MobilePrefixes =
    [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
        "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "178", "180", "181", "182", "183",
        "184", "185", "186", "187", "188", "189", "191", "193", "195", "196", "198", "199",
    ];

    private readonly Random _rng;
    private readonly PopulationExportOptions _options;
    private readonly bool _mess;
    private readonly Community[] _communities;
    private readonly WeightedTable<int> _communityPick;
    private readonly HashSet<string> _communityCodes;
    private readonly string _localDistrict;
    private readonly bool _localIsBirthplace;
    private readonly string[] _birthplaces;
    private readonly string[] _elsewhere;
    private readonly string _prefixWithoutProvince;
    private readonly double[] _thresholds;
    private readonly DateTimeOffset _now;
    private readonly DateOnly _today;
    private readonly DateOnly _birthMax;

    private readonly HashSet<long> _issued = [];
    private readonly List<Person> _pool = new(PoolCapacity);

    private int _accepted;
    private int _duplicates;
    private readonly int[] _acceptedByCommunity;
    private readonly Dictionary<string, int> _reasons = PopulationReasonCodes.All.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    private readonly Dictionary<string, int> _fieldIssues = PopulationFieldIssueCodes.All.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    private int _missingName;
    private int _missingId;
    private readonly Dictionary<string, int> _variations = PopulationVariations.All.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);

    private readonly IResidentAddresses? _addresses;
    private Person? _lastPerson;
    private RowKind _lastKind;

    /// <param name="addresses">Standard addresses residents live at (the simulated district); null draws free-text addresses.</param>
    public PopulationRowFactory(PopulationExportOptions options, IResidentAddresses? addresses = null)
    {
        _addresses = addresses;
        _options = options;
        _rng = new Random(options.Seed);
        _mess = options.AcceptableMess;
        var streets = options.StreetNames ?? Places.QixiaStreets;
        _communities = options.Communities
            .Select(c => new Community(c.Code, c.Name, Places.ShortCommunityName(c.Name), streets.GetValueOrDefault(c.Code[..9], "")))
            .ToArray();
        _communityCodes = new HashSet<string>(_communities.Select(c => c.Code), StringComparer.Ordinal);
        // Communities differ in size: a fixed weight per community (drawn first, so from the seed) keeps
        // the per-community counts uneven the way real districts are.
        _communityPick = new WeightedTable<int>(_communities.Select((_, i) => (i, 0.3 + _rng.NextDouble() * 2.7)).ToArray());
        _localDistrict = _communities[0].Code[..6];
        _birthplaces = [.. options.BirthplaceDistricts];
        _localIsBirthplace = _birthplaces.Contains(_localDistrict, StringComparer.Ordinal);
        _elsewhere = _birthplaces.Where(b => b != _localDistrict).ToArray();
        var p = options.AddressPrefix;
        var afterProvince = p.IndexOf('省', StringComparison.Ordinal);
        _prefixWithoutProvince = afterProvince >= 0 ? p[(afterProvince + 1)..] : p;

        var rates = options.DefectRates;
        double[] byKind = [rates.IdCheckDigit, rates.DivisionUnknown, rates.DateFormat, rates.NameMissing, rates.IdMissing, rates.PhoneFormat, rates.IdLength, rates.Duplicate];
        _thresholds = new double[byKind.Length];
        var sum = 0.0;
        for (var i = 0; i < byKind.Length; i++) _thresholds[i] = sum += byKind[i];

        _now = options.Now.ToOffset(ChineseDate.BeijingOffset);
        _today = DateOnly.FromDateTime(_now.DateTime);
        var yesterday = _today.AddDays(-1);
        _birthMax = yesterday < BirthMaxFixed ? yesterday : BirthMaxFixed;
        _acceptedByCommunity = new int[_communities.Length];
    }

    /// <summary>Appends data row <paramref name="number"/> (1-based), CRLF-terminated.</summary>
    public void AppendRow(StringBuilder sb, int number)
    {
        var fields = NextRow(number);
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(',');
            CsvText.AppendField(sb, fields[i]);
        }
        sb.Append("\r\n");
    }

    /// <summary>Row <paramref name="number"/> (1-based) as fields, with what it is and the person behind it.</summary>
    public PopulationRow Next(int number)
    {
        var fields = NextRow(number);
        var p = _lastPerson!;
        var kind = _lastKind switch
        {
            RowKind.Clean => PopulationRowKind.Clean,
            RowKind.Duplicate => PopulationRowKind.Duplicate,
            RowKind.DateFormat or RowKind.PhoneFormat => PopulationRowKind.FieldIssue,
            _ => PopulationRowKind.Defective,
        };
        var c = _communities[p.Community];
        return new PopulationRow(fields, kind, new ResidentFacts(
            p.Id18, p.Name, p.Male, p.Ethnicity, p.Birth, c.Code, p.Current.Code, p.Current.Head + p.Current.Middle + p.Current.Tail,
            p.Type, p.Status, p.Phone, p.Updated, p.MoveIn));
    }

    public PopulationExportManifest BuildManifest(int totalRows, string encodingName)
    {
        var quarantined = _reasons.Values.Sum();
        if (_accepted + quarantined + _duplicates != totalRows)
            throw new InvalidOperationException($"Manifest invariant broken: {_accepted} + {quarantined} + {_duplicates} != {totalRows}.");
        var byCommunity = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _communities.Length; i++) byCommunity[_communities[i].Code] = _acceptedByCommunity[i];
        return new PopulationExportManifest
        {
            TotalRows = totalRows,
            ExpectedAccepted = _accepted,
            ExpectedQuarantined = quarantined,
            ExpectedDuplicates = _duplicates,
            ReasonCounts = new SortedDictionary<string, int>(_reasons, StringComparer.Ordinal),
            FieldIssueCounts = new SortedDictionary<string, int>(_fieldIssues, StringComparer.Ordinal),
            RequiredMissingByField = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["id_number"] = _missingId, ["name"] = _missingName },
            AcceptedByCommunity = byCommunity,
            Variations = new SortedDictionary<string, int>(_variations, StringComparer.Ordinal),
            Seed = _options.Seed,
            Encoding = encodingName,
            Now = _options.Now,
        };
    }

    private string[] NextRow(int number)
    {
        var kind = DrawKind();
        string[] fields;
        if (kind == RowKind.Duplicate && TryDuplicate() is { } duplicate)
        {
            _duplicates++;
            _lastPerson = duplicate;
            _lastKind = kind;
            fields = Render(number, duplicate, kind);
        }
        else
        {
            if (kind == RowKind.Duplicate) kind = RowKind.Clean;
            var person = NewPerson();
            _lastPerson = person;
            _lastKind = kind;
            fields = Render(number, person, kind);
            if (kind == RowKind.Clean)
            {
                _accepted++;
                _acceptedByCommunity[person.Community]++;
                AddToPool(person);
            }
            else if (kind is RowKind.DateFormat or RowKind.PhoneFormat)
            {
                // A bad birth date or phone is a field issue: the person is accepted, the value set to null.
                _accepted++;
                _acceptedByCommunity[person.Community]++;
                PlantDefect(kind, person, fields);
            }
            else
            {
                PlantDefect(kind, person, fields);
            }
        }
        if (_mess && _rng.NextDouble() < 0.03)
        {
            // Stray spaces (ASCII or the ideographic U+3000) around one value, as typed into the source system.
            var i = _rng.Next(Col.Id, Col.Count);
            var pad = _rng.NextDouble() < 0.5 ? " " : "\u3000";
            fields[i] = _rng.Next(3) switch { 0 => pad + fields[i], 1 => fields[i] + pad, _ => pad + fields[i] + pad };
            Vary(PopulationVariations.PaddedField);
        }
        return fields;
    }

    /// <summary>Writes the row's one defect into the field <see cref="Render"/> left for it.</summary>
    private void PlantDefect(RowKind kind, Person person, string[] fields)
    {
        switch (kind)
        {
            case RowKind.IdCheckDigit:
                fields[Col.Id] = WrongCheckDigit(person.Id18);
                Count(PopulationReasonCodes.IdCheckDigit);
                break;
            case RowKind.DivisionUnknown:
                fields[Col.CommunityCode] = UnknownCommunityCode(person.Community);
                Count(PopulationReasonCodes.DivisionUnknown);
                break;
            case RowKind.DateFormat:
                fields[Col.BirthDate] = BadDate(person.Birth);
                _fieldIssues[PopulationFieldIssueCodes.DateFormat]++;
                break;
            case RowKind.NameMissing:
                fields[Col.Name] = Blank();
                Count(PopulationReasonCodes.RequiredMissing);
                _missingName++;
                break;
            case RowKind.IdMissing:
                fields[Col.Id] = Blank();
                Count(PopulationReasonCodes.RequiredMissing);
                _missingId++;
                break;
            case RowKind.PhoneFormat:
                fields[Col.Phone] = BadPhone();
                _fieldIssues[PopulationFieldIssueCodes.PhoneFormat]++;
                break;
            case RowKind.IdLength:
                fields[Col.Id] = WrongLength(person.Id18);
                Count(PopulationReasonCodes.IdLength);
                break;
            default:
                throw new InvalidOperationException($"Unexpected row kind {kind}.");
        }
    }

    private RowKind DrawKind()
    {
        var u = _rng.NextDouble();
        for (var i = 0; i < _thresholds.Length; i++)
        {
            if (u < _thresholds[i]) return DefectOrder[i];
        }
        return RowKind.Clean;
    }

    private void Count(string reason) => _reasons[reason]++;

    private void Vary(string variation) => _variations[variation]++;

    // ---- persons ------------------------------------------------------------------------------

    private Person NewPerson()
    {
        var u = _rng.NextDouble();
        var type = u < 0.70 ? "户籍" : u < 0.98 ? "流动" : "境外";
        var male = _rng.NextDouble() < 0.51;
        var birth = DrawBirth();
        string addressCode;
        AddressParts household;
        var community = _communityPick.Pick(_rng);
        var current = LocalAddress(community);
        switch (type)
        {
            case "户籍":
                addressCode = _localIsBirthplace && _rng.NextDouble() < 0.6 ? _localDistrict : _birthplaces[_rng.Next(_birthplaces.Length)];
                household = _rng.NextDouble() < 0.7 ? current : LocalAddress(_communityPick.Pick(_rng));
                break;
            case "流动":
                if (_elsewhere.Length > 0)
                {
                    addressCode = _elsewhere[_rng.Next(_elsewhere.Length)];
                    household = ElsewhereAddress(addressCode);
                }
                else
                {
                    addressCode = _birthplaces[_rng.Next(_birthplaces.Length)];
                    household = LocalAddress(_communityPick.Pick(_rng));
                }
                break;
            default:
                var abroad = Places.Abroad[_rng.Next(Places.Abroad.Length)];
                addressCode = abroad.Code;
                household = new AddressParts(abroad.Address, Inv($"{_rng.Next(1, 400)}号"), Inv($"{_rng.Next(1, 30)}楼{(char)('A' + _rng.Next(6))}室"));
                break;
        }
        var id18 = NewId(addressCode, birth, male);
        // 港澳居民居住证 carry no 民族; the field is nullable in the schema.
        var ethnicity = type == "境外" ? "" : ChineseNames.Ethnic(_rng);
        var name = ChineseNames.Name(_rng, male, ethnicity);
        var moveIn = DrawMoveIn(type, birth);
        var age = _today.Year - birth.Year;
        var s = _rng.NextDouble();
        var status = s < 0.03 && age >= 60 ? "死亡" : s < (type == "户籍" ? 0.07 : 0.10) ? "迁出" : "在住";
        var lowest = (moveIn ?? birth).ToDateTime(TimeOnly.MinValue);
        var (updatedText, updated) = RenderUpdated(DrawInstant(new DateTimeOffset(lowest, ChineseDate.BeijingOffset), _now));
        return new Person
        {
            Id18 = id18, Name = name, Male = male, Ethnicity = ethnicity, Birth = birth, Household = household, Current = current,
            Community = community, Type = type, MoveIn = moveIn, Status = status, Phone = NewMobile(),
            UpdatedText = updatedText, Updated = updated,
        };
    }

    private DateOnly DrawBirth()
    {
        // Triangular over 1930..2023 (peak mid-1970s), rejecting dates after yesterday.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var year = 1930 + (int)((_rng.NextDouble() + _rng.NextDouble()) / 2 * 94);
            var date = new DateOnly(year, 1, 1).AddDays(_rng.Next(DateTime.IsLeapYear(year) ? 366 : 365));
            if (date >= BirthMin && date <= _birthMax) return date;
        }
        return BirthMin.AddDays(_rng.Next(_birthMax.DayNumber - BirthMin.DayNumber + 1));
    }

    private DateOnly? DrawMoveIn(string type, DateOnly birth)
    {
        // Most 户籍 residents born here have no 迁入日期.
        if (type == "户籍" && _rng.NextDouble() < 0.3) return null;
        var yearsBack = type switch { "户籍" => 45, "流动" => 12, _ => 6 };
        var high = _today.AddDays(-1);
        var low = _today.AddYears(-yearsBack);
        if (low < birth) low = birth;
        if (high < low) high = low;
        return low.AddDays(_rng.Next(high.DayNumber - low.DayNumber + 1));
    }

    private DateTimeOffset DrawInstant(DateTimeOffset lowest, DateTimeOffset highest)
    {
        // Records are touched within the last three years (and not before the person moved in or was born).
        var floor = highest.AddDays(-1095);
        return DrawBetween(lowest < floor ? floor : lowest, highest);
    }

    private string NewId(string addressCode, DateOnly birth, bool male)
    {
        var prefix = long.Parse(addressCode, CultureInfo.InvariantCulture) * 100_000_000L + birth.Year * 10_000L + birth.Month * 100L + birth.Day;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var sequence = _rng.Next(500) * 2 + (male ? 1 : 0);
            var key = prefix * 1000 + sequence;
            if (!_issued.Add(key)) continue;
            var first17 = key.ToString("D17", CultureInfo.InvariantCulture);
            return first17 + IdNumber.CheckChar(first17);
        }
        throw new InvalidOperationException($"No free ID sequence left for address code {addressCode} and birth date {birth:yyyy-MM-dd}.");
    }

    private string NewMobile() =>
        MobilePrefixes[_rng.Next(MobilePrefixes.Length)] + _rng.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    private void AddToPool(Person person)
    {
        if (_pool.Count < PoolCapacity) _pool.Add(person);
        else _pool[_rng.Next(PoolCapacity)] = person;
    }

    /// <summary>A second row for a clean earlier person (taken out of the pool: a person appears at most twice).</summary>
    private Person? TryDuplicate()
    {
        if (_pool.Count == 0) return null;
        var index = _rng.Next(_pool.Count);
        var source = _pool[index];
        _pool[index] = _pool[^1];
        _pool.RemoveAt(_pool.Count - 1);

        // The two rows' 更新时间 differ by at least two days, so "keep the latest" has one answer even after
        // a format drops the time of day (which moves a value back by less than a day).
        var lowest = new DateTimeOffset((source.MoveIn ?? source.Birth).ToDateTime(TimeOnly.MinValue), ChineseDate.BeijingOffset);
        var olderLow = Max(lowest, source.Updated.AddDays(-365));
        var olderHigh = source.Updated.AddDays(-2);
        var newerLow = source.Updated.AddDays(2);
        var newerHigh = Min(_now, source.Updated.AddDays(365));
        var canOlder = olderLow <= olderHigh;
        var canNewer = newerLow <= newerHigh;
        if (!canOlder && !canNewer) return null;
        var newer = canNewer && (!canOlder || _rng.NextDouble() < 0.5);
        var instant = newer ? DrawBetween(newerLow, newerHigh) : DrawBetween(olderLow, olderHigh);
        var (text, updated) = RenderUpdated(instant);
        return source with
        {
            Current = _rng.NextDouble() < 0.3 ? LocalAddress(source.Community) : source.Current,
            Phone = _rng.NextDouble() < 0.3 ? NewMobile() : source.Phone,
            UpdatedText = text,
            Updated = updated,
        };
    }

    /// <summary>A whole-second Beijing time in [low, high], mostly in office hours, when records are edited.</summary>
    private DateTimeOffset DrawBetween(DateTimeOffset low, DateTimeOffset high)
    {
        var firstDay = DateOnly.FromDateTime(low.DateTime);
        var days = DateOnly.FromDateTime(high.DateTime).DayNumber - firstDay.DayNumber;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var day = firstDay.AddDays(_rng.Next(days + 1));
            var second = _rng.NextDouble() < 0.85 ? 8 * 3600 + _rng.Next(10 * 3600) : _rng.Next(24 * 3600);
            var t = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue).AddSeconds(second), ChineseDate.BeijingOffset);
            if (t >= low && t <= high) return t;
        }
        var span = (long)(high - low).TotalSeconds;
        var u = low.AddSeconds(span <= 0 ? 0 : _rng.NextInt64(span + 1));
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, u.Minute, u.Second, ChineseDate.BeijingOffset);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // ---- addresses ----------------------------------------------------------------------------

    private AddressParts LocalAddress(int communityIndex)
    {
        var c = _communities[communityIndex];
        if (_addresses is not null)
        {
            var standard = _addresses.Pick(c.Code, _rng);
            return new AddressParts(standard.Head, standard.Middle, standard.Tail, standard.Code);
        }
        var prefix = (_mess && _rng.NextDouble() < 0.25 ? _prefixWithoutProvince : _options.AddressPrefix) + c.Street + c.ShortName;
        if (c.ShortName.EndsWith('村'))
            return new AddressParts(prefix, Inv($"{_rng.Next(1, 13)}组"), Inv($"{_rng.Next(1, 81)}号"));
        var building = Inv($"{_rng.Next(1, 31)}栋{_rng.Next(1, 5)}单元{_rng.Next(1, 34)}{_rng.Next(1, 5):00}室");
        return _rng.NextDouble() < 0.4
            ? new AddressParts(prefix, Places.Estates[_rng.Next(Places.Estates.Length)], building)
            : new AddressParts(prefix, Inv($"{Places.LocalRoads[_rng.Next(Places.LocalRoads.Length)]}{_rng.Next(1, 301)}号"), building);
    }

    private AddressParts ElsewhereAddress(string districtCode)
    {
        var known = _options.BirthplaceNames?.GetValueOrDefault(districtCode) ?? Places.Districts.GetValueOrDefault(districtCode);
        var town = Places.Towns[_rng.Next(Places.Towns.Length)];
        var village = Places.Villages[_rng.Next(Places.Villages.Length)];
        if (known is null)
        {
            var province = Places.Provinces.GetValueOrDefault(districtCode[..2], "");
            return new AddressParts(province + town + "镇", village + "村", Inv($"{_rng.Next(1, 13)}组{_rng.Next(1, 81)}号"));
        }
        return _rng.NextDouble() < 0.5
            ? new AddressParts(known, Places.TownRoads[_rng.Next(Places.TownRoads.Length)], Inv($"{_rng.Next(1, 500)}号"))
            : new AddressParts(known + town + "街道", village + "社区", Inv($"{_rng.Next(1, 200)}号{_rng.Next(1, 30)}栋"));
    }

    /// <summary>The address as written: now and then with a comma, quotes or an Alt+Enter line break (all quoted in the CSV).</summary>
    private string WriteAddress(AddressParts a, double scale)
    {
        if (!_mess) return a.Head + a.Middle + a.Tail;
        var u = _rng.NextDouble();
        if (u < 0.008 * scale)
        {
            Vary(PopulationVariations.AddressComma);
            return _rng.NextDouble() < 0.5
                ? a.Head + a.Middle + "," + a.Tail
                : a.Head + a.Middle + a.Tail + "," + Places.AddressNotes[_rng.Next(Places.AddressNotes.Length)];
        }
        if (u < 0.012 * scale)
        {
            Vary(PopulationVariations.AddressQuote);
            return a.Head + "\"" + a.Middle + "\"" + a.Tail;
        }
        if (u < 0.0135 * scale)
        {
            Vary(PopulationVariations.AddressNewline);
            return a.Head + a.Middle + "\n" + a.Tail;
        }
        return a.Head + a.Middle + a.Tail;
    }

    // ---- rendering ----------------------------------------------------------------------------

    /// <summary>
    /// The row's fields. For a defective row the defect's field is left empty (its variations uncounted) and
    /// 性别 and 出生日期 are always written, so that the planted defect is the row's only one.
    /// </summary>
    private string[] Render(int number, Person p, RowKind kind)
    {
        var derivableMayBeEmpty = kind is RowKind.Clean or RowKind.Duplicate;
        var c = _communities[p.Community];
        var fields = new string[Col.Count];
        fields[Col.Number] = number.ToString(CultureInfo.InvariantCulture);
        fields[Col.Id] = kind is RowKind.IdCheckDigit or RowKind.IdLength or RowKind.IdMissing ? "" : WriteId(p.Id18, p.Birth, rewrite: kind == RowKind.Duplicate);
        fields[Col.Name] = p.Name;
        fields[Col.Gender] = WriteGender(p.Male, derivableMayBeEmpty);
        fields[Col.Ethnicity] = _mess && p.Ethnicity == "汉族" && _rng.NextDouble() < 0.03 ? Varied(PopulationVariations.EthnicityShort, "汉") : p.Ethnicity;
        fields[Col.BirthDate] = kind == RowKind.DateFormat ? ""
            : derivableMayBeEmpty && _mess && _rng.NextDouble() < 0.02 ? Varied(PopulationVariations.BirthDateEmpty, "")
            : WriteDate(p.Birth);
        fields[Col.Household] = WriteAddress(p.Household, 0.5);
        fields[Col.Current] = WriteAddress(p.Current, 1);
        fields[Col.CommunityCode] = c.Code;
        fields[Col.CommunityName] = c.Name;
        fields[Col.PersonType] = p.Type;
        fields[Col.MoveIn] = p.MoveIn is { } moveIn ? WriteDate(moveIn) : Varied(PopulationVariations.MoveInEmpty, "");
        fields[Col.Status] = p.Status;
        fields[Col.Phone] = kind == RowKind.PhoneFormat ? "" : WritePhone(p.Phone);
        fields[Col.UpdatedAt] = p.UpdatedText;
        return fields;
    }

    private string Varied(string variation, string value)
    {
        Vary(variation);
        return value;
    }

    private string WriteId(string id18, DateOnly birth, bool rewrite)
    {
        if (!_mess) return id18;
        // Legacy 15-digit numbers were issued before 1999, to people born in the 1900s; upgrading one gives id18 back.
        if (birth.Year is >= 1900 and < 1990 && _rng.NextDouble() < (rewrite ? 0.25 : 0.02))
        {
            Vary(PopulationVariations.IdLegacy15);
            return string.Concat(id18.AsSpan(0, 6), id18.AsSpan(8, 9));
        }
        return Decorate(id18, rewrite);
    }

    /// <summary>Lowercase x and full-width digits, which normalisation undoes.</summary>
    private string Decorate(string id, bool rewrite)
    {
        if (!_mess) return id;
        if (id.EndsWith('X') && _rng.NextDouble() < 0.4)
        {
            Vary(PopulationVariations.IdLowercaseX);
            id = id[..^1] + "x";
        }
        if (_rng.NextDouble() < (rewrite ? 0.3 : 0.015))
        {
            Vary(PopulationVariations.IdFullWidth);
            id = ToFullWidth(id);
        }
        return id;
    }

    private static string ToFullWidth(string s) =>
        string.Create(s.Length, s, static (span, src) =>
        {
            for (var i = 0; i < src.Length; i++)
                span[i] = src[i] is >= '!' and <= '~' ? (char)(src[i] + 0xFEE0) : src[i];
        });

    private string WriteGender(bool male, bool allowEmpty)
    {
        if (!_mess) return male ? "男" : "女";
        var u = _rng.NextDouble();
        if (u < 0.02 && allowEmpty) return Varied(PopulationVariations.GenderEmpty, "");
        if (u < 0.06) return Varied(PopulationVariations.GenderCode, male ? "1" : "2");
        if (u < 0.09) return Varied(PopulationVariations.GenderWord, male ? "男性" : "女性");
        return male ? "男" : "女";
    }

    private string WriteDate(DateOnly d)
    {
        if (!_mess) return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var u = _rng.NextDouble();
        if (u < 0.35) return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (u < 0.55) return d.ToString("yyyy/M/d", CultureInfo.InvariantCulture);
        if (u < 0.75) return d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        if (u < 0.87) return Varied(PopulationVariations.DateChinese, Inv($"{d.Year}年{d.Month}月{d.Day}日"));
        if (u < 0.95) return Varied(PopulationVariations.DateExcelSerial, (d.DayNumber - ExcelEpoch.DayNumber).ToString(CultureInfo.InvariantCulture));
        // A date column Excel formatted as date-time.
        return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00";
    }

    /// <summary>The text written and the instant a parser reads back from it (formats without seconds or time truncate).</summary>
    private (string Text, DateTimeOffset Value) RenderUpdated(DateTimeOffset t)
    {
        var u = _mess ? _rng.NextDouble() : 0;
        if (u < 0.5) return (t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), t);
        var minute = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, t.Offset);
        if (u < 0.75) return (t.ToString("yyyy/M/d H:mm", CultureInfo.InvariantCulture), minute);
        if (u < 0.9) return (t.ToString("yyyyMMdd", CultureInfo.InvariantCulture), new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, t.Offset));
        return (Inv($"{t.Year}年{t.Month}月{t.Day}日 {t:HH:mm}"), minute);
    }

    private string WritePhone(string mobile)
    {
        if (!_mess) return mobile;
        var a = mobile[..3];
        var b = mobile[3..7];
        var c = mobile[7..];
        var u = _rng.NextDouble();
        if (u < 0.02) return Varied(PopulationVariations.PhoneEmpty, "");
        // A landline (area code 025, 8-digit local number, sometimes an extension): a valid phone.
        if (u < 0.05) return Varied(PopulationVariations.PhoneLandline, _rng.Next(4) switch
        {
            0 => Inv($"025-8{_rng.Next(10_000_000):D7}"),
            1 => Inv($"(025)5{_rng.Next(10_000_000):D7}"),
            2 => Inv($"025-8{_rng.Next(10_000_000):D7}-{_rng.Next(100, 1000)}"),
            _ => Inv($"0258{_rng.Next(10_000_000):D7}"),
        });
        if (u < 0.57) return mobile;
        Vary(PopulationVariations.PhoneFormatted);
        if (u < 0.67) return $"+86 {a} {b} {c}";
        if (u < 0.77) return $"{a}-{b}-{c}";
        if (u < 0.85) return $"{a} {b} {c}";
        if (u < 0.90) return "+86" + mobile;
        if (u < 0.94) return "0086-" + mobile;
        if (u < 0.97) return "(+86)" + mobile;
        return ToFullWidth(mobile);
    }

    // ---- defects ------------------------------------------------------------------------------

    private string WrongCheckDigit(string id18)
    {
        var wrong = CheckChars[_rng.Next(CheckChars.Length - 1)];
        if (wrong == id18[17]) wrong = CheckChars[^1];
        return Decorate(id18[..17] + wrong, rewrite: false);
    }

    private string WrongLength(string id18)
    {
        // One digit dropped or doubled while typing, or a number cut short: 17, 19 or 16 characters, never 15 or 18.
        var at = _rng.Next(1, 17);
        return _rng.Next(3) switch
        {
            0 => id18.Remove(at, 1),
            1 => id18.Insert(at, id18[at].ToString()),
            _ => id18[..16],
        };
    }

    private string UnknownCommunityCode(int communityIndex)
    {
        // A plausible code: the community's own street and a number the street does not have.
        var street = _communities[communityIndex].Code[..9];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var code = street + _rng.Next(900, 1000).ToString(CultureInfo.InvariantCulture);
            if (!_communityCodes.Contains(code)) return code;
        }
        for (var n = 999; n >= 0; n--)
        {
            var code = _localDistrict + n.ToString("D3", CultureInfo.InvariantCulture) + "999";
            if (!_communityCodes.Contains(code)) return code;
        }
        throw new InvalidOperationException("Could not find a community code absent from the list.");
    }

    private string BadDate(DateOnly birth)
    {
        var y = birth.Year;
        var m = birth.Month;
        return _rng.Next(8) switch
        {
            0 => Inv($"{y}-13-{birth.Day:00}"),
            1 => Inv($"{y}-{m:00}-45"),
            2 => "不详",
            3 => Inv($"{y}0230"),
            4 => Inv($"{y}年{m}月32日"),
            5 => "0000-00-00",
            6 => Inv($"{y}/{m}/"),
            _ => "待核实",
        };
    }

    private string BadPhone() => _rng.Next(7) switch
    {
        0 => "1234567",
        1 => "110",
        2 => "025-0" + _rng.Next(10_000_000).ToString("D7", CultureInfo.InvariantCulture), // a local number never starts with 0
        3 => "12" + _rng.Next(1_000_000_000).ToString("D9", CultureInfo.InvariantCulture),
        4 => NewMobile() + _rng.Next(10).ToString(CultureInfo.InvariantCulture),
        5 => NewMobile()[..10],
        _ => NewMobile()[..3] + "****" + _rng.Next(10_000).ToString("D4", CultureInfo.InvariantCulture),
    };

    private string Blank() => _mess && _rng.NextDouble() < 0.2 ? (_rng.NextDouble() < 0.5 ? " " : "\u3000") : "";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // ---- types --------------------------------------------------------------------------------

    private static class Col
    {
        public const int Number = 0, Id = 1, Name = 2, Gender = 3, Ethnicity = 4, BirthDate = 5, Household = 6, Current = 7,
            CommunityCode = 8, CommunityName = 9, PersonType = 10, MoveIn = 11, Status = 12, Phone = 13, UpdatedAt = 14, Count = 15;
    }

    private sealed record Community(string Code, string Name, string ShortName, string Street);

    /// <summary>An address in three parts, so that a comma, quotes or a line break can go between them.</summary>
    private sealed record AddressParts(string Head, string Middle, string Tail, string? Code = null);

    private sealed record Person
    {
        public required string Id18 { get; init; }
        public required string Name { get; init; }
        public required bool Male { get; init; }
        public required string Ethnicity { get; init; }
        public required DateOnly Birth { get; init; }
        public required AddressParts Household { get; init; }
        public required AddressParts Current { get; init; }
        public required int Community { get; init; }
        public required string Type { get; init; }
        public required DateOnly? MoveIn { get; init; }
        public required string Status { get; init; }
        public required string Phone { get; init; }
        public required string UpdatedText { get; init; }
        /// <summary>The instant a parser reads from <see cref="UpdatedText"/>.</summary>
        public required DateTimeOffset Updated { get; init; }
    }
}

/// <summary>Where residents of the simulated district live: standard addresses of a community.</summary>
internal interface IResidentAddresses
{
    StandardAddressPick Pick(string communityCode, Random rng);
}

/// <summary>A standard address in three parts (see <c>AddressParts</c>) with its code.</summary>
internal readonly record struct StandardAddressPick(string Code, string Head, string Middle, string Tail);

/// <summary>Clean; a second row of a person; accepted with a field issue (a bad birth date or phone set to null); quarantined.</summary>
internal enum PopulationRowKind { Clean, Duplicate, FieldIssue, Defective }

/// <summary>One generated row: its fields as written, what kind of row it is, and the person it describes.</summary>
internal sealed record PopulationRow(string[] Fields, PopulationRowKind Kind, ResidentFacts Person);

/// <summary>The true facts about a person, whatever the row says (a defective row still has a real person behind it).</summary>
internal sealed record ResidentFacts(
    string Id18, string Name, bool Male, string Ethnicity, DateOnly Birth, string CommunityCode, string? AddressCode,
    string Address, string Type, string Status, string Phone, DateTimeOffset Updated, DateOnly? MoveIn);
