#!/usr/bin/env python3
"""Sums the counters of TRX files (one per test tier) into the closing line CI reads.

usage: trx-summary.py TIER=FILE.trx ...   (a missing file counts as one failed test)
Prints one line per tier, then 'N passed, N failed, N skipped'; exits 1 on any failure."""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
for arg in sys.argv[1:]:
    tier, _, path = arg.partition("=")
    try:
        counters = ET.parse(path).getroot().find(f"{NS}ResultSummary/{NS}Counters")
        c = {k: int(v) for k, v in counters.attrib.items()}
    except (OSError, ET.ParseError, AttributeError) as e:
        print(f"{tier}: no test results ({e}); counted as 1 failed")
        failed += 1
        continue
    p = c.get("passed", 0)
    f = c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0)
    s = max(c.get("total", 0) - c.get("executed", 0), c.get("notExecuted", 0))
    print(f"{tier}: {p} passed, {f} failed, {s} skipped")
    if c.get("total", 0) == 0:
        print(f"{tier}: ran no test; counted as 1 failed")
        f += 1
    passed, failed, skipped = passed + p, failed + f, skipped + s
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
