#!/usr/bin/env python3
"""Time smbsite against the floor (floor.py), Hugo, Jekyll and Pelican on synthetic sites.
Every figure is reported as a ratio to Hugo's cold build measured in the same run.

    python3 benchmarks/run.py [--sizes 500,10000] [--runs 3] [--only smbsite,floor,hugo,jekyll,pelican]
                              [--workdir /tmp/smbsite-bench] [--slow 180] [--serve-edits 5] [--baseline CHECKOUT]

For each size N: make_site.py --members N --articles N//10 into WORKDIR/N/site, the
repository's templates/ copied in, the Hugo/Jekyll/Pelican projects converted from
it; then rounds in which every tool runs once, the order rotated each round. Cold
builds and checks start a new process with output and caches removed; "smbsite warm"
edits one member and builds through the cache of its previous build; "smbsite
no-change" builds through a cache an untimed build of the same sources just filled;
"smbsite check edit" checks after an untimed check and a one-member edit; "smbsite
serve edit" times one member's edit until serve answers with the new page.
A tool whose first run takes longer than --slow seconds runs only once at that size.
Prints a table and the targets (met / not met) and writes benchmarks/RESULTS.md
(keeping its "## Where the time goes").
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
from report import fmt, render_report
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


def in_folder(env: dict, d: Path) -> dict:
    """A tool's environment with "{d}" (the size's work folder) filled in."""
    return {k: str(v).format(d=d) for k, v in env.items()}


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


def check_cache_args(smb: list, env: dict, kind: str = "") -> list:
    """check's own cache option pointed into the work folder, if this smbsite's check has one
    (a cold check gets a fresh one, not the user's cache directory)."""
    r = subprocess.run(smb + ["check", "--help"], capture_output=True, text=True, env={**os.environ, **env})
    return ["--cache-dir", "{d}/cache-check" + (f"-{kind}" if kind else "")] if "--cache-dir" in r.stdout else []


def tools(baseline: Path | None = None):
    smb, py, env = smbsite_argv(), sys.executable, {"PYTHONPATH": str(REPO)}
    through = lambda name: smb + ["build", "-s", "{d}/site", "-o", "{d}/out-" + name, "-q", "--cache-dir",
                                  "{d}/cache-" + name]
    check_warm = smb + ["check", "-s", "{d}/site", "-q"] + check_cache_args(smb, env)
    before = [] if baseline is None else [
        # cold as "smbsite build" is: its cache in the work folder, removed before every run (not the
        # user's cache directory, which a checkout with the cache outside the site would find warm)
        Tool("smbsite build (baseline)", "smbsite", [py, "-m", "smbsite", "build", "-s", "{d}/site", "-o",
                                                      "{d}/out-baseline", "-q", "--cache-dir", "{d}/cache-baseline"],
             ("out-baseline", "cache-baseline", "site/.smbsite-cache"), "out-baseline",
             {"PYTHONPATH": str(baseline.resolve())})]
    return before + [
        Tool("smbsite build", "smbsite", smb + ["build", "-s", "{d}/site", "-o", "{d}/out-smbsite", "-q",
                                                "--cache-dir", "{d}/cache-cold"],
             ("out-smbsite", "cache-cold", "site/.smbsite-cache"), "out-smbsite", env),
        Tool("smbsite warm", "smbsite", through("warm"), (), "out-warm", env,
             before=lambda d, argv: edit_one_member(d, argv, env, "cache-warm", "warm build")),
        # the build before it goes through the same cache with the same sources: nothing changed
        Tool("smbsite no-change", "smbsite", through("nochange"), (), "out-nochange", env,
             before=lambda d, argv: untimed(argv, env)),
        # check keeps its cache in the user's cache directory: each check tool gets its own, in the work
        # folder (the cold one removed before every run)
        Tool("smbsite check", "smbsite", smb + ["check", "-s", "{d}/site", "-q"] + check_cache_args(smb, env, "cold"),
             ("site/.smbsite-cache", "cache-check-cold", "xdg-check-cold"),
             env={**env, "XDG_CACHE_HOME": "{d}/xdg-check-cold"}),
        Tool("smbsite check edit", "smbsite", check_warm, (), env={**env, "XDG_CACHE_HOME": "{d}/xdg-check-edit"},
             before=lambda d, argv: prime_check(d, argv, in_folder(
                 {**env, "XDG_CACHE_HOME": "{d}/xdg-check-edit"}, d))),
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


def default_make_site() -> Path:
    """../shared/bench/make_site.py beside the repository (the main checkout's, from a git worktree)."""
    for root in (REPO, Path(subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute",
                                            "--git-common-dir"], capture_output=True, text=True).stdout.strip()
                            or REPO).parent):
        if (root.parent / "shared/bench/make_site.py").is_file():
            return root.parent / "shared/bench/make_site.py"
    return REPO.parent / "shared/bench/make_site.py"


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
        # the command before its subcommand: `smbsite`, or `python -m smbsite` for a baseline checkout
        cmd = next((tool.argv[:i] for i, a in enumerate(tool.argv) if a in ("build", "check", "serve")),
                   tool.argv[:len(smbsite_argv())])
        ok, err = first_line(cmd + ["--help"], tool.env)
        if ok is None:
            return "smbsite not runnable: " + (err.splitlines() or ["?"])[-1]
        if "--cache-dir" in tool.argv:
            r = subprocess.run(cmd + ["build", "--help"], capture_output=True,
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
    # caches of an earlier run may be another smbsite's: the first warm run of this one fills its own
    for cache in ("cache-warm", "cache-nochange", "cache-check", "cache-cold", "cache-check-cold"):
        shutil.rmtree(d / cache, ignore_errors=True)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="500,10000", help="member counts; articles = N//10")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=",".join(GROUPS), help="subset of " + ",".join(GROUPS))
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/smbsite-bench"))
    ap.add_argument("--slow", type=float, default=180, help="run a tool once per size if its first run exceeds this (s)")
    ap.add_argument("--make-site", type=Path, default=default_make_site())
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
    def interrupted(*_):
        raise KeyboardInterrupt  # so the edited member is put back below
    signal.signal(signal.SIGTERM, interrupted)
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
                        *run, code = run_measured(argv, log, in_folder(tool.env, d))
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
