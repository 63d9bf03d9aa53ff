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
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from procmem import TreeSampler
from serve_edit import edit_to_served, start_serve

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
    runner: object = None           # measures a round itself instead of timing one process (serve)


def smbsite_argv():
    return ["smbsite"] if shutil.which("smbsite") else [sys.executable, "-m", "smbsite"]


EDITED = {}  # member file -> its original bytes, put back when the runner ends


def edited_member(d: Path) -> Path:
    """The one member every edit of a size changes (the first file): its original bytes kept."""
    f = min((d / "site" / "members").glob("*.yaml"))
    EDITED.setdefault(f, f.read_bytes())
    return f


def edit_summary(f: Path, what: str) -> str:
    """Give member file f a new summary; returns it (unique, so the page's bytes change)."""
    marker = f"Edited for the {what} {time.time_ns()}"
    lines = EDITED[f].decode("utf-8").splitlines(keepends=True)
    f.write_text("".join(f'summary: "{marker}"\n' if ln.startswith("summary:") else ln for ln in lines),
                 encoding="utf-8")
    return marker


def untimed(argv: list, env: dict):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})


def edit_one_member(d: Path, argv: list, env: dict, cache: str, what: str):
    """Before a warm build or check: make sure its cache exists (one untimed run), then edit one member."""
    if not (d / cache).is_dir():
        untimed(argv, env)
    edit_summary(edited_member(d), what)


def prime_check(d: Path, argv: list, env: dict):
    """Before a check after an edit: one untimed check (fills whatever cache check keeps), then the edit."""
    untimed(argv, env)
    edit_summary(edited_member(d), "check")


def restore_members():
    for f, original in EDITED.items():
        f.write_bytes(original)


def check_cache_args(smb: list, env: dict) -> list:
    """check's own cache option, if this smbsite's check has one."""
    r = subprocess.run(smb + ["check", "--help"], capture_output=True, text=True, env={**os.environ, **env})
    return ["--cache-dir", "{d}/cache-check"] if "--cache-dir" in r.stdout else []


def tools(baseline: Path | None = None):
    smb, py, env = smbsite_argv(), sys.executable, {"PYTHONPATH": str(REPO)}
    through = lambda name: smb + ["build", "-s", "{d}/site", "-o", "{d}/out-" + name, "-q", "--cache-dir",
                                  "{d}/cache-" + name]
    check_warm = smb + ["check", "-s", "{d}/site", "-q"] + check_cache_args(smb, env)
    before = [] if baseline is None else [
        Tool("smbsite build (baseline)", "smbsite", [py, "-m", "smbsite", "build", "-s", "{d}/site", "-o",
                                                      "{d}/out-baseline", "-q"],
             ("out-baseline", "site/.smbsite-cache"), "out-baseline", {"PYTHONPATH": str(baseline.resolve())})]
    return before + [
        Tool("smbsite build", "smbsite", smb + ["build", "-s", "{d}/site", "-o", "{d}/out-smbsite", "-q"],
             ("out-smbsite", "site/.smbsite-cache"), "out-smbsite", env),
        Tool("smbsite warm", "smbsite", through("warm"), (), "out-warm", env,
             before=lambda d, argv: edit_one_member(d, argv, env, "cache-warm", "warm build")),
        # the build before it goes through the same cache with the same sources: nothing changed
        Tool("smbsite no-change", "smbsite", through("nochange"), (), "out-nochange", env,
             before=lambda d, argv: untimed(argv, env)),
        Tool("smbsite check", "smbsite", smb + ["check", "-s", "{d}/site", "-q"],
             ("site/.smbsite-cache", "cache-check"), env=env),
        Tool("smbsite check edit", "smbsite", check_warm, (), env=env,
             before=lambda d, argv: prime_check(d, argv, env)),
        Tool("smbsite serve edit", "smbsite", smb + ["serve"], (), env=env, runner=serve_edits),
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


SERVE_EDITS = 5  # edits per round (--serve-edits)


def serve_edits(tool: "Tool", d: Path, log: Path):
    """One round of serve: start it, then edit the member SERVE_EDITS times, each timed from the
    write until its page is served with the new summary. Returns (edit ms list, ru_maxrss MiB,
    tree RSS MiB, tree PSS MiB, processes). Start-up is not timed."""
    smb = tool.argv[:-1]
    f = edited_member(d)
    base = "/smbtn/"  # make_site's base_url path
    proc, root, _ = start_serve(d / "site", f"{base}members/{f.stem}/", log, smb, tool.env)
    times = []
    with TreeSampler(proc.pid) as mem:
        try:
            for _ in range(SERVE_EDITS):
                times.append(edit_to_served(f"{root}{base}members/{f.stem}/", f, edit_summary(f, "served page")))
                time.sleep(0.3)  # let background re-rendering of list pages settle
        finally:
            proc.send_signal(signal.SIGTERM)
            _, status, usage = os.wait4(proc.pid, 0)
    return times, usage.ru_maxrss / 1024, mem.peak_rss, mem.peak_pss, mem.processes


def run_measured(argv, log: Path, env=None):
    """Run argv, output to log. Returns (wall s, peak RSS MiB, user+sys CPU s, tree RSS MiB,
    tree PSS MiB, processes, exit code).

    Peak RSS is the child's ru_maxrss from os.wait4: the largest single process in the
    child's tree (the kernel folds waited-for descendants in as a max, not a sum) —
    the same number GNU `/usr/bin/time -v` reports as "Maximum resident set size".
    The tree sums are sampled (procmem.py): every process of the tree at once."""
    with open(log, "wb") as f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        with TreeSampler(proc.pid) as mem:
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, mem.peak_rss, mem.peak_pss,
            mem.processes, proc.returncode)


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
    ap.add_argument("--sizes", default="500,10000", help="member counts; articles = N//10")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(GROUPS), help="subset of " + ",".join(GROUPS))
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/smbsite-bench"))
    ap.add_argument("--slow", type=float, default=180, help="run a tool once per size if its first run exceeds this (s)")
    ap.add_argument("--make-site", type=Path, default=REPO.parent / "shared/bench/make_site.py")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--baseline", type=Path, help="another smbsite checkout to time in the same rounds")
    ap.add_argument("--serve-edits", type=int, default=SERVE_EDITS, help="serve edits timed per round")
    a = ap.parse_args()
    globals()["SERVE_EDITS"] = a.serve_edits
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
    host, load = machine(), os.getloadavg()[0]
    a.check_has_cache = bool(check_cache_args(smbsite_argv(), {"PYTHONPATH": str(REPO)}))
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
    report = render_report(a, sizes, selected, results, started, host, versions, load)
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
                res = results.setdefault((n, tool.name), {"runs": [], "pages": None, "error": None, "edits": []})
                if res["error"] or (res["runs"] and res["runs"][0][0] > a.slow):
                    continue
                for p in tool.clean:
                    target = d / p
                    shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
                argv = [s.format(d=d) for s in tool.argv]
                log = d / f"{tool.name.replace(' ', '_')}.log"
                try:
                    if tool.before is not None:
                        tool.before(d, argv)
                    if tool.runner is not None:
                        times, rss, tree_rss, tree_pss, procs = tool.runner(tool, d, log)
                        res["edits"] += times
                        run = (statistics.median(times) / 1000, rss, None, tree_rss, tree_pss, procs)
                    else:
                        *run, code = run_measured(argv, log, tool.env)
                        if code != 0:
                            raise subprocess.CalledProcessError(code, argv)
                except (subprocess.CalledProcessError, OSError, SystemExit) as e:
                    tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
                    res["error"] = f"{e}: " + " | ".join(tail)
                    print(f"[{n}] round {r + 1}: {tool.name} FAILED ({res['error']})")
                    continue
                res["runs"].append(tuple(run))
                if tool.out:
                    res["pages"] = count_pages(d / tool.out)
                seconds, rss, cpu, tree_rss, tree_pss, procs = run
                print(f"[{n}] round {r + 1}: {tool.name:18} {seconds:8.3f} s  {fmt(cpu):>6} s CPU  "
                      f"{rss:5.0f} MiB largest  {tree_pss:5.0f} MiB PSS of {procs} process(es)", flush=True)


def medians(results, sizes, names):
    """Median seconds per (size, tool); for serve, the median over every edit of every round."""
    med = {}
    for n in sizes:
        for t in names:
            res = results.get((n, t), {})
            if res.get("edits"):
                med[(n, t)] = statistics.median(res["edits"]) / 1000
            elif res.get("runs"):
                med[(n, t)] = statistics.median(run[0] for run in res["runs"])
    return med


QUIET_COMMAND = "python3 benchmarks/run.py --sizes 500,10000 --runs 3 --only smbsite,floor,hugo"
BUSY_LOAD = 1.0  # load average above which the report says the numbers were taken on a busy machine


def command_line(a) -> str:
    extra = (f" --serve-edits {a.serve_edits}" if a.serve_edits != 5 else "") + \
        (f" --workdir {a.workdir}" if str(a.workdir) != "/tmp/smbsite-bench" else "") + \
        (f" --baseline {a.baseline}" if a.baseline else "")
    return f"python3 benchmarks/run.py --sizes {a.sizes} --runs {a.runs} --only {a.only}{extra}"


def render_report(a, sizes, selected, results, started, host, versions, load):
    names = [t.name for t in selected]
    med = medians(results, sizes, names)
    out = ["# smbsite benchmark results\n",
           f"- to re-run on a quiet machine: `{QUIET_COMMAND}`",
           f"- date: {started:%Y-%m-%d %H:%M %Z}",
           f"- this run's command: `{command_line(a)}`",
           f"- machine: {host}, at end {os.getloadavg()[0]:.2f}"]
    if max(load, os.getloadavg()[0]) > BUSY_LOAD:
        out.append(f"- **taken on a busy machine** (load average above {BUSY_LOAD:g} on 2 cores): the wall "
                   "times waited for other work; read the CPU ratios, and re-run quiet for the real figures")
    out += [f"- {k}: {v}" for k, v in versions.items()]
    out += ["", "Wall time of each tool: median, min and max of the runs. `smbsite build` and `smbsite check` are "
            "cold (new process, output and caches removed); `smbsite warm` builds through the cache of its "
            "previous build after one member's summary was edited; `smbsite no-change` builds through a cache "
            "filled by an untimed build of the same sources just before; `smbsite check edit` checks after one "
            "member was edited, right after an untimed check (with the check's own cache where it has one); "
            f"`smbsite serve edit` is one member's edit until `serve` answers with the new page ({a.serve_edits} "
            "edits a round, the median over all edits; start-up untimed). CPU s is the median user+sys time of "
            "the tool and its children (a check on noise). Memory, max over runs: *largest* is the largest "
            "single process (ru_maxrss, exact); *tree RSS* and *tree PSS* are the peaks of the sum over the "
            "process and every forked worker, sampled every 20 ms (RSS counts pages a worker shares with its "
            "parent once per process, PSS divides them; see `benchmarks/procmem.py`).", "",
            "| members | articles | tool | runs | median s | min s | max s | CPU s | largest MiB | tree RSS MiB "
            "| tree PSS MiB | processes | HTML pages |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        for t in names:
            res = results.get((n, t))
            if not res:
                continue
            if not res["runs"]:
                out.append(f"| {n} | {n // 10} | {t} | 0 | failed: {res['error']} | | | | | | | | |")
                continue
            secs, rss, cpu, trss, tpss, procs = zip(*res["runs"])
            if res["edits"]:
                secs = [ms / 1000 for ms in res["edits"]]
            cpus = [c for c in cpu if c is not None]
            out.append(f"| {n} | {n // 10} | {t} | {len(res['edits']) or len(secs)}{' edits' if res['edits'] else ''}"
                       f" | {med[(n, t)]:.3f} | {min(secs):.3f} | {max(secs):.3f} | "
                       f"{fmt(statistics.median(cpus) if cpus else None)} | {max(rss):.0f} | {max(trss):.0f} | "
                       f"{max(tpss):.0f} | {max(procs)} | {fmt(res['pages'], 'd')} |")
    out += ["", "## Ratios to Hugo's cold build (of medians, same run)", "",
            "Each smbsite number divided by Hugo's cold build of the same records, measured alternating in this "
            "run: ratios, unlike seconds, compare across machines. The floor's own ratio says what this machine "
            "and Python make of a bare loop: a target met here by less than that margin is noise.", ""]
    for n in sizes:
        if (n, "hugo") not in med:
            continue
        cells = [f"{t} {med[(n, t)] / med[(n, 'hugo')]:.3f}×" for t in names if t != "hugo" and (n, t) in med]
        if cells:
            out.append(f"- {n} members, wall (Hugo {med[(n, 'hugo')]:.2f} s): " + "; ".join(cells))
        cpu = {t: statistics.median(run[2] for run in results[(n, t)]["runs"]) for t in names
               if (n, t) in med and results[(n, t)]["runs"][0][2] is not None}
        cells = [f"{t} {cpu[t] / cpu['hugo']:.3f}×" for t in names if t != "hugo" and t in cpu]
        if cells:
            out.append(f"- {n} members, CPU (Hugo {cpu['hugo']:.2f} s; a check when the machine was busy and "
                       "wall times waited): " + "; ".join(cells))
    out += ["", "## Other ratios (of medians)", ""]
    pairs = [("smbsite build", "floor (2 jobs)"), ("smbsite build", "floor (1 job)"),
             ("smbsite build", "jekyll"), ("smbsite build", "pelican"), ("smbsite warm", "smbsite build"),
             ("smbsite no-change", "smbsite build"), ("smbsite check edit", "smbsite check")]
    for n in sizes:
        cells = [f"{x} / {y} = {med[(n, x)] / med[(n, y)]:.2f}" for x, y in pairs if (n, x) in med and (n, y) in med]
        if cells:
            out.append(f"- {n} members: " + "; ".join(cells))
    for lo, hi in zip(sizes, sizes[1:]):
        cells = [f"{t} {med[(hi, t)] / med[(lo, t)]:.2f}" for t in names if (lo, t) in med and (hi, t) in med]
        if cells:
            out.append(f"- scaling time({hi}) / time({lo}): " + "; ".join(cells))
    for n in sizes:
        out += targets(n, med, results, a.check_has_cache)
    out += ["", "## Notes", "",
            "- `floor (2 jobs)`'s memory: *largest* is one of its processes; the tree columns sum both workers.",
            f"- A tool whose first run took more than {a.slow:.0f} s ran once at that size (see `runs`).",
            "- Every edit (warm build, check edit, serve edit) changes the summary of the same member, the "
            "first member file; it is put back when the runner ends.",
            "- check " + ("takes `--cache-dir`: `smbsite check edit` runs through its own cache." if a.check_has_cache
                          else "takes no `--cache-dir` in this smbsite: `smbsite check edit` is a check after an "
                          "untimed check, which is warm only if check keeps a cache in the site folder; compare "
                          "it with the cold check (ratio above)."),
            "- Hugo: RSS feeds off, sitemap on. Jekyll: kramdown, no feature plugins, term pages made with the "
            "built-in `where` filter, plus a backport of Jekyll 4.3.2's fix for its quadratic "
            "`Site#each_site_file` (Debian 12 ships 4.3.1, which takes minutes at 10k without it). Pelican: "
            "members are articles (category = state, tags = specialties), feeds/author/archive pages off. "
            "See `benchmarks/README.md` and `benchmarks/convert.py`."]
    return "\n".join(out) + "\n"


# size -> [(tool, at most this × Hugo's cold build)]
HUGO_TARGETS = {
    10000: [("smbsite build", 2.0), ("smbsite warm", 0.25), ("smbsite no-change", 0.1), ("smbsite check", 0.5),
            ("smbsite check edit", 0.1)],
    500: [("smbsite build", 3.0), ("smbsite warm", 1.5), ("smbsite check", 1.0)],
}
SERVE_LIMIT_MS = {10000: 50}
MEMORY_LIMIT_MB = {10000: 300}
MEMORY_TOOLS = ("smbsite build", "smbsite warm", "smbsite no-change", "smbsite check", "smbsite check edit",
                "smbsite serve edit")


def targets(n, med, results, check_has_cache=True):
    """The table of targets at size n, each met / not met."""
    if n not in HUGO_TARGETS or not any((n, t) in med for t in MEMORY_TOOLS):
        return []
    hugo = med.get((n, "hugo"))
    checks = []
    for tool, factor in HUGO_TARGETS[n]:
        if (n, tool) not in med:
            continue
        note = " (check has no cache of its own here)" if tool == "smbsite check edit" and not check_has_cache else ""
        if hugo is None:
            checks.append((f"{tool} ≤ {factor} × Hugo", f"{med[(n, tool)]:.2f} s (Hugo not measured)", None))
            continue
        ratio = med[(n, tool)] / hugo
        checks.append((f"{tool} ≤ {factor} × Hugo", f"{ratio:.3f}× ({med[(n, tool)]:.3f} s vs {hugo:.2f} s){note}",
                       ratio <= factor))
    if n in SERVE_LIMIT_MS and (n, "smbsite serve edit") in med:
        ms = med[(n, "smbsite serve edit")] * 1000
        ratio = f", {med[(n, 'smbsite serve edit')] / hugo:.3f}× Hugo" if hugo else ""
        checks.append((f"smbsite serve edit ≤ {SERVE_LIMIT_MS[n]} ms median",
                       f"{ms:.0f} ms over {len(results[(n, 'smbsite serve edit')]['edits'])} edits{ratio}",
                       ms <= SERVE_LIMIT_MS[n]))
    if (n, "floor (2 jobs)") in med and hugo is not None:
        checks.append(("(machine's floor: floor (2 jobs) / Hugo)", f"{med[(n, 'floor (2 jobs)')] / hugo:.3f}×", None))
    if n in MEMORY_LIMIT_MB:
        limit = MEMORY_LIMIT_MB[n] * 1e6 / 2 ** 20
        for tool in MEMORY_TOOLS:
            if (n, tool) in med:
                runs = results[(n, tool)]["runs"]
                largest, pss = max(r[1] for r in runs), max(r[4] for r in runs)
                peak = max(largest, pss)
                checks.append((f"{tool} peak memory ≤ {MEMORY_LIMIT_MB[n]} MB ({limit:.0f} MiB): PSS summed over "
                               "its processes, or the largest process if higher",
                               f"{peak:.0f} MiB (PSS sum {pss:.0f}, largest {largest:.0f}, RSS sum "
                               f"{max(r[3] for r in runs):.0f}; {max(r[5] for r in runs)} process(es))",
                               peak <= limit))
    return ["", f"## Targets at {n} members + {n // 10} articles", "", "| target | measured | met |", "|---|---|---|"] + \
        [f"| {t} | {m} | {'–' if ok is None else 'met' if ok else '**not met**'} |" for t, m, ok in checks]


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
