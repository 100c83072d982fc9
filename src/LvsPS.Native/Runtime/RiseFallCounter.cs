namespace LvsPS.Native.Runtime;

/// <summary>Where a <see cref="RiseFallCounter"/> starts (HAProxy's init-state names).</summary>
public enum RiseFallStart
{
    /// <summary>Up; Fall failures in a row take it down.</summary>
    FullyUp,
    /// <summary>Up, but the first failure takes it down at once (HAProxy's default; keepalived's checkers at startup).</summary>
    Up,
    /// <summary>Down, but the first success brings it up at once (keepalived's vrrp_script before its first result).</summary>
    Down,
    /// <summary>Down; Rise successes in a row bring it up (keepalived's alpha and init_fail).</summary>
    FullyDown,
}

/// <summary>
/// Up/down with hysteresis, as HAProxy and keepalived's vrrp_script count it: one health value
/// from 0 to Rise+Fall-1, up while it is at least Rise. A success while up, or the Rise-th success
/// in a row while down, sets it to the top; a failure while down, or the Fall-th failure in a row
/// while up, sets it to 0. So Fall failures in a row take it down and Rise successes in a row bring
/// it up, and one result of the other kind starts the count again.
/// keepalived's checker retry is Rise 1, Fall retry+1, start <see cref="RiseFallStart.Up"/>
/// (<see cref="RiseFallStart.FullyDown"/> with alpha): see <see cref="KeepalivedChecker"/>.
/// Not thread-safe: one worker owns it.
/// </summary>
public sealed class RiseFallCounter
{
    public RiseFallCounter(int rise, int fall, RiseFallStart start = RiseFallStart.FullyUp)
    {
        if (rise < 1)
            throw new ArgumentOutOfRangeException(nameof(rise), rise, "Rise must be at least 1.");
        if (fall < 1)
            throw new ArgumentOutOfRangeException(nameof(fall), fall, "Fall must be at least 1.");
        Rise = rise;
        Fall = fall;
        Start = start;
        Health = start switch
        {
            RiseFallStart.FullyUp => Top,
            RiseFallStart.Up => rise,
            RiseFallStart.Down => rise - 1,
            _ => 0,
        };
    }

    /// <summary>keepalived's checker: down after retry+1 failures in a row, up again after one success; alpha starts it down.</summary>
    public static RiseFallCounter KeepalivedChecker(int retry, bool alpha = false)
        => new(1, retry + 1, alpha ? RiseFallStart.FullyDown : RiseFallStart.Up);

    /// <summary>keepalived's vrrp_script: the first result decides, then rise/fall; init_fail starts it fully down.</summary>
    public static RiseFallCounter KeepalivedTrackScript(int rise, int fall, bool initFail = false)
        => new(rise, fall, initFail ? RiseFallStart.FullyDown : RiseFallStart.Down);

    public int Rise { get; }
    public int Fall { get; }
    public RiseFallStart Start { get; }
    /// <summary>0 to Rise+Fall-1; up while at least Rise.</summary>
    public int Health { get; private set; }
    public bool IsUp => Health >= Rise;
    /// <summary>Results recorded so far.</summary>
    public long Results { get; private set; }
    /// <summary>Times <see cref="IsUp"/> changed.</summary>
    public long Transitions { get; private set; }
    public int ConsecutiveFailures { get; private set; }
    public int ConsecutiveSuccesses { get; private set; }
    /// <summary>Up, but a failure was seen since the last success: keepalived then retries after delay_before_retry instead of delay_loop.</summary>
    public bool IsRetrying => IsUp && Health < Top;

    private int Top => Rise + Fall - 1;

    /// <summary>Counts one result; true when it changed <see cref="IsUp"/>.</summary>
    public bool Record(bool success)
    {
        bool wasUp = IsUp;
        Results++;
        if (success)
        {
            ConsecutiveSuccesses++;
            ConsecutiveFailures = 0;
            Health = Health < Rise - 1 ? Health + 1 : Top;
        }
        else
        {
            ConsecutiveFailures++;
            ConsecutiveSuccesses = 0;
            Health = Health > Rise ? Health - 1 : 0;
        }
        if (IsUp == wasUp)
            return false;
        Transitions++;
        return true;
    }

    public override string ToString() => $"{(IsUp ? "up" : "down")} ({Health}/{Top}, rise {Rise}, fall {Fall})";
}
