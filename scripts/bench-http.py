#!/usr/bin/env python3
"""HTTP figures of `peergate serve`, each side by side with the approach it replaces, in one run.

1. GET /healthz and GET /api/auth/me with a bearer token, next to checking a password hash
   (argon2id) on every request as basic-auth tools do (POST /api/auth/login: one verification).
2. GET /api/clients with 100 and 1,000 clients (each with a stored status and last ping, as an
   active gateway has them): this build, with the list changing once a second (5x the default
   status tick), next to
   - the floor: the same bytes from the same server, the list unchanged during the run;
   - today's approach: the build before the list was served from memory (BASELINE_COMMIT, built
     into target/bench-baseline), reading and re-encoding every row per request;
   - wg-easy's list as measured on this machine kind (issue 11: 77.5 req/s, p99 3.4 s);
   plus the gzip form and a revalidation answered 304 (next to /healthz).
   Runs alternate between the builds (BENCH_ROUNDS rounds); the medians are printed.
3. Resident memory: idle after start, after each load, after the login flood.

Load comes from wrk (-t2 -c64) on the same 2-core machine, so the figures are conservative.
Environment: BENCH_SECONDS (10 per run), BENCH_ROUNDS (2), BASELINE_COMMIT (fcdf3a7).
"""

import json
import os
import pathlib
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
BASELINE = os.environ.get("BASELINE_COMMIT", "fcdf3a7")
WG_EASY = {"rps": 77.5, "p99_ms": 3400.0}


def sh(*argv, **kw):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kw).stdout


def build_current():
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "peergate"], cwd=ROOT, check=True)
    return ROOT / "target/release/peergate"


def build_baseline():
    """The binary at BASELINE_COMMIT, built once into its own target directory."""
    target = ROOT / "target/bench-baseline"
    binary = target / "release/peergate"
    stamp = target / "commit"
    commit = sh("git", "-C", str(ROOT), "rev-parse", BASELINE).strip()
    if binary.exists() and stamp.exists() and stamp.read_text().strip() == commit:
        return binary
    tree = pathlib.Path(tempfile.mkdtemp(prefix="peergate-baseline."))
    try:
        sh("git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit)
        env = dict(os.environ, CARGO_TARGET_DIR=str(target))
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "peergate"], cwd=tree, env=env, check=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(tree, ignore_errors=True)
    stamp.write_text(commit + "\n")
    return binary


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def key(i, salt):
    import base64
    import hashlib
    return base64.b64encode(hashlib.sha256(f"{salt}-{i}".encode()).digest()).decode()


def conf(i):
    a, b = divmod(i, 250)
    return (
        "[Interface]\n"
        f"PrivateKey = {key(i, 'private')}\n"
        f"Address = 10.250.{a}.{b + 1}/32\n\n"
        "[Peer]\n"
        f"PublicKey = {key(i, 'peer')}\n"
        f"AllowedIPs = 10.{100 + a}.{b}.0/24\n"
        f"Endpoint = 192.0.2.{1 + i % 250}:{51820 + i // 250}\n"
        "PersistentKeepalive = 25\n"
    )


class Gateway:
    """A data directory with an admin, a token and `count` imported clients with statuses."""

    def __init__(self, binary, root, count):
        self.dir = root / f"gateway-{count}"
        self.count = count
        self.env = dict(
            os.environ,
            PEERGATE_DATA_DIR=str(self.dir / "data"),
            PEERGATE_WG_DIR=str(self.dir / "wireguard"),
            PEERGATE_LAN_ADDRESS="10.201.0.1/24",
            PEERGATE_LAN_INTERFACE="lo",
            PEERGATE_LOG="warn",
        )
        self.password = re.search(
            r"password \(shown once\): (\S+)",
            sh(str(binary), "user", "add", "--username", "bench", "--role", "admin", "--generate-password", env=self.env),
        ).group(1)
        self.token = sh(str(binary), "token", "create", "--username", "bench", "--name", "bench", env=self.env).strip().splitlines()[-1]
        confs = self.dir / "confs"
        confs.mkdir(parents=True)
        for i in range(count):
            (confs / f"site-{i:04d}.conf").write_text(conf(i))
        started = time.monotonic()
        subprocess.run([str(binary), "client", "import", str(confs)], env=self.env, check=True, capture_output=True)
        self.import_secs = time.monotonic() - started
        self.seed_statuses()

    def seed_statuses(self):
        now = int(time.time())
        db = sqlite3.connect(self.dir / "data/peergate.db")
        ids = [row[0] for row in db.execute("SELECT id FROM clients")]
        for n, id in enumerate(ids):
            status = {
                "observed_at": now, "connected": True, "latest_handshake": now - 17 - n % 100,
                "rx_bytes": 123456789 + n * 1000, "tx_bytes": 98765432 + n * 700,
                "rx_rate": 1523.4 + n, "tx_rate": 812.25 + n, "endpoint": f"192.0.2.{1 + n % 250}:51820",
                "interface_up": True, "repair_by": None,
            }
            ping = {
                "at": now - 30, "sent": 3, "received": 3, "loss": 0.0, "rtt_avg_ms": 12.5 + n % 10,
                "rtt_min_ms": 11.0, "rtt_max_ms": 14.25, "ok": True, "error": None,
            }
            db.execute("UPDATE clients SET status = ?, last_ping = ? WHERE id = ?", (json.dumps(status), json.dumps(ping), id))
        db.commit()
        db.close()


class Server:
    def __init__(self, binary, gateway):
        self.port = free_port()
        env = dict(gateway.env, PEERGATE_LISTEN=f"127.0.0.1:{self.port}")
        self.log = open(gateway.dir / f"serve-{binary.parent.parent.name}.log", "ab")
        self.proc = subprocess.Popen([str(binary), "serve"], env=env, stdout=self.log, stderr=self.log)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit(f"the server did not start; see {self.log.name}")
        time.sleep(1)  # the first status tick, reconcile pass and host sample

    def rss_mib(self):
        text = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.log.close()


def wrk(url, *args, connections=64):
    out = sh("wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency", *args, url)

    def ms(label):
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1))
    transfer = re.search(r"^Transfer/sec:\s+([\d.]+)(\w+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} failed requests\n{out}")
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "transfer": f"{transfer.group(1)}{transfer.group(2)}/s"}


def lua(tmp, name, text):
    path = tmp / f"{name}.lua"
    path.write_text(text)
    return str(path)


def headers(token, *extra):
    args = ["-H", f"Authorization: Bearer {token}"]
    for h in extra:
        args += ["-H", h]
    return args


def list_etag(server, token):
    req = urllib.request.Request(server.url + "/api/clients", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        body = res.read()
        return res.headers["ETag"], len(body)


class Changer:
    """Renames client 1 once a second while a run lasts: the list is encoded again each time."""

    def __init__(self, server, token):
        self.proc = subprocess.Popen(
            ["bash", "-c",
             f"i=0; while sleep 1; do i=$((i+1)); curl -fs -o /dev/null -X PATCH -H 'Authorization: Bearer {token}' "
             f"-H 'Content-Type: application/json' -d \"{{\\\"notes\\\":\\\"bench $i\\\"}}\" {server.url}/api/clients/1; done"])

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def median(runs, field):
    return statistics.median(r[field] for r in runs)


def main():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    current, baseline = build_current(), build_baseline()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="peergate-bench."))
    try:
        run(current, baseline, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(current, baseline, tmp):
    print(f"peergate HTTP benchmark: wrk -t2 -c64, {SECONDS} s per run, {ROUNDS} interleaved rounds, {os.cpu_count()} cores")
    print(f"today's approach = the build at {BASELINE} (list read from the database and encoded per request)\n")
    results = {}
    memory = {}
    old_memory = {}
    for count in (100, 1000):
        gateway = Gateway(current, tmp, count)
        print(f"{count} clients imported in {gateway.import_secs:.1f} s")
        token = gateway.token
        for round_ in range(ROUNDS):
            server = Server(current, gateway)
            if round_ == 0:
                memory[f"idle, {count} clients"] = server.rss_mib()
            etag, size = list_etag(server, token)
            results.setdefault((count, "size"), size)
            if count == 1000 and round_ == 0:
                results.setdefault("healthz", []).append(wrk(server.url + "/healthz"))
            results.setdefault((count, "floor"), []).append(wrk(server.url + "/api/clients", *headers(token)))
            changer = Changer(server, token)
            try:
                results.setdefault((count, "memory"), []).append(wrk(server.url + "/api/clients", *headers(token)))
                results.setdefault((count, "gzip"), []).append(
                    wrk(server.url + "/api/clients", *headers(token, "Accept-Encoding: gzip")))
            finally:
                changer.stop()
            etag, _ = list_etag(server, token)
            results.setdefault((count, "304"), []).append(
                wrk(server.url + "/api/clients", *headers(token, f"If-None-Match: {etag}")))
            if round_ == 0:
                memory[f"after the list load, {count} clients"] = server.rss_mib()
                time.sleep(3)
                memory[f"3 s later, {count} clients"] = server.rss_mib()
            if count == 1000 and round_ == 0:
                results["me"] = [wrk(server.url + "/api/auth/me", *headers(token))]
                login = lua(tmp, "login", 'wrk.method = "POST"\n'
                            f"wrk.body = '{{\"username\":\"bench\",\"password\":\"{gateway.password}\"}}'\n"
                            'wrk.headers["Content-Type"] = "application/json"\n')
                # Four at a time: the login throttle answers a sixth simultaneous attempt of one account
                # from one address with 429, which would measure the refusal, not the hash.
                results["argon2"] = [wrk(server.url + "/api/auth/login", "-s", login, connections=4)]
                time.sleep(2)
                memory["after the argon2 login flood"] = server.rss_mib()
                time.sleep(5)
                memory["5 s after the login flood"] = server.rss_mib()
            server.stop()
            old = Server(baseline, gateway)
            if round_ == 0:
                old_memory[f"idle, {count} clients"] = old.rss_mib()
            results.setdefault((count, "baseline"), []).append(wrk(old.url + "/api/clients", *headers(token)))
            if round_ == 0:
                old_memory[f"after the list load, {count} clients"] = old.rss_mib()
            if count == 1000 and round_ == 0:
                wrk(old.url + "/api/auth/login", "-s", login, connections=4)
                time.sleep(7)
                old_memory["5 s after the login flood"] = old.rss_mib()
            old.stop()
    report(results, memory, old_memory)


def report(results, memory, old_memory):
    row = "{:<58} {:>10} {:>10} {:>10} {:>12}"
    print("\n" + row.format("figure (medians)", "req/s", "p50 ms", "p99 ms", "transfer"))

    def line(label, runs):
        print(row.format(label, f"{median(runs, 'rps'):.0f}", f"{median(runs, 'p50'):.2f}", f"{median(runs, 'p99'):.2f}",
                         runs[0]["transfer"]))

    line("GET /healthz", results["healthz"])
    line("GET /api/auth/me (bearer)", results["me"])
    line("POST /api/auth/login (one argon2id each, 4 connections)", results["argon2"])
    for count in (100, 1000):
        kib = results[(count, "size")] / 1024
        line(f"GET /api/clients, {count} clients ({kib:.0f} KiB), changing 1/s", results[(count, "memory")])
        line("  floor: the same bytes, unchanged", results[(count, "floor")])
        line("  today's approach (database + encode per request)", results[(count, "baseline")])
        line("  gzip, changing 1/s", results[(count, "gzip")])
        line("  If-None-Match -> 304", results[(count, "304")])
    print()
    healthz = median(results["healthz"], "rps")
    print(f"bearer /api/auth/me vs argon2-per-request: {median(results['me'], 'rps') / median(results['argon2'], 'rps'):.0f}x the throughput")
    for count in (100, 1000):
        mem, floor, old = (results[(count, k)] for k in ("memory", "floor", "baseline"))
        print(f"{count} clients: list at {median(mem, 'rps') / median(floor, 'rps'):.2f}x the floor's throughput "
              f"(goal >= 0.5), {median(mem, 'rps') / median(old, 'rps'):.1f}x today's approach, "
              f"p99 {median(mem, 'p99'):.1f} ms vs {median(old, 'p99'):.1f} ms")
        if count == 1000:
            print(f"1000 clients vs wg-easy's list: {median(mem, 'rps') / WG_EASY['rps']:.0f}x the throughput, "
                  f"p99 {WG_EASY['p99_ms'] / median(mem, 'p99'):.0f}x lower")
        print(f"{count} clients: gzip at {median(results[(count, 'gzip')], 'rps') / median(mem, 'rps'):.2f}x the plain list's "
              f"throughput; 304 at {median(results[(count, '304')], 'rps') / healthz:.2f}x /healthz's")
    print("\nresident memory (MiB), this build: " + "; ".join(f"{k}: {v:.1f}" for k, v in memory.items()))
    print("resident memory (MiB), today's approach: " + "; ".join(f"{k}: {v:.1f}" for k, v in old_memory.items()))
    idle = memory["idle, 1000 clients"]
    worst = max(v for k, v in memory.items() if "later" in k or "after the login" in k)
    print(f"this build: idle {idle:.1f} MiB with 1000 clients (goal < 40), at most {worst - idle:.1f} MiB above it after "
          f"the loads (goal < 10); today's approach kept {old_memory['5 s after the login flood'] - old_memory['idle, 1000 clients']:.1f} MiB "
          "after the login flood")


if __name__ == "__main__":
    main()
