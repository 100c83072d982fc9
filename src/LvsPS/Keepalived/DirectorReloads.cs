using System.Management.Automation;
using LvsPS.Native.Configuration.Director;
using LvsPS.Native.Health;
using LvsPS.Native.Vrrp;

namespace LvsPS.Keepalived;

/// <summary>A reload as the cmdlets report it: the plan as verbose lines, repairs and notes as warnings, refusals as errors.</summary>
internal static class DirectorReloads
{
    /// <summary>
    /// Reloads once <paramref name="approve"/> (ShouldProcess; yes when null) has seen the plan; a configuration that cannot
    /// run is written as an error and changes nothing. Null when it failed, was not read or was not approved.
    /// <paramref name="read"/> reads the new configuration (null: the file has errors, written by it) while the director
    /// reads the kernel's table.
    /// </summary>
    public static DirectorReloadResult? Apply(Cmdlet cmdlet, RunningDirector director, Func<DirectorConfiguration?> read, Func<DirectorReloadPlan, bool>? approve = null)
    {
        DirectorReloadResult? result;
        bool reading = false;
        try
        {
            result = director.Reload(() =>
            {
                reading = true;
                DirectorConfiguration? next = read();
                reading = false;
                return next;
            }, approve ?? (_ => true));
            if (result is null)
                return null;
        }
        // What the read throws is the caller's (it is not the director's refusal).
        catch (Exception e) when (!reading && (e is HealthCheckDefinitionException or VrrpValidationException or InvalidOperationException || ErrorMapper.IsMapped(e)))
        {
            cmdlet.WriteError(ErrorMapper.IsMapped(e) ? ErrorMapper.Map(e, director.Name).Record
                : ErrorMapper.Record(ErrorMapper.DirectorNotStarted, new InvalidOperationException($"The new configuration cannot run, so nothing was changed: {e.Message}", e), director.Name));
            return null;
        }
        foreach (string line in result.Plan.Describe())
            cmdlet.WriteVerbose($"{director.Name}: {line}");
        foreach (string repair in result.Plan.Repairs)
            cmdlet.WriteWarning($"{director.Name}: repaired: {repair}");
        foreach (string note in result.Notes)
            cmdlet.WriteWarning(note);
        foreach (string error in result.Errors)
            cmdlet.WriteError(ErrorMapper.Record(ErrorMapper.DirectorChangeRefused, new InvalidOperationException(error), director.Name));
        return result;
    }
}
