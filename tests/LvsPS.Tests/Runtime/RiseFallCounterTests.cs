using CsCheck;
using LvsPS.Native.Runtime;

namespace LvsPS.Tests.Runtime;

/// <summary>
/// The rise/fall counter against keepalived's rules (checker retry, vrrp_script rise/fall and its
/// first result, alpha, init_fail) and, as a property, against a plain model that counts results in
/// a row: whatever the sequence, both say up and down at the same points.
/// </summary>
public sealed class RiseFallCounterTests
{
    private static bool[] Replay(RiseFallCounter counter, string results)
        => results.Select(c => { counter.Record(c == '+'); return counter.IsUp; }).ToArray();

    private static string Show(bool[] states) => new(states.Select(up => up ? 'U' : 'D').ToArray());

    [Fact]
    public void Keepalived_checker_goes_down_after_retry_plus_one_failures_and_up_after_one_success()
    {
        // Started normally the checker is up, and its first-ever failure takes it down at once.
        Assert.Equal("D", Show(Replay(RiseFallCounter.KeepalivedChecker(retry: 3), "-")));
        // Once it passed, retry 3 means four failures in a row, and one success brings it back.
        Assert.Equal("UUUUDU", Show(Replay(RiseFallCounter.KeepalivedChecker(retry: 3), "+----+")));
        // A success between failures starts the retries again.
        Assert.Equal("UUUUUUD", Show(Replay(RiseFallCounter.KeepalivedChecker(retry: 2), "+--+---")));
        // alpha: down until the first success.
        var alpha = RiseFallCounter.KeepalivedChecker(retry: 1, alpha: true);
        Assert.False(alpha.IsUp);
        Assert.Equal("DDU", Show(Replay(alpha, "--+")));
    }

    [Fact]
    public void A_checker_that_failed_while_up_is_retrying_until_it_passes_or_goes_down()
    {
        var c = RiseFallCounter.KeepalivedChecker(retry: 2);
        c.Record(true);
        Assert.False(c.IsRetrying);
        c.Record(false);
        Assert.True(c.IsRetrying);
        c.Record(true);
        Assert.False(c.IsRetrying);
        c.Record(false);
        c.Record(false);
        Assert.True(c.IsRetrying);
        c.Record(false);
        Assert.False(c.IsUp);
        Assert.False(c.IsRetrying);
    }

    [Fact]
    public void Keepalived_track_script_takes_its_first_result_then_rise_and_fall()
    {
        // vrrp_script rise 3 fall 2: the first success is enough, the first failure too.
        Assert.Equal("U", Show(Replay(RiseFallCounter.KeepalivedTrackScript(3, 2), "+")));
        Assert.Equal("DDDU", Show(Replay(RiseFallCounter.KeepalivedTrackScript(3, 2), "-+++")));
        Assert.Equal("UUDDDDDU", Show(Replay(RiseFallCounter.KeepalivedTrackScript(3, 2), "+--+-+++")));
        // init_fail: three successes needed from the start.
        Assert.Equal("DDU", Show(Replay(RiseFallCounter.KeepalivedTrackScript(3, 2, initFail: true), "+++")));
    }

    [Fact]
    public void Counts_transitions_results_and_results_in_a_row()
    {
        var c = new RiseFallCounter(2, 2);
        foreach (char r in "--++-")
            c.Record(r == '+');
        Assert.Equal(5, c.Results);
        Assert.Equal(2, c.Transitions);
        Assert.Equal(1, c.ConsecutiveFailures);
        Assert.Equal(0, c.ConsecutiveSuccesses);
        Assert.True(c.IsUp);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void Rise_and_fall_below_one_are_refused(int rise, int fall)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new RiseFallCounter(rise, fall));

    /// <summary>The model: fragile starts take the first result as the state; then Fall failures in a row while up, Rise successes in a row while down.</summary>
    private static bool[] Model(int rise, int fall, RiseFallStart start, bool[] results)
    {
        bool up = start is RiseFallStart.FullyUp or RiseFallStart.Up;
        bool fragile = start is RiseFallStart.Up or RiseFallStart.Down;
        int inARow = 0;
        var states = new bool[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            bool ok = results[i];
            if (fragile)
            {
                up = ok;
                fragile = false;
                inARow = 0;
            }
            else if (ok == up)
            {
                inARow = 0;
            }
            else if (++inARow >= (up ? fall : rise))
            {
                up = !up;
                inARow = 0;
            }
            states[i] = up;
        }
        return states;
    }

    [Fact]
    public void Agrees_with_counting_results_in_a_row_for_any_sequence()
    {
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 5], Gen.Enum<RiseFallStart>(), Gen.Bool.Array[0, 60])
            .Sample((rise, fall, start, results) =>
            {
                var counter = new RiseFallCounter(rise, fall, start);
                bool[] actual = results.Select(r => { counter.Record(r); return counter.IsUp; }).ToArray();
                return actual.SequenceEqual(Model(rise, fall, start, results));
            }, iter: 5000);
    }
}
