"""How fast an edit shows up in `smbsite serve`.

    python3 benchmarks/serve_edit.py [--members 10000] [--articles 1000] [--edits 15] [--workdir DIR]

Writes a site with ../shared/bench/make_site.py (plus the project's templates),
starts `smbsite serve` on a free loopback port, and measures:
  * start-up: from process start until the server answers with a rendered page,
    against a cold `smbsite build` of the same site (alternating, --rounds times);
  * edit-to-served: from writing one member's file (a new summary) until a client
    polling that member's page every 2 ms receives the new HTML (median, max).
Prints the numbers; nothing is written to the repository.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAKE_SITE = REPO.parent / "shared" / "bench" / "make_site.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read()
    except OSError:
        return None


def start_serve(site: Path, probe: str, log: Path | None = None, argv: list | None = None,
                env: dict | None = None) -> tuple[subprocess.Popen, str, float]:
    """Start serve (argv: how to run smbsite); return it, its root URL and the seconds until probe was served."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen((argv or [sys.executable, "-m", "smbsite"]) + ["serve", "-s", str(site), "--port", str(port)],
                            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {}), "NO_COLOR": "1"})
    while fetch(root + probe) is None:
        if proc.poll() is not None:
            raise SystemExit("serve exited")
        time.sleep(0.01)
    return proc, root, time.perf_counter() - t0


def edit_to_served(url: str, f: Path, marker: str) -> float:
    """Give member file f a new summary (marker); milliseconds until url serves it.

    The page is fetched first, rendered and cached before the edit like an open tab;
    then it is polled every 2 ms."""
    fetch(url)
    lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f'summary: "{marker}"\n' if ln.startswith("summary:") else ln for ln in lines]
    start = time.perf_counter()
    f.write_text("".join(lines), encoding="utf-8")
    while True:
        body = fetch(url)
        if body and marker.encode() in body:
            return (time.perf_counter() - start) * 1000
        time.sleep(0.002)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/smbsite-serve-bench"))
    a = ap.parse_args()
    site = a.workdir / f"site-{a.members}"
    if not (site / "site.yaml").is_file():
        subprocess.run([sys.executable, str(MAKE_SITE), str(site), "--members", str(a.members),
                        "--articles", str(a.articles)], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(site / "templates", ignore_errors=True)
    shutil.copytree(REPO / "templates", site / "templates")
    members = sorted((site / "members").glob("*.yaml"))
    base = "/smbtn/"  # make_site's base_url path
    first = members[0].stem
    builds, startups = [], []
    for _ in range(a.rounds):
        out = a.workdir / "build-out"
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "smbsite", "build", "-s", str(site), "-o", str(out), "-q"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        builds.append(time.perf_counter() - t0)
        proc, root, startup = start_serve(site, f"{base}members/{first}/")
        startups.append(startup)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    proc, root, _ = start_serve(site, f"{base}members/{first}/", a.workdir / "serve.log")
    try:
        rng = random.Random(1)
        times = []
        for i in range(a.edits):
            f = rng.choice(members)
            url = f"{root}{base}members/{f.stem}/"
            times.append(edit_to_served(url, f, f"Edited summary {i} {time.time_ns()}"))
            time.sleep(0.3)  # let background re-rendering of list pages settle
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"site: {a.members} members, {a.articles} articles")
    print(f"cold smbsite build: median {statistics.median(builds):.2f} s of {[round(b, 2) for b in builds]}")
    print(f"serve start-up until first page served: median {statistics.median(startups):.2f} s "
          f"of {[round(x, 2) for x in startups]}")
    print(f"edit-to-served over {len(times)} edits: median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
