using System.Management.Automation;
using System.Text;
using LvsPS.Testing;
using Xunit;

namespace LvsPS.Cmdlet.Tests;

/// <summary>
/// Issue 10's data and service safety, against the in-memory IPVS: files that look like accidents change
/// nothing, -Replace asks first, keeps every service served and goes in cancellable batches with an exact
/// report, the readers refuse endless files, directories and bad text with clear errors.
/// </summary>
public sealed class ImportSafetyCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>, IDisposable
{
    private readonly PowerShellSession _ps = fixture.Session;
    private readonly InMemoryIpvsSwitch _ipvs = new(fixture.Session);
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsps-import").FullName;

    public void Dispose()
    {
        _ipvs.Dispose();
        _ps.Host.Capture.ChoiceAnswer = -1;
        Directory.Delete(_dir, recursive: true);
    }

    private string File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    private string File(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private const string Web = "-A -t 10.0.0.3:80 -s rr\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 1\n-a -t 10.0.0.3:80 -r 10.0.0.8:80 -m -w 1\n";

    private void Load(string rules) => _ps.Run("Import-LvsConfiguration $args[0]", File("load.rules", rules));

    private static string Id(PowerShellSession.Result r) => Assert.Single(r.AllErrors).FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void An_empty_file_does_not_clear_the_table_with_Replace_unless_forced()
    {
        Load(Web);
        string empty = File("empty.rules", "");
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0] -Replace -Confirm:$false", empty);
        Assert.Equal("ConfigurationFileEmpty", Id(r));
        Assert.Contains("would remove 3 objects", r.AllErrors.Single().Exception.Message);
        Assert.Contains("-Force", r.AllErrors.Single().ErrorDetails!.RecommendedAction);
        Assert.Equal(3, _ipvs.Rules().Count);

        Assert.DoesNotContain(_ps.Invoke("Import-LvsConfiguration $args[0] -Replace -Confirm:$false", File("comments.rules", "# nothing here\n\n")).Output, o => o is null);
        Assert.Equal(3, _ipvs.Rules().Count);

        _ps.Run("Import-LvsConfiguration $args[0] -Replace -Force", empty);
        Assert.Empty(_ipvs.Rules());
    }

    [Fact]
    public void A_last_line_without_its_line_break_is_refused_as_maybe_cut_short_unless_forced()
    {
        Load(Web);
        string cut = File("cut.rules", Web + "-e -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 1"); // was "-w 10" before the cut
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0]", cut);
        Assert.Equal("ConfigurationFileTruncated", Id(r));
        Assert.StartsWith($"{cut}:4: the last line has no line break", r.AllErrors.Single().Exception.Message);

        _ps.Run("Import-LvsConfiguration $args[0] -Force", cut);
        _ps.Run("Import-LvsConfiguration $args[0]", File("complete.rules", Web + "-e -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 10\n"));
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 10", _ipvs.Rules());
    }

    [Fact]
    public void Replace_asks_first_as_a_high_impact_change_and_a_no_changes_nothing()
    {
        Load(Web);
        string other = File("other.rules", "-A -t 10.0.0.3:443 -s rr\n");
        _ps.Host.Capture.ChoiceAnswer = 1; // No
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0] -Replace", other);
        Assert.Empty(r.AllErrors);
        Assert.Contains("[CHOICE Replace the IPVS table?: Replacing the IPVS table with", r.HostText);
        Assert.Contains("removes 3 objects", r.HostText);
        Assert.Equal(3, _ipvs.Rules().Count);

        _ps.Host.Capture.ChoiceAnswer = -1;
        PowerShellSession.Result unasked = _ps.Invoke("Import-LvsConfiguration $args[0] -Replace -Confirm:$false", other);
        Assert.DoesNotContain("[CHOICE", unasked.HostText);
        Assert.Equal(new[] { "-A -t 10.0.0.3:443 -s rr" }, _ipvs.Rules());
    }

    [Fact]
    public void The_plan_adds_and_edits_before_it_removes_and_WhatIf_shows_that_order()
    {
        Load(Web + "-A -u 10.0.0.3:53 -s rr\n");
        string desired = File("desired.rules", "-A -t 10.0.0.3:80 -s wrr\n-a -t 10.0.0.3:80 -r 10.0.0.9:80 -m -w 1\n-A -t 10.0.0.4:80 -s rr\n");
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0] -Replace -WhatIf", desired);
        string[] lines = r.HostText.Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[]
        {
            "What if: Performing the operation \"Create virtual service (scheduler rr)\" on target \"tcp/10.0.0.4:80\".",
            "What if: Performing the operation \"Update virtual service (scheduler wrr)\" on target \"tcp/10.0.0.3:80\".",
            "What if: Performing the operation \"Add real server (masquerade, weight 1)\" on target \"tcp/10.0.0.3:80 -> 10.0.0.9:80\".",
            "What if: Performing the operation \"Remove real server\" on target \"tcp/10.0.0.3:80 -> 10.0.0.8:80\".",
            "What if: Performing the operation \"Remove real server\" on target \"tcp/10.0.0.3:80 -> 10.0.0.7:80\".",
            "What if: Performing the operation \"Remove virtual service and its real servers\" on target \"udp/10.0.0.3:53\".",
        }, lines);
        Assert.Equal(4, _ipvs.Rules().Count);
    }

    [Fact]
    public void A_refused_replacement_keeps_the_real_server_it_was_to_replace_and_the_summary_says_so()
    {
        Load("-A -t 10.0.0.3:80 -s rr\n-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 1\n");
        _ps.Run("$LvsInMemoryIpvs.get_Item('').Refuse('AddRealServer', 'tcp/10.0.0.3:80 -> 10.0.0.9:80', 12)");
        PowerShellSession.Result r = _ps.Invoke("""
            Import-LvsConfiguration $args[0] -Replace -Confirm:$false -WarningVariable w 3>$null |
                ForEach-Object { "$($_.Added) $($_.Removed) $($_.Failed) $($_.HeldBack) $($_.NoChange)" }
            $w | ForEach-Object { "warning: $_" }
            """, File("swap.rules", "-A -t 10.0.0.3:80 -s rr\n-a -t 10.0.0.3:80 -r 10.0.0.9:80 -m -w 1\n"));
        Assert.Equal("IpvsError", Id(r));
        Assert.Equal("0 0 1 1 False", r.Output[0].ToString());
        Assert.StartsWith("warning: tcp/10.0.0.3:80 -> 10.0.0.7:80 was kept: removing it would have left its service without real servers", r.Output[1].ToString());
        Assert.Contains("-a -t 10.0.0.3:80 -r 10.0.0.7:80 -m -w 1", _ipvs.Rules());
    }

    [Fact]
    public void Ctrl_C_during_a_large_replace_stops_between_batches_reports_exactly_and_leaves_every_service_served()
    {
        var current = new StringBuilder();
        var desired = new StringBuilder();
        for (int s = 0; s < 100; s++)
        {
            current.Append($"-A -t 10.0.{s / 200}.{s % 200 + 1}:80 -s rr\n");
            desired.Append($"-A -t 10.0.{s / 200}.{s % 200 + 1}:80 -s rr\n");
            for (int d = 1; d <= 10; d++)
            {
                current.Append($"-a -t 10.0.{s / 200}.{s % 200 + 1}:80 -r 10.1.{s}.{d}:80 -m -w 1\n");
                desired.Append($"-a -t 10.0.{s / 200}.{s % 200 + 1}:80 -r 10.2.{s}.{d}:80 -m -w 1\n");
            }
        }
        Load(current.ToString());
        _ps.Run("$seam = (Get-Module LvsPS).ImplementingAssembly.GetType('LvsPS.Testing.InMemoryIpvsSeam', $true); " +
                "$seam.GetMethod('StopPipelineAtBatch', [Reflection.BindingFlags]'Static,NonPublic').Invoke($null, @($LvsInMemoryIpvs.get_Item(''), 2))");
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0] -Replace -Confirm:$false", File("desired.rules", desired.ToString()));
        _ps.Run("$LvsInMemoryIpvs.get_Item('').BeforeApply = $null");

        Assert.Empty(r.Output); // stopped: no summary object, the host line is the report
        Assert.Contains("stopped after 1000 of 2000 changes: 1000 added, 0 changed, 0 removed, 0 refused, 1000 not applied.", r.HostText);
        IReadOnlyList<string> rules = _ipvs.Rules();
        Assert.Equal(100 + 2000, rules.Count); // every old real server still there, half the new ones added
        Assert.True(r.Progress!.Count >= 1);
    }

    [Fact]
    public void Endless_files_directories_and_files_that_are_not_UTF_8_are_refused_with_clear_errors()
    {
        PowerShellSession.Result zero = _ps.Invoke("Import-LvsConfiguration /dev/zero");
        Assert.Equal("ConfigurationFileTooLarge", Id(zero));
        Assert.Contains("larger than 64 MiB", zero.AllErrors.Single().Exception.Message);

        PowerShellSession.Result dir = _ps.Invoke("Import-LvsConfiguration $args[0]", _dir);
        Assert.Equal("ConfigurationFileIsDirectory", Id(dir));
        Assert.Contains("is a directory", dir.AllErrors.Single().Exception.Message);

        string badUtf8 = File("bad.json", Convert.FromHexString("7B22AB223A"));
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0]", badUtf8);
        Assert.Equal("ConfigurationFormatError", Id(r));
        Assert.StartsWith($"{badUtf8}:1: ", r.AllErrors.Single().Exception.Message);

        string surrogate = File("surrogate.json", "{\n\"\\ud800\": 1}\n");
        PowerShellSession.Result s = _ps.Invoke("Import-LvsConfiguration $args[0]", surrogate);
        Assert.Equal("ConfigurationFormatError", Id(s));
        Assert.StartsWith($"{surrogate}:2: ", s.AllErrors.Single().Exception.Message);
    }

    [Fact]
    public void Control_characters_from_a_file_are_escaped_in_the_message()
    {
        string evil = File("evil.rules", "-A -t 10.0.0.3:80 -s \u001b[31mred\u001b[0m\u202e\n");
        PowerShellSession.Result r = _ps.Invoke("Import-LvsConfiguration $args[0]", evil);
        string message = Assert.Single(r.AllErrors).Exception.Message;
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\u202e', message);
        Assert.Contains("\\x1B[31mred\\x1B[0m\\u202E", message);
    }

    [Fact]
    public void A_persistent_JSON_service_without_a_timeout_gets_360_seconds_and_exports_as_ipvsadm_reads_it()
    {
        string json = File("p.json", """{ "version": 1, "services": [ { "service": "tcp/10.0.0.3:80", "scheduler": "rr", "persistent": true } ] }""" + "\n");
        _ps.Run("Import-LvsConfiguration $args[0]", json);
        Assert.Equal(new[] { "-A -t 10.0.0.3:80 -s rr -p 360" }, _ipvs.Rules());

        PowerShellSession.Result zero = _ps.Invoke("Import-LvsConfiguration $args[0]",
            File("p0.json", """{ "version": 1, "services": [ { "service": "tcp/10.0.0.4:80", "persistent": true, "persistenceTimeout": 0 } ] }""" + "\n"));
        Assert.Equal("ConfigurationFormatError", Id(zero));
    }
}
