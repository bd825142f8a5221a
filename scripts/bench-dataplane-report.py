#!/usr/bin/env python3
"""The summary of scripts/bench-dataplane.sh: reads its JSON lines and prints each figure with its
ratios against the naive way. Usage: bench-dataplane-report.py RESULTS.jsonl CORES"""
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def pick(**kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]

print(f"\npeergate data-plane figures ({sys.argv[2]} cores; medians; ratios are naive ÷ peergate unless marked)")
status = pick(fig="status")
if status:
    print("\n1. Status snapshot of K wireguard-go interfaces (goal: ≥ 20× faster than per-interface `wg show` at 100, 0 processes per tick)")
    print(f"   {'K':>4} {'peergate':>10} {'wg show IF ×K':>14} {'wg show all':>12} {'÷ per-IF':>9} {'÷ all':>7}"
          f" {'tasks/tick: peergate':>21} {'per-IF':>7} {'what-if concurrent reads':>25}")
    for k in sorted({r["count"] for r in status}):
        m = {r["method"]: r for r in pick(fig="status", count=k)}
        p, i, a, c = m["peergate_uapi"], m["wg_show_per_iface"], m["wg_show_all"], m["concurrent_uapi"]
        t = lambda r: "n/a" if r["tasks_per_tick"] is None else f'{r["tasks_per_tick"]:.1f}'
        print(f"   {k:>4} {p['median_ms']:>8.2f}ms {i['median_ms']:>12.2f}ms {a['median_ms']:>10.2f}ms"
              f" {i['median_ms']/p['median_ms']:>8.1f}× {a['median_ms']/p['median_ms']:>6.1f}× {t(p):>21} {t(i):>7}"
              f" {c['median_ms']:>8.2f}ms ({i['median_ms']/c['median_ms']:.1f}×)")
fw = pick(fig="firewall")
if fw:
    print("\n2. Firewall change for client N+1 (goal: peergate's change ≤ 1.2× at N=500 against N=10, every backend)")
    print("   (batch rows: per client. Last columns at N=500: the previous way of the same backend, and the naive")
    print("   per-rule `iptables` calls of the same backend (iptables-nft for nftables), each ÷ this)")
    print(f"   {'backend':<16} {'method':<44} {'add@10':>8} {'add@500':>8} {'500/10':>7} {'rm@10':>8} {'rm@500':>8} {'500/10':>7}"
          f" {'before÷this add, rm':>20} {'naive÷this add, rm':>20}")
    def versus(ref, b):
        if 500 not in ref:
            return "n/a"
        return f'{ref[500]["add_median_ms"]/b["add_median_ms"]:.1f}×, {ref[500]["remove_median_ms"]/b["remove_median_ms"]:.1f}×'
    for backend in dict.fromkeys(r["backend"] for r in fw):
        naive = {r["n"]: r for r in pick(fig="firewall", method="iptables_per_rule", backend=backend)} \
            or {r["n"]: r for r in pick(fig="firewall", method="iptables_per_rule", backend="iptables-nft")}
        before = {r["n"]: r for r in pick(fig="firewall", backend=backend)
                  if r["method"] in ("before_save_restore", "before_list_first")}
        for method in dict.fromkeys(r["method"] for r in pick(fig="firewall", backend=backend)):
            by_n = {r["n"]: r for r in pick(fig="firewall", backend=backend, method=method)}
            if not {10, 500} <= by_n.keys():
                continue
            a, b = by_n[10], by_n[500]
            print(f"   {backend:<16} {a['label']:<44} {a['add_median_ms']:>6.2f}ms {b['add_median_ms']:>6.2f}ms"
                  f" {b['add_median_ms']/a['add_median_ms']:>6.2f}× {a['remove_median_ms']:>6.2f}ms {b['remove_median_ms']:>6.2f}ms"
                  f" {b['remove_median_ms']/a['remove_median_ms']:>6.2f}× {versus(before, b):>20} {versus(naive, b):>20}")
act = pick(fig="activation", method="peergate")
if act:
    hand = pick(fig="activation", method="by_hand")
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    print(f"\n3. Upload → active → first successful probe, {len(act)} runs (goal: < 2 s)")
    print(f"   peergate: upload {med(act, 'upload_ms'):.0f} ms + activate {med(act, 'activate_ms'):.0f} ms"
          f" = {med(act, 'total_ms'):.0f} ms median (max {max(r['total_ms'] for r in act):.0f} ms)")
    if hand:
        print(f"   by hand (wg-quick up, sysctl, nft -f, ping until answered): {med(hand, 'total_ms'):.0f} ms median"
              f" → peergate ÷ by hand = {med(act, 'total_ms')/med(hand, 'total_ms'):.1f}×")
idle = pick(fig="idle")
if idle:
    r = idle[0]
    print(f"\n4. Idle `peergate serve` with 100 active clients over {r['seconds']:.0f} s (goal: < 1 % CPU, < 40 MB)")
    for s in pick(fig="startup"):
        print(f"   start-up reconcile: all 100 interfaces and rules up {s['ms']/1000:.1f} s after start")
    print(f"   peergate: CPU {r['cpu_pct']:.2f} % of one core ({r['cpu_with_children_pct']:.2f} % with the nft it ran),"
          f" RSS {r['rss_mb']:.1f} MB (peak {r['rss_peak_mb']:.1f} MB)")
    print(f"   for context, the {r['wireguard_go_count']} wireguard-go daemons: CPU {r['wireguard_go_cpu_pct']:.2f} %,"
          f" RSS {r['wireguard_go_rss_mb']:.0f} MB in all")
    for n in pick(fig="idle_naive"):
        ratio = n["cpu_seconds"] / r["cpu_seconds_with_children"] if r["cpu_seconds_with_children"] else float("inf")
        print(f"   naive shell poller doing the same reads and probes with a process per client: CPU {n['cpu_pct']:.2f} %"
              f" → {ratio:.1f}× peergate's")
