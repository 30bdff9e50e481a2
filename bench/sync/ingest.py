#!/usr/bin/python3
"""Ingest benchmarks for `./run bench` (not tests: they measure, they do not
judge correctness).

1. Ingest CPU per return: `sanbao sync` with rules that send nothing back
   (sandbox -> connector -> policy engine -> store) against the npm
   `ebay-api` client fetching and parsing the same pages, returns and orders
   from the same sandbox (bench/peers/ebay_ingest_peer.mjs). Only the client
   process is measured, with start-up excluded on both sides: the peer by
   process.cpuUsage() around its ingest; `sanbao sync` by GNU time on the N
   returns less GNU time on a one-return sandbox (process start, law data,
   token, one page), divided by N - 1. Both whole processes (GNU time,
   start-up included) are reported too. Target: Sanbao <= 1/10 of the
   peer's CPU per return. A full sync that also sends the approvals and
   refunds is measured too, for reference.
2. Peak memory while syncing a large sandbox (default 1,000,000 returns):
   the sync's maximum resident set size. Target: <= 100 MB, flat.
3. With --compare NAME=FLAGS (twice or more): only the ingest, once per
   variant and round, the variants alternating for --rounds rounds against
   one sandbox (on a shared machine the speed drifts within minutes, and
   side-by-side runs are what compare). Prints each variant's median CPU
   per return (start-up excluded, as above), median wall time, and the
   ratio of each median to the first variant's.

--sync-args FLAGS adds FLAGS to every `sanbao sync` (e.g. "--http http1").

usage: ingest.py SANBAO_CLI [--returns N] [--million N] [--skip-peer]
                 [--sync-args FLAGS] [--compare NAME=FLAGS ... [--rounds N]]
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

NOW = "2026-11-20T12:00:00Z"


class Sandbox:
    def __init__(self, cli, returns, seed=1):
        self.proc = subprocess.Popen(
            [cli, "sandbox", "ebay", "--port", "0", "--returns", str(returns),
             "--seed", str(seed), "--now", NOW, "--threads", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        self.creds = {}
        for line in self.proc.stdout:
            m = re.search(r"(http://127\.0\.0\.1:\d+)", line)
            if m and not self.url:
                self.url = m.group(1)
            if line.startswith("credentials:"):
                self.creds = dict(kv.split("=", 1) for kv in line.split()[1:])
                break
        if not self.url:
            raise SystemExit("the sandbox did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_sync(cli, sandbox, db, rules=None, extra=()):
    env = dict(os.environ,
               SANBAO_EBAY_CLIENT_ID=sandbox.creds["client_id"],
               SANBAO_EBAY_CLIENT_SECRET=sandbox.creds["client_secret"],
               SANBAO_EBAY_REFRESH_TOKEN=sandbox.creds["refresh_token"])
    # GNU time reports the sync's own CPU time and maximum resident set
    # size (KiB), whatever other children this script has had.
    with tempfile.NamedTemporaryFile("r") as usage:
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", usage.name,
             cli, "sync", "--ebay-url", sandbox.url, "--db", db, "--now", NOW,
             "--json", "--no-progress", "--workers", "8"] +
            (["--rules", rules] if rules else []) + list(extra),
            env=env, capture_output=True, text=True)
        wall, user, system, rss_kib = usage.read().split()[-4:]
    if out.returncode not in (0, 1):
        raise SystemExit("sanbao sync failed: " + out.stderr)
    summary = json.loads(out.stdout)
    return {
        "returns": summary["fetched"],
        "cpu_ms": 1000 * (float(user) + float(system)),
        "wall_s": float(wall),
        "max_rss_mb": int(rss_kib) / 1024,
        "errors": summary["errors"],
    }


def run_peer(root, sandbox):
    with tempfile.NamedTemporaryFile("r") as usage:
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%U %S", "-o", usage.name, "node",
             os.path.join(root, "bench", "peers", "ebay_ingest_peer.mjs"),
             sandbox.url], capture_output=True, text=True)
        user, system = usage.read().split()[-2:]
    if out.returncode != 0:
        raise SystemExit("peer failed: " + out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_cpu_ms"] = 1000 * (float(user) + float(system))
    return result


def per_return(run, base):
    """CPU per return with start-up (the one-return run) excluded."""
    return (run["cpu_ms"] - base["cpu_ms"]) * 1000 / (max(2, run["returns"]) - 1)


def write_ingest_rules(tmp):
    """Rules that decide every return but send nothing back: the ingest."""
    path = os.path.join(tmp, "ingest_rules.json")
    with open(path, "w") as f:
        json.dump({"auto_approve": {"when_eligible": False},
                   "refund_on_receipt": False}, f)
    return path


def compare(a, variants):
    """Alternates the variants' ingest runs; medians and ratios."""
    names = [n for n, _ in variants]
    print(f"\ningest A/B: {a.returns:,} sandbox returns, {a.rounds} rounds, "
          f"variants alternating ({', '.join(names)}); CPU of the client "
          f"process, start-up excluded")
    runs = {n: [] for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        rules = write_ingest_rules(tmp)
        tiny = Sandbox(a.cli, 1)
        sandbox = Sandbox(a.cli, a.returns)
        try:
            for r in range(a.rounds):
                # Alternate the order too, so neither variant always runs
                # first in a round.
                order = variants if r % 2 == 0 else variants[::-1]
                for name, flags in order:
                    db = os.path.join(tmp, f"{name}-{r}")
                    base = run_sync(a.cli, tiny, db + "-one.db", rules, flags)
                    run = run_sync(a.cli, sandbox, db + ".db", rules, flags)
                    run["per_return_us"] = per_return(run, base)
                    runs[name].append(run)
                    print(f"  round {r + 1} {name:<12} {run['per_return_us']:7.1f} "
                          f"us CPU/return  {run['wall_s']:5.1f} s wall  "
                          f"{run['max_rss_mb']:4.0f} MB  errors {run['errors']}",
                          flush=True)
                    for f in (db + ".db", db + "-one.db"):
                        for suffix in ("", "-wal", "-shm"):
                            if os.path.exists(f + suffix):
                                os.remove(f + suffix)
        finally:
            sandbox.stop()
            tiny.stop()
    first = statistics.median(x["per_return_us"] for x in runs[names[0]])
    for name, flags in variants:
        cpu = statistics.median(x["per_return_us"] for x in runs[name])
        wall = statistics.median(x["wall_s"] for x in runs[name])
        print(f"  median {name:<12} {cpu:7.1f} us CPU/return  {wall:5.1f} s wall  "
              f"ratio to {names[0]} {cpu / first:.3f}   (sync flags: "
              f"{' '.join(flags) or 'none'})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--returns", type=int, default=20000)
    ap.add_argument("--million", type=int, default=1000000)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--sync-args", default="",
                    help="flags added to every sanbao sync")
    ap.add_argument("--compare", action="append", default=[],
                    metavar="NAME=FLAGS",
                    help="an ingest variant (sync flags); give two or more")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    extra = shlex.split(a.sync_args)

    if a.compare:
        variants = []
        for v in a.compare:
            name, _, flags = v.partition("=")
            variants.append((name, extra + shlex.split(flags)))
        if len(variants) < 2:
            raise SystemExit("--compare needs two variants or more")
        return compare(a, variants)

    with tempfile.TemporaryDirectory() as tmp:
        print(f"\ningest: {a.returns:,} sandbox returns, CPU of the client process only")
        ingest_rules = write_ingest_rules(tmp)
        tiny = Sandbox(a.cli, 1)
        try:
            base = run_sync(a.cli, tiny, os.path.join(tmp, "one.db"), ingest_rules,
                            extra)
        finally:
            tiny.stop()
        sandbox = Sandbox(a.cli, a.returns)
        try:
            ours = run_sync(a.cli, sandbox, os.path.join(tmp, "ingest.db"),
                            ingest_rules, extra)
            peer = None if a.skip_peer else run_peer(root, sandbox)
            full = run_sync(a.cli, sandbox, os.path.join(tmp, "full.db"),
                            extra=extra)
        finally:
            sandbox.stop()

        per = per_return(ours, base)
        whole = ours["cpu_ms"] * 1000 / max(2, ours["returns"])
        print(f"  sanbao sync (ingest)  {ours['returns']:>9,} returns  "
              f"{per:8.1f} us CPU/return  (whole process {whole:.1f}; start-up "
              f"{base['cpu_ms']:.0f} ms; {ours['wall_s']:.1f} s wall, "
              f"{ours['max_rss_mb']:.0f} MB peak RSS, errors {ours['errors']})")
        fper = per_return(full, base)
        print(f"  sanbao sync (full)    {full['returns']:>9,} returns  "
              f"{fper:8.1f} us CPU/return  ({full['wall_s']:.1f} s wall; also sends "
              f"approvals and refunds)")
        if peer:
            pn = max(1, peer["returns"])
            pper = (peer["cpu_user_ms"] + peer["cpu_system_ms"]) * 1000 / pn
            pwhole = peer["process_cpu_ms"] * 1000 / pn
            print(f"  npm ebay-api peer     {peer['returns']:>9,} returns  "
                  f"{pper:8.1f} us CPU/return  (whole process {pwhole:.1f}; "
                  f"{peer['wall_ms'] / 1000:.1f} s wall; fetch + parse only, "
                  f"no decisions, no store)")
            print(f"  ratio {per / pper:.3f}   target <= 0.1   "
                  f"(whole processes, start-up included: {whole / pwhole:.3f})")

        if a.million > 0:
            print(f"\nmemory: syncing {a.million:,} sandbox returns")
            sandbox = Sandbox(a.cli, a.million)
            try:
                big = run_sync(a.cli, sandbox, os.path.join(tmp, "million.db"),
                               extra=extra)
            finally:
                sandbox.stop()
            print(f"  {big['returns']:,} returns in {big['wall_s']:.0f} s, "
                  f"peak RSS {big['max_rss_mb']:.1f} MB   target <= 100 MB "
                  f"(errors {big['errors']})")


if __name__ == "__main__":
    sys.exit(main())
