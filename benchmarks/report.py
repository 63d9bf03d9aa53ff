"""The runner's report: the table, the ratios to Hugo, and the targets met or not met (see run.py)."""
import os
import statistics

def fmt(x, spec=".2f"):
    return "–" if x is None else format(x, spec)


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
    out += ["", "Met / not met is judged on wall time; on a busy machine the CPU ratio beside it is the steadier "
            "figure."] if max(load, os.getloadavg()[0]) > BUSY_LOAD else []
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
            "- Peak memory targets are judged on the PSS summed over the tool's processes (forked workers "
            "included, sampled every 20 ms), or on the largest single process (ru_maxrss) if that is higher.",
            "- `floor (2 jobs)`'s memory: *largest* is one of its processes; the tree columns sum both workers.",
            f"- A tool whose first run took more than {a.slow:.0f} s ran once at that size (see `runs`).",
            "- Every edit (warm build, check edit, serve edit) changes the summary of the same member, the "
            "first member file; it is put back when the runner ends.",
            "- check " + ("takes `--cache-dir`: `smbsite check edit` runs through its own cache." if a.check_has_cache
                          else "takes no `--cache-dir` in this smbsite: `smbsite check edit` is a check after an "
                          "untimed check, which is warm only if check keeps a cache of its own by default; compare "
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


def cpu_median(results, n, tool):
    runs = results.get((n, tool), {}).get("runs")
    return statistics.median(r[2] for r in runs) if runs and runs[0][2] is not None else None


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
        cpu = cpu_median(results, n, tool), cpu_median(results, n, "hugo")
        cpu = f"; CPU {cpu[0] / cpu[1]:.3f}×" if None not in cpu else ""
        checks.append((f"{tool} ≤ {factor} × Hugo", f"{ratio:.3f}× ({med[(n, tool)]:.3f} s vs {hugo:.2f} s{cpu}){note}",
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
                checks.append((f"{tool} peak memory ≤ {MEMORY_LIMIT_MB[n]} MB ({limit:.0f} MiB)",
                               f"{peak:.0f} MiB (PSS sum {pss:.0f}, largest {largest:.0f}, RSS sum "
                               f"{max(r[3] for r in runs):.0f}; {max(r[5] for r in runs)} process(es))",
                               peak <= limit))
    return ["", f"## Targets at {n} members + {n // 10} articles", "", "| target | measured | met |", "|---|---|---|"] + \
        [f"| {t} | {m} | {'–' if ok is None else 'met' if ok else '**not met**'} |" for t, m, ok in checks]
