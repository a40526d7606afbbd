using DataHub.Core.Access;

namespace DataHub.Serving.Tests.Kit;

public static class Principals
{
    public static readonly Principal Steward = new("steward", "数据管理员", Role.Steward, SyntheticData.District);
    public static readonly Principal Analyst = new("analyst", "分析员", Role.Analyst, SyntheticData.District);
    public static readonly Principal StreetWorkerA = new("street-a", "街道A", Role.StreetWorker, SyntheticData.StreetA);
    public static readonly Principal CommunityWorkerA1 = new("community-a1", "社区A1", Role.CommunityWorker, SyntheticData.CommunityA1);
    public static readonly Principal CommunityWorkerB2 = new("community-b2", "社区B2", Role.CommunityWorker, SyntheticData.CommunityB2);
}
