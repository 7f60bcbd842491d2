#!/usr/bin/env python3
"""Counter identities of a quiet daemon, for tests/soak/soak.sh.

  counter_identities.py STATS1.json METRICS.txt STATS2.json INTERFACES.json

STATS1/STATS2 are `mcproxyctl --json show stats` taken before and after
METRICS (`mcproxyctl metrics`); INTERFACES is `mcproxyctl --json show
interfaces`. Prints one line per identity ("ok" or "FAIL") and exits 1 if one
fails. The identities (doc/operations.md, "Soak test"):

  receiver, reading:   datagrams_read = packets + upcalls + the drops before
                       dispatch (truncated, no interface index, unregistered
                       interface, other instance's table, decode failed,
                       malformed upcall, unexpected packet, host report
                       rate)
  receiver, dispatch:  packets + upcalls = delivered + drop_mailbox full
                       + drop_instance gone
  receiver, decoding:  drop_decode failed = sum of decode_error_*
  instances, limits:   refused_<limit> of an instance = the sum of the
                       <limit> drops of its downstreams (show interfaces)
  stats and metrics:   every counter that did not change between STATS1 and
                       STATS2 has the same value in METRICS
"""
import json
import re
import sys

BEFORE_DISPATCH = ["truncated", "no interface index", "unregistered interface", "other instance's table",
                   "decode failed", "malformed upcall", "unexpected packet", "host report rate"]
failures = 0


def report(ok, text):
    global failures
    print(("ok   " if ok else "FAIL ") + text)
    if not ok:
        failures += 1


def scopes(path):
    with open(path) as f:
        d = json.load(f)
    return {s["scope"]: s["counters"] for s in d["stats"]}


def metrics(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^(\w+)(\{(.*)\})? (\S+)$', line.strip())
            if not m:
                continue
            labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or "")))
            out[(m.group(1), labels)] = int(float(m.group(4)))
    return out


s1, s2 = scopes(sys.argv[1]), scopes(sys.argv[3])
mx = metrics(sys.argv[2])
with open(sys.argv[4]) as f:
    interfaces = json.load(f).get("interfaces", [])
rc1 = s1["receiver"]


def drop(c, reason):
    return c.get("drop_" + reason, 0)


if "datagrams_read" in rc1:
    before = sum(drop(rc1, r) for r in BEFORE_DISPATCH)
    report(rc1["datagrams_read"] == rc1["packets"] + rc1["upcalls"] + before,
           f"receiver, reading: datagrams_read {rc1['datagrams_read']} = packets {rc1['packets']}"
           f" + upcalls {rc1['upcalls']} + drops before dispatch {before}")
else:
    report(False, "receiver, reading: the daemon has no datagrams_read counter")
if "delivered" in rc1:
    after = drop(rc1, "mailbox full") + drop(rc1, "instance gone")
    report(rc1["packets"] + rc1["upcalls"] == rc1["delivered"] + after,
           f"receiver, dispatch: packets + upcalls {rc1['packets'] + rc1['upcalls']} = delivered"
           f" {rc1['delivered']} + mailbox full {drop(rc1, 'mailbox full')} + instance gone {drop(rc1, 'instance gone')}")
else:
    report(False, "receiver, dispatch: the daemon has no delivered counter")
decode = sum(v for k, v in rc1.items() if k.startswith("decode_error_"))
report(drop(rc1, "decode failed") == decode,
       f"receiver, decoding: drop_decode failed {drop(rc1, 'decode failed')} = sum of decode_error_* {decode}")

for scope, c in s1.items():
    if not scope.startswith("instance "):
        continue
    name = scope[len("instance "):]
    for limit in ("max-groups", "max-groups-instance", "max-groups-per-host", "max-sources"):
        per_if = sum(i.get("drops", {}).get(limit, 0) for i in interfaces
                     if i.get("instance") == name and i.get("role") == "downstream")
        report(c.get("refused_" + limit, 0) == per_if,
               f"instance {name}: refused_{limit} {c.get('refused_' + limit, 0)} = its downstreams' {limit} drops {per_if}")

# stats and metrics: the same counters, where both expose them
pairs = []
for k, v in rc1.items():
    if k.startswith("drop_"):
        pairs.append(("receiver", k, ("mcproxy_receiver_drops_total", (("reason", k[5:]),))))
    elif k.startswith("decode_error_"):
        pairs.append(("receiver", k, ("mcproxy_receiver_decode_errors_total", (("reason", k[13:]),))))
pairs += [("sender", "sent", ("mcproxy_sender_packets_total", ())),
          ("sender", "send_errors", ("mcproxy_sender_errors_total", ())),
          ("sender", "dropped_mailbox_full", ("mcproxy_sender_mailbox_drops_total", ())),
          ("routing", "kernel_failures", ("mcproxy_routing_failures_total", ()))]
for scope in s1:
    if scope.startswith("instance "):
        name = scope[len("instance "):]
        pairs.append((scope, "dropped_mailbox_full", ("mcproxy_instance_mailbox_drops_total", (("instance", name),))))
        for limit in ("max-groups", "max-groups-instance", "max-groups-per-host", "max-sources"):
            pairs.append((scope, "refused_" + limit,
                          ("mcproxy_instance_refused_total", (("instance", name), ("reason", limit)))))
compared = 0
for scope, key, metric in pairs:
    a, b = s1.get(scope, {}).get(key, 0), s2.get(scope, {}).get(key, 0)
    if a != b:
        print(f"     (skipped {scope} {key}: changed from {a} to {b} meanwhile)")
        continue
    m = mx.get(metric)
    if m is None and a == 0:
        continue
    compared += 1
    report(m == a, f"stats and metrics: {scope} {key} {a} = {metric[0]}{dict(metric[1]) or ''} {m}")
print(f"     ({compared} counters compared between stats and metrics)")
sys.exit(1 if failures else 0)
