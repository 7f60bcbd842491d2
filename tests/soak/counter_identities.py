#!/usr/bin/env python3
"""Counter identities of a quiet daemon, for tests/soak/soak.sh.

  counter_identities.py STATS1.json METRICS.txt STATS2.json INTERFACES.json [INTERFACES1.json]

STATS1/STATS2 are `mcproxyctl --json show stats` taken before and after
METRICS (`mcproxyctl metrics`); INTERFACES is `mcproxyctl --json show
interfaces` taken after them, INTERFACES1 the same taken before METRICS. Prints one line per identity ("ok" or "FAIL") and exits 1 if one
fails. The identities (doc/operations.md, "Soak test"):

  receiver, reading:   datagrams_read = packets + upcalls + the drops before
                       dispatch (truncated, no interface index, unregistered
                       interface, other instance's table, decode failed,
                       malformed upcall, unexpected packet, host report
                       rate)
  receiver, dispatch:  packets + upcalls = delivered + drop_mailbox full
                       + drop_instance gone
  receiver, decoding:  drop_decode failed = sum of decode_error_*
  receiver, instances: delivered = the instances scope's packets + upcalls
                       + discarded_at_stop (every instance since start)
  instance, packets:   packets = packets_handled + dropped_inactive_link
                       + dropped_foreign_subnet
  instance, upcalls:   upcalls = upcalls_handled + upcalls_wrong_vif
                       + dropped_upcall_stale_vif + dropped_foreign_source
  sender:              asked = sent + send_errors + invalid_requests
                       + dropped_mailbox_full
  instances, limits:   refused_<limit> of an instance = the sum of the
                       <limit> drops of its downstreams (show interfaces)
  stats and metrics:   every counter that did not change between STATS1 and
                       STATS2 has the same value in METRICS; with
                       INTERFACES1, every interface counter (rx, tx, drops,
                       data) that did not change between INTERFACES1 and
                       INTERFACES has the same value in METRICS

The identities that span threads (receiver and instances, sender) hold only
for a daemon with empty mailboxes: their counters must be the same in STATS1
and STATS2. If they are not, the script exits 2 (read again later) unless
--final is given, in which case it checks STATS2 as it is.
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

# Across threads: only on a settled daemon (the same values in both reads).
settled = all(s1.get(scope) == s2.get(scope) for scope in set(s1) | set(s2)
              if scope in ("receiver", "sender", "instances") or scope.startswith("instance "))
if not settled and "--final" not in sys.argv:
    print("     (counters still moving between the two reads: read again)")
    sys.exit(2)
settled_scopes = s1 if settled else s2
tot = settled_scopes.get("instances")
rc = settled_scopes["receiver"]
if tot is None:
    report(False, "receiver, instances: the daemon has no instances scope")
else:
    report(rc.get("delivered") == tot["packets"] + tot["upcalls"] + tot["discarded_at_stop"],
           f"receiver, instances: delivered {rc.get('delivered')} = instances' packets {tot['packets']}"
           f" + upcalls {tot['upcalls']} + discarded at stop {tot['discarded_at_stop']}")
for scope, c in settled_scopes.items():
    if not scope.startswith("instance ") or "error" in c:
        continue
    report(c.get("packets") == c.get("packets_handled", 0) + c.get("dropped_inactive_link", 0)
           + c.get("dropped_foreign_subnet", 0),
           f"{scope}, packets: packets {c.get('packets')} = handled {c.get('packets_handled')}"
           f" + inactive link {c.get('dropped_inactive_link')} + foreign subnet {c.get('dropped_foreign_subnet')}")
    report(c.get("upcalls") == c.get("upcalls_handled", 0) + c.get("upcalls_wrong_vif", 0)
           + c.get("dropped_upcall_stale_vif", 0) + c.get("dropped_foreign_source", 0),
           f"{scope}, upcalls: upcalls {c.get('upcalls')} = handled {c.get('upcalls_handled')}"
           f" + wrong vif {c.get('upcalls_wrong_vif')} + stale vif {c.get('dropped_upcall_stale_vif')}"
           f" + foreign source {c.get('dropped_foreign_source')}")
sc = settled_scopes.get("sender", {})
if "asked" in sc:
    outcome = sc["sent"] + sc["send_errors"] + sc["invalid_requests"] + sc["dropped_mailbox_full"]
    report(sc["asked"] == outcome,
           f"sender: asked {sc['asked']} = sent {sc['sent']} + send errors {sc['send_errors']}"
           f" + invalid {sc['invalid_requests']} + mailbox full {sc['dropped_mailbox_full']}")
else:
    report(False, "sender: the daemon has no asked counter")

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
pairs += [("receiver", key, ("mcproxy_receiver_" + key + "_total", ()))
          for key in ("datagrams_read", "packets", "upcalls", "delivered", "backpressure_pauses", "link_events",
                      "registration_conflicts")]
pairs += [("sender", "asked", ("mcproxy_sender_requests_total", ())),
          ("sender", "invalid_requests", ("mcproxy_sender_invalid_requests_total", ())),
          ("sender", "sent", ("mcproxy_sender_packets_total", ())),
          ("sender", "send_errors", ("mcproxy_sender_errors_total", ())),
          ("sender", "dropped_mailbox_full", ("mcproxy_sender_mailbox_drops_total", ())),
          ("routing", "kernel_failures", ("mcproxy_routing_failures_total", ())),
          ("timer", "dropped_messages", ("mcproxy_timer_dropped_messages_total", ())),
          ("timer", "undelivered", ("mcproxy_timer_undelivered_total", ())),
          ("instances", "packets", ("mcproxy_instances_packets_total", ())),
          ("instances", "upcalls", ("mcproxy_instances_upcalls_total", ())),
          ("instances", "discarded_at_stop", ("mcproxy_instances_discarded_at_stop_total", ()))]
OUTCOMES = {"mcproxy_instance_packets_total": {"handled": "packets_handled",
                                               "inactive_link": "dropped_inactive_link",
                                               "foreign_subnet": "dropped_foreign_subnet"},
            "mcproxy_instance_upcalls_total": {"handled": "upcalls_handled",
                                               "wrong_vif": "upcalls_wrong_vif",
                                               "stale_vif": "dropped_upcall_stale_vif",
                                               "foreign_source": "dropped_foreign_source"}}
for scope in s1:
    if scope.startswith("instance "):
        name = scope[len("instance "):]
        pairs.append((scope, "dropped_mailbox_full", ("mcproxy_instance_mailbox_drops_total", (("instance", name),))))
        pairs.append((scope, "kernel_failures", ("mcproxy_instance_kernel_failures_total", (("instance", name),))))
        for family, keys in OUTCOMES.items():
            for outcome, key in keys.items():
                pairs.append((scope, key, (family, (("instance", name), ("outcome", outcome)))))
        for limit in ("max-groups", "max-groups-instance", "max-groups-per-host", "max-sources"):
            pairs.append((scope, "refused_" + limit,
                          ("mcproxy_instance_refused_total", (("instance", name), ("reason", limit)))))
        pairs.append((scope, "dynamic_interfaces_refused",
                      ("mcproxy_instance_dynamic_interfaces_refused_total", (("instance", name),))))
        # The proxy logic's own counters are the ones named with '-'.
        for key in s1[scope]:
            if "-" in key and not key.startswith("refused_"):
                pairs.append((scope, key, ("mcproxy_instance_events_total", (("event", key), ("instance", name)))))
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

# show interfaces and metrics: the same per-interface counters
if len(sys.argv) > 5 and not sys.argv[5].startswith("--"):
    with open(sys.argv[5]) as f:
        before = {(i.get("instance"), i.get("name")): i for i in json.load(f).get("interfaces", [])}
    FAMILIES = {"rx": ("mcproxy_interface_received_total", "message"),
                "tx": ("mcproxy_interface_sent_total", "message"),
                "drops": ("mcproxy_interface_drops_total", "reason")}
    DATA = {"rx_packets": ("mcproxy_interface_data_packets_total", "in"),
            "tx_packets": ("mcproxy_interface_data_packets_total", "out"),
            "rx_bytes": ("mcproxy_interface_data_bytes_total", "in"),
            "tx_bytes": ("mcproxy_interface_data_bytes_total", "out")}
    compared = 0
    for i in interfaces:
        key = (i.get("instance"), i.get("name"))
        b = before.get(key)
        if b is None:
            continue
        base = (("instance", key[0]), ("interface", key[1]))
        checks = []
        for field, (family, label) in FAMILIES.items():
            for name, value in i.get(field, {}).items():
                checks.append((f"{field} {name}", value, b.get(field, {}).get(name),
                               (family, tuple(sorted(base + ((label, name),))))))
        for name, (family, direction) in DATA.items():
            if name in i.get("data", {}):
                checks.append((f"data {name}", i["data"][name], b.get("data", {}).get(name),
                               (family, tuple(sorted(base + (("direction", direction),))))))
        up = 1 if i.get("state") == "up" else 0
        if b.get("state") == i.get("state"):
            checks.append(("state", up, up, ("mcproxy_interface_up",
                                             tuple(sorted(base + (("role", i.get("role")),))))))
        for what, value, earlier, metric in checks:
            if value != earlier:
                continue
            compared += 1
            report(mx.get(metric) == value,
                   f"interfaces and metrics: {key[0]} {key[1]} {what} {value} = {metric[0]}{dict(metric[1])} {mx.get(metric)}")
    print(f"     ({compared} interface counters compared between show interfaces and metrics)")
    if compared == 0:
        report(False, "interfaces and metrics: no interface counter could be compared")
sys.exit(1 if failures else 0)
