#!/usr/bin/env python3
"""Count the IPVS generic netlink requests of an nlmon capture, by kind.

Usage: count-requests.py --family-id N CAPTURE.pcap
Prints one line: "total T changes C dumps D other O" where changes are NEW/SET/DEL of services and
real servers (IPVS commands 1-3, 5-7), dumps GET_SERVICE/GET_DEST (4, 8), other the rest (timeouts,
info, daemons, flush). Requests only (NLM_F_REQUEST: the kernel never sets it). Uses the capture
reader of pcap-to-hex.py.
"""
import argparse
import importlib.util
import os

spec = importlib.util.spec_from_file_location('pcap_to_hex', os.path.join(os.path.dirname(__file__), 'pcap-to-hex.py'))
p2h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(p2h)

CHANGES, DUMPS = {1, 2, 3, 5, 6, 7}, {4, 8}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pcap')
    ap.add_argument('--family-id', type=int, required=True)
    o = ap.parse_args()
    counts = {'changes': 0, 'dumps': 0, 'other': 0}
    for _, _, frame in p2h.read_pcap(o.pcap):
        for m in p2h.split_messages(frame):
            if not m['flags'] & p2h.NLM_F_REQUEST or m['type'] != o.family_id:
                continue
            counts['changes' if m['cmd'] in CHANGES else 'dumps' if m['cmd'] in DUMPS else 'other'] += 1
    print(f"total {sum(counts.values())} changes {counts['changes']} dumps {counts['dumps']} other {counts['other']}")


if __name__ == '__main__':
    main()
