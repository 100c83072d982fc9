#!/bin/sh
# Runs inside the lab VM (lab/run-vm.sh lab/guest/keepalived-close.sh): shows how keepalived 2.2.7's
# checker process ends a TCP_CHECK connection. One TCP_CHECK (delay_loop 1) against a listener on
# 127.0.0.1:8080 in a namespace that accepts and then reads: it prints "EOF" if the checker closed
# with FIN and "RST" if it closed with a reset (SO_LINGER {1,0}). Also prints the checker's
# setsockopt/close/shutdown calls with their durations (strace -T: the close of a checker socket
# waits for the FIN's ACK, 2-10 ms under TCG against ~0.2 ms for other closes) and the TCP flags on lo.
set -u
. "$(dirname "$0")/prepare.sh"
keepalived --version 2>&1 | head -1
D=$(mktemp -d); NS=kaclose
ip netns add $NS && ip -n $NS link set lo up
cat > "$D/keepalived.conf" <<'CONF'
virtual_server 10.1.0.1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 8080 {
    weight 1
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
CONF
cat > "$D/listen.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080)); s.listen(16)
for _ in range(3):
    c, peer = s.accept()
    try:
        data = c.recv(1)
        print(f"listener: {peer}: {'EOF (FIN)' if data == b'' else data!r}", flush=True)
    except ConnectionResetError:
        print(f"listener: {peer}: RST (ECONNRESET on read)", flush=True)
    c.close()
PY
ip netns exec $NS /usr/bin/python3 "$D/listen.py" > "$D/listener.log" 2>&1 &
LPID=$!
ip netns exec $NS tcpdump -n -i lo -c 40 'tcp port 8080' > "$D/tcpdump.log" 2>&1 &
TPID=$!
sleep 1
ip netns exec $NS strace -f -tt -T -e trace=socket,setsockopt,connect,shutdown,close,getsockopt -o "$D/strace.log" \
  keepalived -C -n -l -D -f "$D/keepalived.conf" -p "$D/ka.pid" -c "$D/chk.pid" -r "$D/vrrp.pid" > "$D/ka.log" 2>&1 &
KPID=$!
sleep 8
kill -TERM $KPID 2>/dev/null; sleep 2; kill $LPID $TPID 2>/dev/null; sleep 1
echo "== listener"; cat "$D/listener.log"
echo "== strace: the checker's calls on its first three TCP_CHECK sockets"
awk '/socket\(AF_INET, SOCK_STREAM/ { n++ } n >= 1 && n <= 3 && !/AF_UNIX|\/dev\/log/' "$D/strace.log" | head -30
echo "== strace: SO_LINGER calls ($(grep -c SO_LINGER "$D/strace.log") in all)"; grep SO_LINGER "$D/strace.log" | head -3
echo "== tcpdump"; cat "$D/tcpdump.log"
echo "== keepalived log"; tail -n 15 "$D/ka.log"
ip netns del $NS
