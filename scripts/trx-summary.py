#!/usr/bin/env python3
"""Sums the counters of TRX files (dotnet test) and NUnit XML files (Pester), one per test
tier, into the closing line CI reads.

usage: trx-summary.py TIER=FILE.trx|FILE.xml ...   (a missing file counts as one failed test)
Prints one line per tier, then 'N passed, N failed, N skipped'; exits 1 on any failure."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


def trx_counts(root):
    c = {k: int(v) for k, v in root.find(f"{NS}ResultSummary/{NS}Counters").attrib.items()}
    p = c.get("passed", 0)
    f = c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0)
    s = max(c.get("total", 0) - c.get("executed", 0), c.get("notExecuted", 0))
    return p, f, s, c.get("total", 0)


def nunit_counts(root):
    """Pester's NUnit 2.5 file: one test-case per test run (filtered-out tests are absent); a
    suite that failed before its tests ran (a broken BeforeAll, a file that does not parse) has
    result Failure and no test-case, and counts as one failed test."""
    p = f = s = 0
    for case in root.iter("test-case"):
        result = case.get("result")
        if result == "Success":
            p += 1
        elif result in ("Failure", "Error"):
            f += 1
        else:  # Ignored (skipped), Inconclusive
            s += 1
    for suite in root.iter("test-suite"):
        if suite.get("result") in ("Failure", "Error") and suite.find(".//test-case") is None:
            f += 1
    return p, f, s, p + f + s


passed = failed = skipped = 0
for arg in sys.argv[1:]:
    tier, _, path = arg.partition("=")
    try:
        root = ET.parse(path).getroot()
        p, f, s, total = nunit_counts(root) if root.tag == "test-results" else trx_counts(root)
    except (OSError, ET.ParseError, AttributeError) as e:
        print(f"{tier}: no test results ({e}); counted as 1 failed")
        failed += 1
        continue
    print(f"{tier}: {p} passed, {f} failed, {s} skipped")
    if total == 0:
        print(f"{tier}: ran no test; counted as 1 failed")
        f += 1
    passed, failed, skipped = passed + p, failed + f, skipped + s
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
