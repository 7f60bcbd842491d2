# Namespace lab building blocks, sourced by the integration tests and the demo.
# Every namespace is named "$LAB_PREFIX-<name>"; lab_teardown (run on EXIT by
# lab_init) kills what runs inside and deletes them, even after a failure.
# Addresses are documentation/private ranges and exist only inside the lab.

# Whether the kernel can route multicast (IPv4 and IPv6): a kernel built
# without CONFIG_IP_MROUTE / CONFIG_IPV6_MROUTE has no /proc/net/ip_mr_vif /
# ip6_mr_vif and refuses MRT_INIT (ENOPROTOOPT); the daemon cannot run there
# (`mcproxy --check-kernel` says so).
lab_kernel_has_mroute() { [ -e /proc/net/ip_mr_vif ] && [ -e /proc/net/ip6_mr_vif ]; }
LAB_NO_MROUTE="the kernel has no multicast routing (CONFIG_IP_MROUTE / CONFIG_IPV6_MROUTE; see mcproxy --check-kernel)"

lab_init() {  # lab_init PREFIX
  LAB_PREFIX="$1"
  LAB_NAMESPACES=()
  LAB_PIDS=()
  trap lab_teardown EXIT
  trap 'exit 130' INT TERM
}

lab_teardown() {
  set +e  # teardown must finish even when called from a `set -e` script
  local pid ns
  for pid in "${LAB_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for ns in "${LAB_NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  done
  for ns in "${LAB_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  LAB_NAMESPACES=()
  return 0
}

lab_ns() {  # lab_ns NAME: creates $LAB_PREFIX-NAME with lo up and no IPv6 DAD delay
  local ns="$LAB_PREFIX-$1"
  ip netns add "$ns" || return 1
  LAB_NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

lab_exec() {  # lab_exec NAME CMD...: runs CMD in namespace NAME
  local ns="$LAB_PREFIX-$1"; shift
  ip netns exec "$ns" "$@"
}

lab_link() {  # lab_link NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up
  ip link add "lab$$tmp1" type veth peer name "lab$$tmp2" || return 1
  ip link set "lab$$tmp1" netns "$LAB_PREFIX-$1" name "$2"
  ip link set "lab$$tmp2" netns "$LAB_PREFIX-$3" name "$4"
  ip -n "$LAB_PREFIX-$1" link set "$2" up
  ip -n "$LAB_PREFIX-$3" link set "$4" up
}

lab_bridge() {  # lab_bridge NS BRIDGE PORT...: a plain switch (no snooping, no querier)
  local ns="$LAB_PREFIX-$1" br="$2"; shift 2
  ip -n "$ns" link add "$br" type bridge mcast_snooping 0 || return 1
  local port
  for port in "$@"; do ip -n "$ns" link set "$port" master "$br"; done
  ip -n "$ns" link set "$br" up
}

lab_addr() {  # lab_addr NS IF ADDR/LEN...
  local ns="$LAB_PREFIX-$1" ifname="$2"; shift 2
  local a
  for a in "$@"; do ip -n "$ns" addr add "$a" dev "$ifname" nodad 2>/dev/null || ip -n "$ns" addr add "$a" dev "$ifname"; done
}

lab_host_version() {  # lab_host_version NS IF IGMP_VERSION MLD_VERSION (0 = kernel default)
  lab_exec "$1" sysctl -qw "net.ipv4.conf.$2.force_igmp_version=$3" "net.ipv6.conf.$2.force_mld_version=$4"
}

lab_bg() {  # lab_bg NS CMD...: runs CMD in NS in the background; its pid in LAB_LAST_PID
  # Not `lab_exec ... &`: that pid would be a subshell's, and a signal sent to
  # it would leave CMD running. `ip netns exec` execs CMD: the pid is CMD's.
  local ns="$LAB_PREFIX-$1"; shift
  ip netns exec "$ns" "$@" &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
}

# wait_until TIMEOUT_SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" 2>/dev/null; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

# The standard proxy lab:
#   src(eth0 10.1.0.2, 2001:db8:1::2) -- up0 [proxy] lan0 -- sw0(br0) -- rx1(eth0 .11), rx2(eth0 .12)
#                                                    lan1 -- rx3(eth0 10.3.0.13)
lab_proxy_topology() {
  local n
  for n in src proxy sw0 rx1 rx2 rx3; do lab_ns "$n" || return 1; done
  lab_link src eth0 proxy up0
  lab_link proxy lan0 sw0 p0
  lab_link rx1 eth0 sw0 p1
  lab_link rx2 eth0 sw0 p2
  lab_link proxy lan1 rx3 eth0
  lab_bridge sw0 br0 p0 p1 p2
  lab_addr src eth0 10.1.0.2/24 2001:db8:1::2/64
  lab_addr proxy up0 10.1.0.1/24 2001:db8:1::1/64
  lab_addr proxy lan0 10.2.0.1/24 2001:db8:2::1/64
  lab_addr proxy lan1 10.3.0.1/24 2001:db8:3::1/64
  lab_addr rx1 eth0 10.2.0.11/24 2001:db8:2::11/64
  lab_addr rx2 eth0 10.2.0.12/24 2001:db8:2::12/64
  lab_addr rx3 eth0 10.3.0.13/24 2001:db8:3::13/64
  for n in rx1 rx2 rx3; do
    lab_exec "$n" ip route add default via "10.$([ $n = rx3 ] && echo 3 || echo 2).0.1"
  done
  lab_exec src ip route add default via 10.1.0.1
  lab_exec src ip -6 route add default via 2001:db8:1::1
}
