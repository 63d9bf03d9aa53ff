"""The command line: a thin shell over the library (smbsite.api).

Each command imports the stages it runs when it runs: `smbsite --help`, `--version` and a
command's --help load click and nothing heavier (pydantic, Jinja, markdown-it, Pillow).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import click

SRC = click.option("-s", "--source", "src", default=".", show_default=True,
                   type=click.Path(file_okay=False, path_type=Path), help="The site folder.")


def _usage(exc: Exception) -> None:
    click.echo(f"smbsite: {exc}", err=True)
    sys.exit(2)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version, as click.version_option prints it; the version is looked up only when asked for."""
    if not value or ctx.resilient_parsing:
        return
    from ..core.version import VERSION
    click.echo(f"smbsite, version {VERSION}")
    ctx.exit()


class ScaffoldKinds(click.Choice):
    """The kinds `smbsite new` writes, read from the registry (which loads the content model)
    only when `new` parses its arguments or shows its help."""

    def __init__(self) -> None:
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from ..model.kinds import scaffold_kinds
        return scaffold_kinds()

    @choices.setter
    def choices(self, value: object) -> None:
        pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
def main() -> None:
    """Build the website of a member association from YAML records and Markdown."""


@main.command("build")
@SRC
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="Output folder [default: SRC/output].")
@click.option("--base-url", help="Override site.yaml's base_url (e.g. for a preview deployment).")
@click.option("--drafts", is_flag=True, help="Include articles and pages marked draft: true.")
@click.option("--as-of", help="The build date (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else today].")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep rendered pages, resized logos and drawn cards here between builds "
                   "[default: the site's own folder in the user's cache directory, $XDG_CACHE_HOME/smbsite].")
@click.option("--no-cache", is_flag=True, help="Render every page and make every image afresh; keep none (same output bytes).")
def build_cmd(src: Path, out: Path | None, base_url: str | None, drafts: bool, as_of: str | None,
              strict: bool, quiet: bool, cache_dir: Path | None, no_cache: bool) -> None:
    """Build the site into OUT. Pages whose inputs did not change since the last build are
    taken from the cache; the output is the same as a build without it."""
    from ..api import UsageError, build
    from ..core.report import Reporter
    reporter = Reporter(quiet=quiet)
    if no_cache and cache_dir is not None:
        _usage(UsageError("--cache-dir and --no-cache exclude each other"))
    cache: Path | bool = False if no_cache else (cache_dir if cache_dir is not None else True)
    try:
        result = build(src, out, as_of=as_of, drafts=drafts, base_url=base_url, strict=strict, reporter=reporter,
                       cache=cache)
    except UsageError as exc:
        reporter.clear_progress()
        _usage(exc)
    reporter.clear_progress()
    reporter.problems(result.problems)
    if not result.ok:
        n = len(result.errors) or len(result.warnings)
        what = "error" if result.errors else "warning"
        click.echo(f"{n} {what}{'s' if n != 1 else ''}; nothing was written", err=True)
        sys.exit(1)
    assert result.graph is not None
    reporter.summary(result.graph.kinds(), result.files_written, result.ms, str(result.out), len(result.warnings))


@main.command("check")
@SRC
@click.option("--format", "fmt", type=click.Choice(["text", "github", "markdown"]), default="text",
              show_default=True, help="github prints workflow annotations (::error file=…,line=…::…); markdown "
                                      "a table of every problem, for a job summary ($GITHUB_STEP_SUMMARY).")
@click.option("--as-of", help="The date to check against [default: SOURCE_DATE_EPOCH, else today].")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--no-cache", is_flag=True, help="Read and render everything afresh instead of reusing what the "
                                                "site's build cache kept from earlier checks.")
def check_cmd(src: Path, fmt: str, as_of: str | None, strict: bool, quiet: bool, no_cache: bool) -> None:
    """Validate every record, page and link and render every page as build would; write nothing."""
    from ..core.report import Reporter
    reporter = Reporter(fmt=fmt, quiet=quiet)
    result = None if no_cache else _unchanged_check(src, as_of, strict)
    if result is None:
        from ..api import UsageError, check
        try:
            result = check(src, as_of=as_of, strict=strict, cache=not no_cache)
        except UsageError as exc:
            _usage(exc)
    if fmt == "markdown":
        from ..core.report import markdown_report
        click.echo(markdown_report(result.problems, result.ok), nl=False)
        sys.exit(0 if result.ok else 1)
    reporter.problems(result.problems)
    n_err, n_warn = len(result.errors), len(result.warnings)
    if not quiet and fmt == "text":
        pages = result.pages
        status = "ok" if result.ok else "failed"
        click.echo(f"check {status}: {n_err} error{'s' if n_err != 1 else ''}, "
                   f"{n_warn} warning{'s' if n_warn != 1 else ''}, {pages} pages ({result.ms:.0f} ms)", err=True)
    sys.exit(0 if result.ok else 1)


def _unchanged_check(src: Path, as_of: str | None, strict: bool) -> Any:
    """The last check's answer when nothing changed since (core/check_memo.py), before the stages
    and their libraries are imported; None when there is none to give."""
    import time
    from ..core import check_memo
    from ..core.cache_folder import CacheFolder, CacheRefused, default_folder
    from ..core.store import open_store
    start = time.perf_counter()
    if not (src / "site.yaml").is_file() or (as_of is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of)):
        return None  # (the library says what is wrong)
    options = (as_of, True)
    try:
        folder = CacheFolder.open(default_folder(src), src)
    except (CacheRefused, OSError):
        return None
    db = open_store(folder)
    try:
        known = check_memo.remembered(db, check_memo.Inputs(src, options), options)
    finally:
        if db is not None:
            db.close()
        folder.close()
    if known is None:
        return None
    from ..core.result import Result
    return Result(known[0], None, 0, (time.perf_counter() - start) * 1000, strict=strict, pages=known[1])


@main.command("serve")
@SRC
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--drafts", is_flag=True, help="Include articles and pages marked draft: true.")
@click.option("--as-of", help="The build date (YYYY-MM-DD) [default: SOURCE_DATE_EPOCH, else today].")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems (no address, no rebuild lines).")
def serve_cmd(src: Path, port: int, bind: str, drafts: bool, as_of: str | None, quiet: bool) -> None:
    """Build, serve on loopback, rebuild on change and reload the browser."""
    from ..core.problems import UsageError
    from ..server.serve import serve
    try:
        serve(src, port=port, bind=bind, drafts=drafts, as_of=as_of, quiet=quiet)
    except UsageError as exc:
        _usage(exc)


@main.command("new")
@click.argument("kind", type=ScaffoldKinds())
@click.argument("name")
@SRC
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the file is written.")
def new_cmd(kind: str, name: str, src: Path, quiet: bool) -> None:
    """Write a commented record to fill in, e.g. smbsite new member "Acme IT"."""
    from ..core.problems import UsageError
    from .scaffold import new_record
    try:
        path = new_record(src, kind, name)
    except UsageError as exc:
        _usage(exc)
    if not quiet:
        click.echo(f"wrote {path}: fill in every REPLACE ME, then run smbsite check")


@main.command("init")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--requirement", metavar="REQ",
              help="What the site's workflows install, e.g. 'smbsite==0.2.0' or "
                   "'smbsite @ git+https://github.com/OWNER/REPO@v0.2.0' [default: the smbsite running, as it "
                   "was installed].")
@click.option("--refresh", is_flag=True,
              help="In an existing site, rewrite the workflows, the pull-request template and CONTRIBUTING.md "
                   "as this smbsite writes them, and show what changed. Records, content, settings and "
                   "templates are left alone.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the site is written.")
def init_cmd(directory: Path, requirement: str | None, refresh: bool, quiet: bool) -> None:
    """Start a new association site in DIR (created; an existing DIR must be empty).

    Writes a commented site.yaml, one example member, vendor, event, article and
    page, the JSON Schemas, the GitHub workflows that check pull requests and
    publish to GitHub Pages, CONTRIBUTING.md, a README and a .gitignore. The site
    builds as it is: try smbsite serve -s DIR.

    pyproject.toml names the smbsite the workflows install: this one, as it was
    installed (smbsite==X.Y.Z from PyPI, or its git URL at the installed commit).
    Installed from a local folder, smbsite cannot name itself: give --requirement.
    """
    from .newsite import init_site, refresh_site
    from ..core.problems import UsageError
    if refresh:
        if requirement is not None:
            _usage(UsageError("--refresh leaves pyproject.toml alone: to move to another smbsite, change the "
                              "requirement there"))
        try:
            changed = refresh_site(directory)
        except UsageError as exc:
            _usage(exc)
        _show_refresh(directory, changed, quiet)
        return
    try:
        written = init_site(directory, requirement)
    except UsageError as exc:
        _usage(exc)
    if not quiet:
        click.echo(f"wrote {len(written)} files into {directory}: read its README.md, then run "
                   f"smbsite serve -s {directory}")


def _show_refresh(site: Path, changed: list[tuple[str, str, str]], quiet: bool) -> None:
    import difflib
    if quiet:
        return
    for rel, old, new in changed:
        click.echo("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                                f"a/{rel}", f"b/{rel}")), nl=False)
    if changed:
        click.echo(f"refreshed {len(changed)} file{'s' if len(changed) != 1 else ''} in {site} "
                   f"({', '.join(rel for rel, _, _ in changed)}): review the changes above, then commit them",
                   err=True)
    else:
        click.echo(f"{site}: the workflows, pull-request template and CONTRIBUTING.md are up to date", err=True)


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown suits a pull request's job summary ($GITHUB_STEP_SUMMARY).")
@click.option("--title", default="Site changes", show_default=True, help="Heading of the markdown report.")
@click.option("--link-prefix", metavar="URL",
              help="In the markdown report, link each page to URL + its path (where a preview is served).")
def diff_cmd(old: Path, new: Path, fmt: str, title: str, link_prefix: str | None) -> None:
    """List the pages build NEW adds, removes and changes compared with build OLD."""
    from .diff import diff_outputs, format_markdown, format_text
    from ..core.problems import UsageError
    if link_prefix is not None and not link_prefix.startswith(("http://", "https://")):
        _usage(UsageError(f"--link-prefix must be absolute (http://…), not {link_prefix!r}"))
    result = diff_outputs(old, new)
    for skipped in result.skipped:
        click.echo(f"smbsite: warning: {skipped}", err=True)
    click.echo(format_markdown(result, title, link_prefix) if fmt == "markdown" else format_text(result), nl=False)


@main.command("schema")
@SRC
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when a schema is out of date.")
@click.option("-q", "--quiet", is_flag=True, help="Print only schemas that are out of date.")
def schema_cmd(src: Path, check_only: bool, quiet: bool) -> None:
    """Write the JSON Schemas of the records into SRC/schemas/ (editors autocomplete from them)."""
    from ..core.problems import no_site_yaml
    from ..model.schema import stale_schemas, write_schemas
    if not (src / "site.yaml").is_file():
        _usage(no_site_yaml(src, "schema"))
    if check_only:
        stale = stale_schemas(src)
        for rel in stale:
            click.echo(f"{rel}: out of date with the content model; run smbsite schema", err=True)
        sys.exit(1 if stale else 0)
    written = write_schemas(src)
    if quiet:
        return
    for rel in written:
        click.echo(f"wrote {rel}")
    if not written:
        click.echo("the schemas in schemas/ are up to date")


def run() -> None:
    """The console script: the CLI, then an exit that skips interpreter teardown.

    Freeing a 10,000-member model object by object takes half a second that
    nobody waits for gladly; the output is flushed and every file is closed by then.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
