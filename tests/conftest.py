"""Shared fixtures: small sites written into tmp_path, and the CLI run as a user runs it."""
from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from smbsite import api
from smbsite.model.fields import US_STATES

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-26"

# builds keep their caches in the user's cache directory: in tests, one of their own (the CLI's
# subprocesses inherit it), never the real one
TEST_CACHE_HOME = Path(tempfile.mkdtemp(prefix="smbsite-tests-cache-"))
os.environ["XDG_CACHE_HOME"] = str(TEST_CACHE_HOME)
atexit.register(shutil.rmtree, TEST_CACHE_HOME, True)

SITE_YAML = """\
title: Test Network
tagline: Testing, together
base_url: https://example.org/net/
language: en
timezone: America/Los_Angeles
membership_goal: 10
specialties:
  cabling: {label: Structured cabling, description: Network drops}
  web-development: {label: Web development, description: Sites and shops}
  microsoft-crm: {label: Microsoft CRM, description: Dynamics CRM}
"""

MEMBER_YAML = """\
name: Acme Networks
summary: Cabling and web sites for small offices.
joined: 2024-05-01
city: Fresno
state: CA
serves: [NV]
specialties: [cabling, web-development]
vendors: [sonicwall]
website: https://acme.example.com
description: |
  We pull cable. See [joining](/join/).
"""

VENDOR_YAML = """\
name: Sonicwall
summary: Firewalls for small businesses.
benefits:
  - title: 20% off firewalls
    type: discount
    claim: Email the partner desk.
"""

EVENT_YAML = """\
title: Annual Conference
type: conference
starts: 2027-03-30
ends: 2027-04-01
location: {name: Hall, address: 1 Main St, city: Buena Park, state: CA}
sponsors: [sonicwall]
sessions:
  - {title: Opening, starts: 2027-03-30T09:00, ends: 2027-03-30T10:00, speakers: [Ann Lee]}
"""

# a second member, as a contributor's pull request would add it
NEW_MEMBER = """\
name: Basalt Data Works
summary: Backups and wireless for farms and packing houses.
joined: 2026-10-01
city: Yakima
state: WA
specialties: [cabling]
"""

ARTICLE_MD = """\
---
title: Hello members
date: 2026-10-01
author: Staff
summary: First post.
---
Welcome to the [directory](/members/).
"""

PAGE_MD = """\
---
title: Join
menu: 1
---
Join us.
"""


def as_json(value):
    """A YAML value as a JSON Schema validator in an editor sees it (dates are strings)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")


def base_files() -> dict[str, str]:
    return {
        "site.yaml": SITE_YAML,
        "members/acme-networks.yaml": MEMBER_YAML,
        "vendors/sonicwall.yaml": VENDOR_YAML,
        "events/annual-conference.yaml": EVENT_YAML,
        "content/articles/hello-members.md": ARTICLE_MD,
        "content/pages/join.md": PAGE_MD,
    }


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site({path: text, ...}, base=True, templates=True) -> site folder in tmp_path.

    With base=True the files are laid over a small valid site; a value of None
    deletes that base file. Templates are copied from the repository.
    """
    counter = {"n": 0}

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True, templates: bool = True) -> Path:
        counter["n"] += 1
        root = tmp_path / f"site{counter['n']}"
        root.mkdir()
        merged: dict = dict(base_files()) if base else {}
        for k, v in (files or {}).items():
            if v is None:
                merged.pop(k, None)
            else:
                merged[k] = v
        write_files(root, merged)
        if templates:
            shutil.copytree(REPO / "templates", root / "templates")
        return root

    return make


def build_ok(make_site, files: dict | None = None) -> Path:
    """Build a fixture site (the base files plus `files`) into its output/; it must build clean."""
    from smbsite import api

    site = make_site(files or {})
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF)
    assert result.ok, [str(p) for p in result.problems]
    return out


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `smbsite ARGS` as a user would (a subprocess of this Python)."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "smbsite", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


# --- browsers, served sites and other helpers shared by several test files ------------------------

CHROMIUM = os.environ.get("SMBSITE_CHROMIUM", "/usr/bin/chromium")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


BASE_URL, BASE = "https://example.github.io/smbtn/", "/smbtn/"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require(ok: bool, reason: str) -> None:
    """Skip locally when a tool is missing; in CI a missing tool is a failure, never a skip."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


def node_file(package_path: str) -> Path | None:
    """A file of an npm package, from $SMBSITE_NODE_MODULES or .ci/node (where .ci/run installs them)."""
    dirs = [os.environ.get("SMBSITE_NODE_MODULES", ""), str(REPO / ".ci" / "node" / "node_modules")]
    for d in dirs:
        if d and (Path(d) / package_path).is_file():
            return Path(d) / package_path
    return None


def need_vnu() -> list[str]:
    jar = node_file("vnu-jar/build/dist/vnu.jar")
    java = shutil.which("java")
    require(jar is not None, "the W3C Nu checker (npm vnu-jar) is not installed: "
                             "npm install --prefix .ci/node vnu-jar")
    require(java is not None, "java is not installed (apt-get install default-jre-headless)")
    return [java, "-jar", str(jar)]


def need_axe() -> Path:
    axe = node_file("axe-core/axe.min.js")
    require(axe is not None, "axe-core is not installed: npm install --prefix .ci/node axe-core")
    return axe


def axe_violations(pg, axe: Path, label: str) -> list[str]:
    """axe-core's WCAG 2.2 and best-practice findings on the page pg shows, one line each, headed by label."""
    pg.add_script_tag(path=str(axe))
    res = pg.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)
    return [f"{label}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in res["violations"]]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Served:
    """OUT served by a threaded http.server on 127.0.0.1, as /smbtn/... like GitHub Pages would."""

    def __init__(self, root: Path):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, site_path: str) -> str:
        return self.origin + BASE + site_path.lstrip("/")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def build_under_base(src: Path, root: Path) -> Path:
    out = root / BASE.strip("/")
    result = api.build(src, out, as_of=AS_OF, base_url=BASE_URL)
    assert result.ok, [str(p) for p in result.problems]
    return out


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    out = build_under_base(REPO, root)
    served = Served(root)
    served.out = out
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the Python package playwright is not installed (pip install -e '.[test]')")
    require(Path(CHROMIUM).is_file(), f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def watch_errors(pg) -> list[str]:
    """The script errors and console errors the page will log, as they come."""
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


# the contrast of two CSS colours as WCAG 2 computes it, for page.evaluate: rgb(), lum(), ratio()
CONTRAST_JS = """
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + .05) / (y + .05); };
"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = watch_errors(pg)
    yield pg
    context.close()
    assert errors == [], "the page logged errors"


def expected(members: list[dict], specialty: str = "", state: str = "", vendor: str = "") -> list[str]:
    """What the finder must show, computed independently from members.json."""
    st = state.upper()
    found = [m for m in members if m["partnering"] is not False
             and (not specialty or specialty in m["specialties"])
             and (not vendor or vendor in m["vendors"])
             and (not st or m["state"] == st or st in m["serves"] or "nationwide" in m["serves"])]
    return sorted(m["name"] for m in found)


def anywhere_only(members: list[dict], state: str, specialty: str = "", vendor: str = "") -> list[str]:
    """Of what the finder shows for a state, the members listed only because they work with
    clients anywhere: not counted as the state's own."""
    st = state.upper()
    rows = {m["name"]: m for m in members}
    return [name for name in expected(members, specialty, state, vendor)
            if rows[name]["state"] != st and st not in rows[name]["serves"]]


def shown(pg) -> list[str]:
    return sorted(pg.locator("#finder-list > li.card h3 a").all_inner_texts())


def query(pg) -> dict[str, list[str]]:
    return parse_qs(urlsplit(pg.url).query)


def big_site(root: Path, members: int) -> None:
    """A site large enough to split every long page: most names start with S."""
    from conftest import write_files
    import shutil
    files = {"site.yaml": SITE_YAML, "vendors/sonicwall.yaml": "name: Sonicwall\nsummary: Firewalls.\n"}
    states = sorted(s for s in US_STATES if len(s) == 2)[:51]
    for i in range(members):
        first = "Summit" if i % 3 else ["Acme", "Blue", "Cedar", "Delta"][i % 4]
        serves = "[nationwide]" if i % 97 == 0 else f"[{states[(i + 7) % 51]}, {states[(i + 13) % 51]}]"
        files[f"members/m{i:05d}.yaml"] = (
            f"name: {first} Systems {i:05d}\nsummary: Member number {i}, doing cabling and more.\n"
            f"joined: 2024-01-01\ncity: Springfield\nstate: {states[i % 51]}\nserves: {serves}\n"
            f"specialties: [cabling{', web-development' if i % 2 else ''}]\nvendors: [sonicwall]\n"
            f"partnering: {'false' if i % 41 == 5 else 'true'}\n")
    write_files(root, files)
    shutil.copytree(REPO / "templates", root / "templates")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, follow: bool = True) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def stop_process(proc) -> None:
    """Ask a server started by a test to stop (SIGTERM, as Ctrl-C would), and kill it if it does not."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def tree(root: Path) -> dict[str, str]:
    """Every file (and empty folder) under root with the hash of its bytes."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "link:" + str(p.readlink())
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir() and not any(p.iterdir()):
            out[rel + "/"] = "empty"
    return out


def layers() -> list[list[str]]:
    """The layers contract of .importlinter, highest first: each layer's names without 'smbsite.'."""
    import configparser
    config = configparser.ConfigParser()
    config.read(REPO / ".importlinter", encoding="utf-8")
    [stages] = [s for s in config.sections() if config[s].get("type") == "layers"]
    rows = [row.strip() for row in config[stages]["layers"].splitlines() if row.strip()]
    return [[name.strip().removeprefix("smbsite.") for name in row.replace(":", "|").split("|")] for row in rows]


def modules() -> dict[str, Path]:
    """Every module by its dotted name under smbsite ('reading.load'); a package's __init__
    holds only its docstring and is checked by test_import_contracts.py."""
    found = {}
    for p in sorted((REPO / "smbsite").rglob("*.py")):
        rel = p.relative_to(REPO / "smbsite").with_suffix("")
        if rel.parts[0] in {"theme", "starter"} or (len(rel.parts) > 1 and rel.name == "__init__"):
            continue
        found[".".join(rel.parts)] = p
    return found
