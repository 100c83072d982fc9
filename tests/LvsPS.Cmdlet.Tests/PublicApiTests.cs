using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>Any change to the public types of the module assembly is a visible, reviewed change (tests/PublicApi/LvsPS.approved.txt).</summary>
public sealed class PublicApiTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Fact]
    public void The_public_API_of_LvsPS_is_the_approved_one()
    {
        // The assembly the module loaded (out/LvsPS/LvsPS.dll), not a copy.
        var assembly = (System.Reflection.Assembly)fixture.Session.Run("[LvsPS.ErrorMapper].Assembly").Single().BaseObject;
        string? difference = PublicApiSnapshot.Compare(assembly);
        Assert.True(difference is null, difference);
    }
}
