#!/usr/bin/env python3
"""Print the netlink messages of an nlmon capture as lowercase hex, one message per line.

Usage: pcap-to-hex.py [options] CAPTURE.pcap
  --dir request|reply|all   requests (NLM_F_REQUEST set, user -> kernel), the replies
                            answering the selected requests (same seq and port id), or
                            every message (default: all)
  --family-id N             generic netlink family to select (default: the IPVS family id
                            found in a CTRL_CMD_NEWFAMILY reply inside the capture)
  --family-name NAME        family to look for when auto-detecting (default: IPVS)
  --cmd N[,N...]            only requests whose genl command is one of these
  --any-family              do not filter requests by family
  --index N                 keep only the N-th (0-based) selected request (and its replies)
  --contains HEX            keep only requests whose bytes contain HEX (e.g. an attribute)
  --summary                 also describe each printed message on stderr
  --print-family-id         print the detected family id and exit

Captures come from `tcpdump -i nlmon0 -w FILE`. Each frame is one skb and may hold several
netlink messages (dump replies are batched); they are split on nlmsg_len. The per-frame
link-layer header is stripped: LINKTYPE_NETLINK (253) and LINUX_SLL (113) have a 16-byte
cooked header, LINUX_SLL2 (276) a 20-byte one. nlmon marks both directions PACKET_OUTGOING
(at least on 6.1), so the direction comes from NLM_F_REQUEST: the kernel never sets it.
Standard library only.
"""
import argparse
import struct
import sys

NLM_F_REQUEST = 0x1
NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL = 2, 3, 0x10
CTRL_CMD_NEWFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 1, 2
HEADER_LEN = {253: 16, 113: 16, 276: 20}
PKTTYPE = {0: 'host', 4: 'outgoing', 6: 'user', 7: 'kernel'}


def read_pcap(path):
    """Yield (linktype, pkttype or None, frame bytes without link header)."""
    data = open(path, 'rb').read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        sys.exit(f'{path}: not a classic pcap file (pcapng is not supported; use tcpdump -w)')
    linktype = struct.unpack(e + 'I', data[20:24])[0] & 0x0FFFFFFF
    if linktype not in HEADER_LEN:
        sys.exit(f'{path}: link type {linktype} is not a netlink capture')
    hl = HEADER_LEN[linktype]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
        frame = data[off + 16: off + 16 + incl]
        off += 16 + incl
        if incl != orig:
            print(f'warning: frame truncated ({incl} of {orig} bytes); use -s 0', file=sys.stderr)
        # pkttype: first big-endian u16 of the cooked header (SLL2 keeps it at offset 10)
        pkt = frame[10] if linktype == 276 else struct.unpack('>H', frame[0:2])[0]
        yield linktype, pkt, frame[hl:]


def split_messages(buf):
    """Split one frame into its netlink messages (host byte order = little endian)."""
    off = 0
    while off + 16 <= len(buf):
        ln, typ, flags, seq, pid = struct.unpack('<IHHII', buf[off:off + 16])
        if ln < 16 or off + ln > len(buf):
            print(f'warning: bad nlmsg_len {ln} at offset {off}', file=sys.stderr)
            break
        yield dict(raw=buf[off:off + ln], len=ln, type=typ, flags=flags, seq=seq, pid=pid,
                   cmd=buf[off + 16] if ln >= 20 else None)
        off += (ln + 3) & ~3


def attrs(payload):
    off = 0
    while off + 4 <= len(payload):
        ln, typ = struct.unpack('<HH', payload[off:off + 4])
        if ln < 4:
            break
        yield typ & 0x3FFF, payload[off + 4: off + ln]
        off += (ln + 3) & ~3


def find_family_id(msgs, name):
    for m in msgs:
        if m['type'] == GENL_ID_CTRL and not m['flags'] & NLM_F_REQUEST and m['cmd'] == CTRL_CMD_NEWFAMILY:
            a = dict(attrs(m['raw'][20:]))
            if a.get(CTRL_ATTR_FAMILY_NAME, b'').rstrip(b'\0').decode() == name and CTRL_ATTR_FAMILY_ID in a:
                return struct.unpack('<H', a[CTRL_ATTR_FAMILY_ID][:2])[0]
    return None


def describe(m, fam):
    if m['type'] == NLMSG_ERROR:
        err = struct.unpack('<i', m['raw'][16:20])[0]
        what = f'NLMSG_ERROR error={err}' + (' (ack)' if err == 0 else '')
    elif m['type'] == NLMSG_DONE:
        what = 'NLMSG_DONE'
    elif m['type'] == GENL_ID_CTRL:
        what = f'nlctrl cmd={m["cmd"]}'
    elif m['type'] == fam:
        what = f'family {fam} cmd={m["cmd"]}'
    else:
        what = f'type={m["type"]} cmd={m["cmd"]}'
    return (f'{"request" if m["flags"] & NLM_F_REQUEST else "reply  "} {m.get("pkt")} len={m["len"]} '
            f'flags=0x{m["flags"]:04x} seq={m["seq"]} pid={m["pid"]} {what}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('pcap')
    ap.add_argument('--dir', choices=('request', 'reply', 'all'), default='all')
    ap.add_argument('--family-id', type=int)
    ap.add_argument('--family-name', default='IPVS')
    ap.add_argument('--cmd', default='')
    ap.add_argument('--any-family', action='store_true')
    ap.add_argument('--index', type=int)
    ap.add_argument('--contains', default='')
    ap.add_argument('--summary', action='store_true')
    ap.add_argument('--print-family-id', action='store_true')
    o = ap.parse_args()

    msgs = []
    for _, pkt, frame in read_pcap(o.pcap):
        for m in split_messages(frame):
            m['pkt'] = PKTTYPE.get(pkt, pkt)
            msgs.append(m)
    fam = o.family_id if o.family_id is not None else find_family_id(msgs, o.family_name)
    if o.print_family_id:
        if fam is None:
            sys.exit(f'no {o.family_name} family id in {o.pcap}')
        print(fam)
        return
    cmds = {int(c, 0) for c in o.cmd.split(',') if c}

    def wanted_request(m):
        return (m['flags'] & NLM_F_REQUEST
                and (o.any_family or (fam is not None and m['type'] == fam))
                and (not cmds or m['cmd'] in cmds)
                and bytes.fromhex(o.contains) in m['raw'])

    if o.dir == 'all' and not cmds and o.any_family:
        out = msgs
    else:
        reqs = [m for m in msgs if wanted_request(m)]
        if o.index is not None:
            reqs = reqs[o.index:o.index + 1]
        if o.dir == 'request':
            out = reqs
        else:
            keys = {(m['seq'], m['pid']) for m in reqs}
            replies = [m for m in msgs if not m['flags'] & NLM_F_REQUEST and (m['seq'], m['pid']) in keys]
            out = replies if o.dir == 'reply' else [m for m in msgs if m in reqs or m in replies]
    for m in out:
        print(m['raw'].hex())
        if o.summary:
            print('  ' + describe(m, fam), file=sys.stderr)


if __name__ == '__main__':
    main()
