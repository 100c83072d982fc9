#!/bin/bash
# Records real /proc/net/ip_vs_conn, ip_vs_conn_sync and ip_vs_stats output from the lab
# kernel (lab/run-vm.sh -t 600 tests/LvsPS.Tests/Proc/Samples/record.sh). The outputs land in
# /out/samples; the *.txt samples next to this script were copied from such a run (the rows
# that traffic cannot produce in the lab, see README.md, were written by hand in the same format).
# Topology: client ns --brc-- director ns (IPVS, NAT) --brs-- rs1/rs2 ns; backup ns on brc
# runs the backup sync daemon. Addresses exist only inside this VM.
set -u
. "$(dirname "$0")/../../../../lab/guest/prepare.sh"
modprobe -a bridge nf_conntrack_sip 2>/dev/null || true
S=/out/samples; mkdir -p $S
mkns() { ip netns add "$1"; ip -n "$1" link set lo up; }
plug() { ip link add "$1-$2" type veth peer name "$2" netns "$1"; ip link set "$1-$2" master "$3" up; ip -n "$1" link set "$2" up; }
d() { ip netns exec director "$@"; }
ip link add brc type bridge; ip link set brc up
ip link add brs type bridge; ip link set brs up
for n in client director rs1 rs2 backup; do mkns $n; done
plug client eth0 brc; plug director eth0 brc; plug backup eth0 brc; plug director eth1 brs; plug rs1 eth0 brs; plug rs2 eth0 brs
ip -n client addr add 192.168.50.2/24 dev eth0; ip -n client addr add fd00:50::2/64 dev eth0 nodad
ip -n backup addr add 192.168.50.3/24 dev eth0
ip -n director addr add 192.168.50.1/24 dev eth0; ip -n director addr add 192.168.50.100/24 dev eth0
ip -n director addr add fd00:50::1/64 dev eth0 nodad; ip -n director addr add fd00:50::100/64 dev eth0 nodad
ip -n director addr add 10.20.0.1/24 dev eth1; ip -n director addr add fd00:20::1/64 dev eth1 nodad
for r in rs1:11 rs2:12; do n=${r%:*}; a=${r#*:}
  ip -n $n addr add 10.20.0.$a/24 dev eth0; ip -n $n route add default via 10.20.0.1
  ip -n $n addr add fd00:20::$a/64 dev eth0 nodad; ip -n $n route add default via fd00:20::1
  mkdir -p /tmp/www-$n; echo $n > /tmp/www-$n/index.html
  ip netns exec $n busybox httpd -p 80 -h /tmp/www-$n
done
d sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
d ipvsadm -A -t 192.168.50.100:80 -s rr
d ipvsadm -a -t 192.168.50.100:80 -r 10.20.0.11:80 -m
d ipvsadm -a -t 192.168.50.100:80 -r 10.20.0.12:80 -m
d ipvsadm -A -t 192.168.50.100:8080 -s rr -p 120
d ipvsadm -a -t 192.168.50.100:8080 -r 10.20.0.11:80 -m
d ipvsadm -A -t [fd00:50::100]:80 -s rr
d ipvsadm -a -t [fd00:50::100]:80 -r [fd00:20::11]:80 -m
d ipvsadm -A -u 192.168.50.100:5060 -s rr -p 60 --pe sip
d ipvsadm -a -u 192.168.50.100:5060 -r 10.20.0.12:5060 -m
# No iptables on the lab image: mark with tc (act_skbedit) on the director's ingress.
d tc qdisc add dev eth0 ingress
d tc filter add dev eth0 parent ffff: protocol ip u32 match ip dport 8443 0xffff action skbedit mark 7 || echo "tc mark failed"
d ipvsadm -A -u 192.168.50.100:5061 -s rr
d ipvsadm -a -u 192.168.50.100:5061 -r 10.20.0.12:5061 -m
d ipvsadm -A -f 7 -s rr -p 90
d ipvsadm -a -f 7 -r 10.20.0.12:80 -m
d ipvsadm --start-daemon master --mcast-interface eth0
ip netns exec backup ipvsadm --start-daemon backup --mcast-interface eth0
sleep 1
c() { ip netns exec client "$@"; }
for i in 1 2 3; do c curl -s --max-time 5 http://192.168.50.100/; done
for i in 1 2; do c curl -s --max-time 5 http://192.168.50.100:8080/; done
c curl -s --max-time 5 'http://[fd00:50::100]/' || echo "ipv6 curl failed"
c curl -s --max-time 3 http://192.168.50.100:8443/ || echo "(fwmark: no listener on 8443, SYN only)"
c bash -c 'printf "INVITE sip:bob@192.168.50.100 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.50.2:5060\r\nFrom: <sip:alice@192.168.50.2>\r\nTo: <sip:bob@192.168.50.100>\r\nCall-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" > /dev/udp/192.168.50.100/5060'
c bash -c 'printf "hello\n" > /dev/udp/192.168.50.100/5061'
sleep 3
d cat /proc/net/ip_vs_conn_sync > $S/ip_vs_conn_sync-master.txt
ip netns exec backup cat /proc/net/ip_vs_conn_sync > $S/ip_vs_conn_sync-backup.txt
# Mixed-family tunnel: IPv4 service, IPv6 real server (ipip over IPv6). The kernel refuses
# mixed families while a sync daemon runs, so stop them first. Only the SYN is needed for
# the entry; whether the tunnel delivers does not matter here.
d ipvsadm --stop-daemon master; ip netns exec backup ipvsadm --stop-daemon backup
d ipvsadm -A -t 192.168.50.100:9000 -s rr
d ipvsadm -a -t 192.168.50.100:9000 -r [fd00:20::12]:9000 -i || echo "mixed-family tunnel refused"
c curl -s --max-time 3 http://192.168.50.100:9000/ || echo "(tunnel: SYN only)"
d cat /proc/net/ip_vs_conn > $S/ip_vs_conn.txt
d cat /proc/net/ip_vs_stats > $S/ip_vs_stats.txt
d ipvsadm -Lnc > $S/ipvsadm-Lnc.txt
d ipvsadm -Ln --stats > $S/ipvsadm-Ln-stats.txt
d ipvsadm -Ln --rate > $S/ipvsadm-Ln-rate.txt
for f in $S/*; do echo "== $f"; cat -A "$f"; done
