# Source this from a script running inside the lab VM:  . /path/to/lab/guest/prepare.sh
# Loads IPVS with every scheduler plus the tunnel and nlmon modules, and fails loudly if
# ip_vs itself is unavailable. Modules this kernel does not ship (ip_vs_twos appeared in
# Linux 6.3) are reported and skipped. Sets LAB_MISSING_MODULES to those names.
LAB_IPVS_MODULES="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_twos ip_vs_pe_sip"
LAB_EXTRA_MODULES="ipip fou fou6 gre ip_gre ip6_tunnel nlmon veth"
LAB_MISSING_MODULES=
for _m in $LAB_IPVS_MODULES $LAB_EXTRA_MODULES; do
  modinfo -n "$_m" >/dev/null 2>&1 || LAB_MISSING_MODULES="$LAB_MISSING_MODULES $_m"
done
# shellcheck disable=SC2086
modprobe -a $(for _m in $LAB_IPVS_MODULES $LAB_EXTRA_MODULES; do
  case " $LAB_MISSING_MODULES " in *" $_m "*) ;; *) echo "$_m" ;; esac; done) \
  || echo "prepare: modprobe -a reported an error" >&2
[ -z "$LAB_MISSING_MODULES" ] || echo "prepare: not in kernel $(uname -r):$LAB_MISSING_MODULES" >&2
if [ ! -e /proc/net/ip_vs ]; then
  echo "prepare: ip_vs is not loaded" >&2
  return 1 2>/dev/null || exit 1
fi
unset _m
