#!/usr/bin/env python3
"""Time smbsite against the floor (floor.py), Hugo, Jekyll and Pelican on synthetic sites.
Every target is reported as a ratio to Hugo's cold build measured in the same run.

    python3 benchmarks/run.py [--sizes 1000,10000] [--runs 3] [--only smbsite,floor,hugo,jekyll,pelican]
                              [--workdir /tmp/smbsite-bench] [--slow 180] [--baseline CHECKOUT]

For each size N: make_site.py --members N --articles N//10 into WORKDIR/N/site, the
repository's templates/ copied in, the Hugo/Jekyll/Pelican projects converted from
it; then rounds in which every tool runs once, the order rotated each round. Every
build is cold (a new process, its output folder and tool cache removed first) except
"smbsite warm": one member edited, then a build through the cache of the previous build.
A tool whose first run takes longer than --slow seconds runs only once at that size.
Prints a table and writes benchmarks/RESULTS.md (keeping its "## Where the time goes").
--baseline times another checkout of smbsite (say the last release, in a git worktree)
in the same rounds, as "smbsite build (baseline)": a change's cost, measured alternating.
"""
import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GROUPS = ["smbsite", "floor", "hugo", "jekyll", "pelican"]
PROFILE_HEADING = "## Where the time goes"
PROFILE_PLACEHOLDER = ("_(placeholder: profile summary of `smbsite build` at 10k members — "
                       "e.g. `python3 -m cProfile -s cumtime -m smbsite build -s SITE -o OUT -q` — filled in by hand)_\n")


@dataclass
class Tool:
    name: str
    group: str
    argv: list                      # may contain "{d}" (the size's work folder), formatted per size
    clean: tuple = ()               # paths under {d} removed before every run
    out: str = ""                   # output folder under {d}, for the page count
    env: dict = field(default_factory=dict)
    before: object = None           # called with the size's work folder before each run (untimed)


def smbsite_argv():
    return ["smbsite"] if shutil.which("smbsite") else [sys.executable, "-m", "smbsite"]


WARM_MEMBER = {}  # work folder -> (member file, its original bytes), restored at the end


def edit_one_member(d: Path, argv: list, env: dict):
    """Before a warm build: make sure a cache exists (one untimed build), then edit one member's summary."""
    if not (d / "cache-warm").is_dir():
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
    if d not in WARM_MEMBER:
        f = min((d / "site" / "members").glob("*.yaml"))
        WARM_MEMBER[d] = (f, f.read_bytes())
    f, original = WARM_MEMBER[d]
    lines = original.decode("utf-8").splitlines(keepends=True)
    marker = f'summary: "Edited for the warm build {time.time_ns()}"\n'
    f.write_text("".join(marker if ln.startswith("summary:") else ln for ln in lines), encoding="utf-8")


def restore_members():
    for f, original in WARM_MEMBER.values():
        f.write_bytes(original)


def tools(baseline: Path | None = None):
    smb, py, env = smbsite_argv(), sys.executable, {"PYTHONPATH": str(REPO)}
    warm = smb + ["build", "-s", "{d}/site", "-o", "{d}/out-warm", "-q", "--cache-dir", "{d}/cache-warm"]
    before = [] if baseline is None else [
        Tool("smbsite build (baseline)", "smbsite", [py, "-m", "smbsite", "build", "-s", "{d}/site", "-o",
                                                      "{d}/out-baseline", "-q"],
             ("out-baseline", "site/.smbsite-cache"), "out-baseline", {"PYTHONPATH": str(baseline.resolve())})]
    return before + [
        Tool("smbsite build", "smbsite", smb + ["build", "-s", "{d}/site", "-o", "{d}/out-smbsite", "-q",
                                                "--cache-dir", "{d}/cache-cold"],
             ("out-smbsite", "cache-cold"), "out-smbsite", env),
        Tool("smbsite warm", "smbsite", warm, (), "out-warm", env,
             before=lambda d, argv: edit_one_member(d, argv, env)),
        Tool("smbsite check", "smbsite", smb + ["check", "-s", "{d}/site"], env=env),
        Tool("floor (2 jobs)", "floor", [py, str(HERE / "floor.py"), "{d}/site", "{d}/out-floor2", "--jobs", "2"],
             ("out-floor2",), "out-floor2"),
        Tool("floor (1 job)", "floor", [py, str(HERE / "floor.py"), "{d}/site", "{d}/out-floor1"],
             ("out-floor1",), "out-floor1"),
        Tool("hugo", "hugo", ["hugo", "-s", "{d}/hugo", "-d", "{d}/out-hugo", "--quiet"],
             ("out-hugo", "hugo/resources", "hugo/.hugo_build.lock"), "out-hugo"),
        Tool("jekyll", "jekyll", ["jekyll", "build", "-s", "{d}/jekyll", "-d", "{d}/out-jekyll", "--quiet"],
             ("out-jekyll", "jekyll/.jekyll-cache"), "out-jekyll"),
        Tool("pelican", "pelican", ["pelican", "{d}/pelican/content", "-s", "{d}/pelican/pelicanconf.py",
                                    "-o", "{d}/out-pelican", "-q"], ("out-pelican",), "out-pelican"),
    ]


def run_measured(argv, log: Path, env=None):
    """Run argv, output to log. Returns (wall s, peak RSS MiB, user+sys CPU s, exit code).

    Peak RSS is the child's ru_maxrss from os.wait4: the largest single process in the
    child's tree (the kernel folds waited-for descendants in as a max, not a sum) —
    the same number GNU `/usr/bin/time -v` reports as "Maximum resident set size"."""
    with open(log, "wb") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode


def first_line(argv, env=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    text = (r.stdout or r.stderr).strip()
    return (text.splitlines() or [""])[0] if r.returncode == 0 else None, (r.stderr or r.stdout).strip()


def unavailable(tool: Tool):
    """None if the tool can run here, else the reason to skip it."""
    exe = tool.argv[0]
    if tool.group in ("hugo", "jekyll", "pelican") and not shutil.which(exe):
        return f"{exe} not installed (see benchmarks/README.md)"
    if tool.group == "smbsite":
        ok, err = first_line(tool.argv[:len(smbsite_argv())] + ["--help"], tool.env)
        if ok is None:
            return "smbsite not runnable: " + (err.splitlines() or ["?"])[-1]
        if "--cache-dir" in tool.argv:
            r = subprocess.run(tool.argv[:len(smbsite_argv())] + ["build", "--help"], capture_output=True,
                               text=True, env={**os.environ, **tool.env})
            if "--cache-dir" not in r.stdout:
                return "this smbsite has no build cache (--cache-dir)"
    if tool.group == "floor":
        ok, err = first_line([sys.executable, "-c", "import yaml, jinja2, markdown_it"])
        if ok is None:
            return "floor needs pyyaml, jinja2, markdown-it-py: " + (err.splitlines() or ["?"])[-1]
    return None


def prepare_size(n: int, workdir: Path, make_site: Path, groups: set):
    d = workdir / str(n)
    site = d / "site"
    stamp = f"{n} {n // 10} {make_site.stat().st_mtime_ns}"
    if (site / ".bench-stamp").exists() and (site / ".bench-stamp").read_text() == stamp:
        print(f"[{n}] reusing {site}")
    else:
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, str(make_site), str(site), "--members", str(n), "--articles", str(n // 10)],
                       check=True)
        (site / ".bench-stamp").write_text(stamp)
    shutil.rmtree(site / "templates", ignore_errors=True)
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", site / "templates")
    for g in ("hugo", "jekyll", "pelican"):
        if g in groups:
            subprocess.run([sys.executable, str(HERE / "convert.py"), g, str(site), str(d / g)], check=True,
                           stdout=subprocess.DEVNULL)
    return d


def count_pages(out: Path):
    return sum(f.endswith(".html") for _, _, files in os.walk(out) for f in files) if out.is_dir() else None


def version(argv, env=None):
    line, _ = first_line(argv, env)
    return line or "not available"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), "unknown")
    mem = next((int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs, {cpu}, {mem / 1024 ** 2:.1f} GiB RAM, load average at start {os.getloadavg()[0]:.2f}"


def fmt(x, spec=".2f"):
    return "–" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="member counts; articles = N//10")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(GROUPS), help="subset of " + ",".join(GROUPS))
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/smbsite-bench"))
    ap.add_argument("--slow", type=float, default=180, help="run a tool once per size if its first run exceeds this (s)")
    ap.add_argument("--make-site", type=Path, default=REPO.parent / "shared/bench/make_site.py")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--baseline", type=Path, help="another smbsite checkout to time in the same rounds")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    groups = set(a.only.split(","))
    if groups - set(GROUPS):
        ap.error(f"unknown tool(s) {', '.join(sorted(groups - set(GROUPS)))}; choose from {', '.join(GROUPS)}")
    if not a.make_site.is_file():
        ap.error(f"{a.make_site} not found (pass --make-site)")

    selected = []
    if a.baseline is not None and not (a.baseline / "smbsite" / "__init__.py").is_file():
        ap.error(f"--baseline {a.baseline} is not a checkout of smbsite")
    for tool in tools(a.baseline):
        if tool.group in groups:
            reason = unavailable(tool)
            print(f"skip {tool.name}: {reason}" if reason else f"use  {tool.name}: {' '.join(tool.argv)}")
            if not reason:
                selected.append(tool)
    started = datetime.datetime.now().astimezone()
    host = machine()
    results = {}  # (n, tool name) -> {"runs": [(s, MiB, cpu s)], "pages": int, "error": str}
    try:
        measure(a, sizes, selected, results)
    finally:
        restore_members()

    versions = {
        "Python": sys.version.split()[0],
        "smbsite": version(smbsite_argv() + ["--version"], {"PYTHONPATH": str(REPO)}),
        "Hugo": version(["hugo", "version"]), "Jekyll": version(["jekyll", "--version"]),
        "Pelican": version(["pelican", "--version"]),
        "floor libs": version([sys.executable, "-c", "import yaml, jinja2, markdown_it; print("
                               "f'PyYAML {yaml.__version__} (libyaml {yaml.__with_libyaml__}), "
                               "Jinja2 {jinja2.__version__}, markdown-it-py {markdown_it.__version__}')"]),
    }
    report = render_report(a, sizes, selected, results, started, host, versions)
    print("\n" + report)
    write_results(a.results, report)
    print(f"wrote {a.results}")


def measure(a, sizes, selected, results):
    """Rounds per size: every tool once per round, the order rotated by one each round."""
    for n in sizes:
        d = prepare_size(n, a.workdir, a.make_site, {t.group for t in selected})
        for r in range(a.runs):
            k = r % len(selected) if selected else 0
            for tool in selected[k:] + selected[:k]:
                res = results.setdefault((n, tool.name), {"runs": [], "pages": None, "error": None})
                if res["error"] or (res["runs"] and res["runs"][0][0] > a.slow):
                    continue
                for p in tool.clean:
                    target = d / p
                    shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
                argv = [s.format(d=d) for s in tool.argv]
                if tool.before is not None:
                    tool.before(d, argv)
                log = d / f"{tool.name.replace(' ', '_')}.log"
                seconds, rss, cpu, code = run_measured(argv, log, tool.env)
                if code != 0:
                    tail = log.read_text(errors="replace").strip().splitlines()[-5:]
                    res["error"] = f"exit {code}: " + " | ".join(tail)
                    print(f"[{n}] round {r + 1}: {tool.name} FAILED ({res['error']})")
                    continue
                res["runs"].append((seconds, rss, cpu))
                if tool.out:
                    res["pages"] = count_pages(d / tool.out)
                print(f"[{n}] round {r + 1}: {tool.name:15} {seconds:8.2f} s  {cpu:8.2f} s CPU  {rss:7.0f} MiB")


def medians(results, sizes, names):
    return {(n, t): statistics.median(run[0] for run in results[(n, t)]["runs"])
            for n in sizes for t in names if results.get((n, t), {}).get("runs")}


def render_report(a, sizes, selected, results, started, host, versions):
    names = [t.name for t in selected]
    med = medians(results, sizes, names)
    out = ["# smbsite benchmark results\n",
           f"- date: {started:%Y-%m-%d %H:%M %Z}",
           f"- command: `python3 benchmarks/run.py --sizes {a.sizes} --runs {a.runs} --only {a.only}"
           + (f" --baseline {a.baseline}`" if a.baseline else "`"),
           f"- machine: {host}, at end {os.getloadavg()[0]:.2f}"]
    out += [f"- {k}: {v}" for k, v in versions.items()]
    out += ["", "Wall time of a cold build (new process, output and caches removed): median, min and max of the "
            "runs; CPU s is the median user+sys time of the tool and its children (a check on noise: on an idle "
            "machine a single-threaded tool has CPU ≈ wall); peak RSS is the largest single process of the tool "
            "(max over runs).", "",
            "| members | articles | tool | runs | median s | min s | max s | CPU s | peak RSS MiB | HTML pages |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        for t in names:
            res = results.get((n, t))
            if not res:
                continue
            if not res["runs"]:
                out.append(f"| {n} | {n // 10} | {t} | 0 | failed: {res['error']} | | | | | |")
                continue
            secs, rss, cpu = zip(*res["runs"])
            out.append(f"| {n} | {n // 10} | {t} | {len(secs)} | {med[(n, t)]:.2f} | {min(secs):.2f} | "
                       f"{max(secs):.2f} | {statistics.median(cpu):.2f} | {max(rss):.0f} | {fmt(res['pages'], 'd')} |")
    out += ["", "## Ratios to Hugo's cold build (of medians, same run)", "",
            "Each smbsite number divided by Hugo's cold build of the same records, measured alternating in this "
            "run: ratios, unlike seconds, compare across machines. The floor's own ratio says what this machine "
            "and Python make of a bare loop: a target met here by less than that margin is noise.", ""]
    for n in sizes:
        if (n, "hugo") not in med:
            continue
        cells = [f"{t} {med[(n, t)] / med[(n, 'hugo')]:.2f}×" for t in names if t != "hugo" and (n, t) in med]
        if cells:
            out.append(f"- {n} members, wall (Hugo {med[(n, 'hugo')]:.2f} s): " + "; ".join(cells))
        cpu = {t: statistics.median(run[2] for run in results[(n, t)]["runs"]) for t in names if (n, t) in med}
        cells = [f"{t} {cpu[t] / cpu['hugo']:.2f}×" for t in names if t != "hugo" and t in cpu]
        if cells:
            out.append(f"- {n} members, CPU (Hugo {cpu['hugo']:.2f} s; a check when the machine was busy and "
                       "wall times waited): " + "; ".join(cells))
    out += ["", "## Other ratios (of medians)", ""]
    pairs = [("smbsite build", "floor (2 jobs)"), ("smbsite build", "floor (1 job)"),
             ("smbsite build", "jekyll"), ("smbsite build", "pelican"), ("smbsite warm", "smbsite build")]
    for n in sizes:
        cells = [f"{x} / {y} = {med[(n, x)] / med[(n, y)]:.2f}" for x, y in pairs if (n, x) in med and (n, y) in med]
        if cells:
            out.append(f"- {n} members: " + "; ".join(cells))
    for lo, hi in zip(sizes, sizes[1:]):
        cells = [f"{t} {med[(hi, t)] / med[(lo, t)]:.2f}" for t in names if (lo, t) in med and (hi, t) in med]
        if cells:
            out.append(f"- scaling time({hi}) / time({lo}): " + "; ".join(cells))
    out += targets(med, results)
    out += ["", "## Notes", "",
            "- Peak RSS of `floor (2 jobs)` is the largest of its processes, not their sum.",
            f"- A tool whose first run took more than {a.slow:.0f} s ran once at that size (see `runs`).",
            "- Hugo: RSS feeds off, sitemap on. Jekyll: kramdown, no feature plugins, term pages made with the "
            "built-in `where` filter, plus a backport of Jekyll 4.3.2's fix for its quadratic "
            "`Site#each_site_file` (Debian 12 ships 4.3.1, which takes minutes at 10k without it). Pelican: "
            "members are articles (category = state, tags = specialties), feeds/author/archive pages off. "
            "See `benchmarks/README.md` and `benchmarks/convert.py`."]
    return "\n".join(out) + "\n"


# (tool, at most this × Hugo's cold build)
HUGO_TARGETS = [("smbsite build", 1.0), ("smbsite warm", 0.1), ("smbsite check", 0.25)]
RSS_LIMIT_MB = 300


def targets(med, results, n=10000):
    if not any((n, t) in med for t, _ in HUGO_TARGETS):
        return []
    hugo = med.get((n, "hugo"))
    checks = []
    for tool, factor in HUGO_TARGETS:
        if (n, tool) not in med:
            continue
        if hugo is None:
            checks.append((f"{tool} ≤ {factor} × Hugo", f"{med[(n, tool)]:.2f} s (Hugo not measured)", None))
            continue
        ratio = med[(n, tool)] / hugo
        checks.append((f"{tool} ≤ {factor} × Hugo", f"{ratio:.2f}× ({med[(n, tool)]:.2f} s vs {hugo:.2f} s)",
                       ratio <= factor))
    if (n, "floor (2 jobs)") in med and hugo is not None:
        checks.append(("(machine's floor: floor (2 jobs) / Hugo)", f"{med[(n, 'floor (2 jobs)')] / hugo:.2f}×", None))
    for tool in ("smbsite build", "smbsite warm", "smbsite check"):
        if (n, tool) in med:
            rss = max(run[1] for run in results[(n, tool)]["runs"])
            limit = RSS_LIMIT_MB * 1e6 / 2 ** 20
            checks.append((f"{tool} peak RSS ≤ {RSS_LIMIT_MB} MB ({limit:.0f} MiB)", f"{rss:.0f} MiB", rss <= limit))
    if (n // 10, "smbsite build") in med and (n, "smbsite build") in med:
        ratio = med[(n, "smbsite build")] / med[(n // 10, "smbsite build")]
        checks.append((f"time({n}) ≤ 11 × time({n // 10})", f"{ratio:.2f} ×", ratio <= 11))
    return ["", f"## Targets at {n} members + {n // 10} articles", "", "| target | measured | met |", "|---|---|---|"] + \
        [f"| {t} | {m} | {'–' if ok is None else 'yes' if ok else '**no**'} |" for t, m, ok in checks]


def write_results(path: Path, report: str):
    """Write the report, keeping the hand-written "Where the time goes" section of the old file."""
    kept = PROFILE_HEADING + "\n\n" + PROFILE_PLACEHOLDER
    if path.exists():
        m = re.search(rf"^{re.escape(PROFILE_HEADING)}\n.*?(?=^## |\Z)", path.read_text(encoding="utf-8"), re.M | re.S)
        if m:
            kept = m.group(0).rstrip() + "\n"
    path.write_text(report + "\n" + kept, encoding="utf-8")


if __name__ == "__main__":
    main()
