"""`smbsite serve` as a user runs it: a subprocess on a free loopback port, polled over HTTP."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import AS_OF, free_port, get, stop_process, wait_for

from smbsite.rendering.render import THEME


@pytest.fixture
def served(make_site):
    procs = []

    def start(files=None, how="absolute", templates=None):
        """Serve a fixture site: -s ABSOLUTE, from the site folder (no -s, or -s .), or -s NAME from its parent."""
        site = make_site(files)
        for name, text in (templates or {}).items():
            (site / "templates" / name).write_text(text)
        port = free_port()
        env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
        where, cwd = {"absolute": (["-s", str(site)], None), "inside": ([], site),
                      "dot": (["-s", "."], site), "relative": (["-s", site.name], site.parent)}[how]
        proc = subprocess.Popen([sys.executable, "-m", "smbsite", "serve", *where, "--port", str(port),
                                 "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                                cwd=cwd)
        procs.append(proc)
        root = f"http://127.0.0.1:{port}"

        def status():
            try:
                return json.loads(get(root + "/__smbsite/status")[2])
            except (OSError, ValueError):
                return None

        wait_for(status, what="the server to answer")
        return site, root, proc, status

    yield start
    for proc in procs:
        stop_process(proc)


def test_serves_under_base_path_with_reload_script(served):
    site, root, proc, status = served()
    code, headers, _ = get(root + "/", follow=False)
    assert code == 302 and headers["Location"] == "/net/"
    code, headers, body = get(root + "/net/members/acme-networks/")
    assert code == 200 and headers["Content-Type"].startswith("text/html")
    assert b"Acme Networks" in body and b"/__smbsite/events" in body
    code, _, body = get(root + "/net/members.json")
    assert code == 200 and json.loads(body)["members"][0]["slug"] == "acme-networks"
    code, _, body = get(root + "/net/no-such-page/")
    assert code == 404 and b"/__smbsite/events" in body
    # the reload script is for served pages only: a build never contains it
    out = site / "output"
    subprocess.run([sys.executable, "-m", "smbsite", "build", "-s", str(site), "-q", "--as-of", AS_OF], check=True)
    assert all(b"__smbsite" not in p.read_bytes() for p in out.rglob("*.html"))


def test_edit_shows_up_and_errors_overlay_then_recover(served):
    site, root, proc, status = served()
    page = root + "/net/members/acme-networks/"
    gen0 = status()["generation"]
    member = site / "members" / "acme-networks.yaml"
    original = member.read_text()
    member.write_text(original.replace("Cabling and web sites for small offices.", "Fiber for every office."))
    wait_for(lambda: b"Fiber for every office." in get(page)[2], what="the edit to be served")
    assert status()["generation"] > gen0
    # list pages that show the summary are never stale
    assert b"Fiber for every office." in get(root + "/net/members/")[2]
    # a mistake: the server keeps running and shows the error with its position
    member.write_text(original.replace("state: CA", "state: XX"))
    st = wait_for(lambda: (s := status()) and s["errors"] and s, what="the error to be reported")
    assert st["errors"][0].startswith("members/acme-networks.yaml:5:8: error:")
    code, _, body = get(page)
    assert code == 200 and b'id="smbsite-errors"' in body and b"acme-networks.yaml:5:8" in body
    # fixing the file recovers by itself
    member.write_text(original)
    wait_for(lambda: not status()["errors"], what="recovery")
    assert b"smbsite-errors" not in get(page)[2]
    assert proc.poll() is None
    # the terminal got the same error, with its position
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert "members/acme-networks.yaml:5:8: error:" in proc.stderr.read()


@pytest.mark.parametrize("how", ["absolute", "inside", "dot", "relative"])
def test_edits_anywhere_in_the_site_are_served_however_serve_was_started(served, how):
    site, root, proc, status = served(how=how)
    member = site / "members" / "acme-networks.yaml"
    member.write_text(member.read_text().replace("Cabling and web sites for small offices.", "Fiber for every office."))
    wait_for(lambda: b"Fiber for every office." in get(root + "/net/members/acme-networks/")[2], what="a member edit")
    page = site / "content" / "pages" / "join.md"
    page.write_text(page.read_text() + "\nAsk the front desk about dues.\n")
    wait_for(lambda: b"Ask the front desk about dues." in get(root + "/net/join/")[2], what="a page edit")
    (site / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block main %}<p>Site-made page frame</p>{{ super() }}{% endblock %}')
    wait_for(lambda: b"Site-made page frame" in get(root + "/net/join/")[2], what="a template edit")
    out, err = stop(proc)
    assert "not under watched root" not in err and "Traceback" not in err


def test_added_and_deleted_files(served):
    site, root, proc, status = served()
    new = site / "members" / "zeta-cabling.yaml"
    new.write_text((site / "members" / "acme-networks.yaml").read_text().replace("Acme Networks", "Zeta Cabling")
                   .replace("acme.example.com", "zeta.example.com"))
    wait_for(lambda: get(root + "/net/members/zeta-cabling/")[0] == 200, what="the new member page")
    assert b"Zeta Cabling" in get(root + "/net/partners/cabling/")[2]
    new.unlink()
    wait_for(lambda: get(root + "/net/members/zeta-cabling/")[0] == 404, what="the deleted member page to go")
    assert b"Zeta Cabling" not in get(root + "/net/partners/cabling/")[2]


def test_events_stream_announces_rebuilds(served):
    site, root, proc, status = served()
    with urllib.request.urlopen(root + "/__smbsite/events", timeout=10) as stream:
        first = stream.readline().decode()
        assert first.startswith("data: ")
        stream.readline()
        (site / "content" / "pages" / "join.md").write_text("---\ntitle: Join now\nmenu: 1\n---\nJoin.\n")
        second = stream.readline().decode()
        assert second.startswith("data: ") and second != first


def test_sigterm_stops_cleanly(served):
    site, root, proc, status = served()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    out = proc.stdout.read()
    assert "Serving" in out and "stopping" in out


def test_changes_arriving_during_a_rebuild_are_not_lost(served):
    site, root, proc, status = served()
    member = (site / "members" / "acme-networks.yaml").read_text()
    # a burst of new files, each written while the previous one is being taken in
    for i in range(6):
        (site / "members" / f"burst-{i}.yaml").write_text(member.replace("Acme Networks", f"Burst Company {i}")
                                                      .replace("acme.example", f"burst-{i}.example"))
        time.sleep(0.015)
    (site / "members" / "acme-networks.yaml").write_text(member.replace("Fresno", "Visalia"))
    for i in range(6):
        wait_for(lambda i=i: get(root + f"/net/members/burst-{i}/")[0] == 200, what=f"burst-{i}")
    wait_for(lambda: b"Visalia" in get(root + "/net/members/acme-networks/")[2], what="the last edit")
    directory = get(root + "/net/members/")[2]
    assert all(f"Burst Company {i}".encode() in directory for i in range(6))


def test_ctrl_c_stops_cleanly(served):
    site, root, proc, status = served()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert "stopping" in proc.stdout.read()
    assert "Traceback" not in proc.stderr.read()


def raw_request(root: str, target: bytes, method: bytes = b"GET") -> tuple[bytes, dict[str, list[str]], bytes]:
    """Send one request line exactly as given; (status line, headers by lower-case name, body)."""
    host, port = root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(method + b" " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.decode("latin-1").partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, body


def test_request_bytes_never_reach_response_headers(served):
    site, root, proc, status = served()
    # an encoded line break outside the base path: the redirect keeps it encoded
    code, headers, _ = raw_request(root, b"/x%0d%0aSet-Cookie:%20pwned=1")
    assert code.startswith(b"HTTP/1.1 302")
    assert "set-cookie" not in headers
    assert headers["location"] == ["/net/x%0D%0ASet-Cookie:%20pwned=1"]
    # a non-ASCII path, encoded or sent as raw UTF-8 bytes, is answered with an encoded redirect
    for target in (b"/%E2%82%AC", "/€".encode()):
        code, headers, _ = raw_request(root, target)
        assert code.startswith(b"HTTP/1.1 302") and headers["location"] == ["/net/%E2%82%AC"]
    # under the base path: a 404 with the site's page, and redirects to folders stay encoded
    code, headers, body = raw_request(root, b"/net/%E2%82%AC%0d%0a/")
    assert code.startswith(b"HTTP/1.1 404") and b"/__smbsite/events" in body
    code, headers, _ = raw_request(root, b"/net/members/acme-networks")
    assert code.startswith(b"HTTP/1.1 302") and headers["location"] == ["/net/members/acme-networks/"]
    for target in (b"/net/%ff%fe", b"/net/\xff", b"/%00", b"//evil.example/", b"*"):
        code, headers, _ = raw_request(root, target)
        assert code.split()[1] in (b"302", b"404"), (target, code)
        assert all(loc.startswith("/net/") for loc in headers.get("location", [])), (target, headers)
    code, _, body = raw_request(root, b"/%E2%82%AC", method=b"HEAD")
    assert code.startswith(b"HTTP/1.1 302") and body == b""
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert "Traceback" not in proc.stderr.read() and "failed" not in proc.stdout.read()


def test_every_answer_forbids_content_sniffing(served):
    site, root, proc, status = served()
    targets = [b"/", b"/net/", b"/net/members.json", b"/net/no-such-page/", b"/net/static/style.css",
               b"/__smbsite/status", b"/x%0d%0a"]
    for target in targets:
        code, headers, _ = raw_request(root, target)
        assert headers.get("x-content-type-options") == ["nosniff"], (target, code)
    # answers http.server writes by itself (an unsupported method, a malformed request line)
    code, headers, _ = raw_request(root, b"/net/", method=b"POST")
    assert code.split()[1] == b"501" and headers.get("x-content-type-options") == ["nosniff"]
    host, port = root.removeprefix("http://").split(":")
    for line in (b"GET /net/ HTTP/1.x", b"GET /net/ HTTP/9.9", b"GARBAGE"):
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(line + b"\r\n\r\n")
            answer = s.recv(65536)
        assert answer.startswith(b"HTTP/1.1 4") or answer.startswith(b"HTTP/1.1 5"), (line, answer[:40])
        assert b"X-Content-Type-Options: nosniff" in answer, line
    with urllib.request.urlopen(root + "/__smbsite/events", timeout=10) as stream:
        assert stream.headers["X-Content-Type-Options"] == "nosniff"


SQUARE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" '
              b'fill="#08c"/></svg>')


def test_every_svg_is_served_with_a_policy_that_lets_nothing_run_or_load(served):
    from smbsite.server.serve import SVG_POLICY
    from conftest import SITE_YAML, MEMBER_YAML
    site, root, proc, status = served({"site.yaml": SITE_YAML + "logo: mark.svg\n", "mark.svg": SQUARE_SVG,
                                       "members/acme-networks.yaml": MEMBER_YAML + "logo: acme.svg\n",
                                       "members/acme.svg": SQUARE_SVG})
    assert SVG_POLICY == "default-src 'none'; style-src 'unsafe-inline'"
    for path in ("/net/members/acme-networks/logo.svg", "/net/logo.svg", "/net/favicon.svg"):
        code, headers, body = get(root + path)
        assert code == 200 and headers["Content-Type"].startswith("image/svg+xml"), path
        assert headers["Content-Security-Policy"] == SVG_POLICY, path
        assert b"<circle" in body
    code, headers, _ = get(root + "/net/members/acme-networks/")
    assert "Content-Security-Policy" not in headers  # pages keep their scripts (the finder, the reload)


PAGE_DIVIDES_BY_ZERO = """\
{% extends "base.html" %}
{% block main %}
<h1>{{ page_doc.title }}</h1>
<p>{{ 1/0 }}</p>
{% endblock %}
"""


def stop(proc) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    return proc.stdout.read(), proc.stderr.read()


@pytest.mark.parametrize("how", ["absolute", "inside", "relative"])
def test_render_error_in_a_template_is_a_problem_at_its_line(served, how):
    site, root, proc, status = served(how=how, templates={"page.html": PAGE_DIVIDES_BY_ZERO})
    code, _, body = get(root + "/net/join/")
    assert code == 500 and b'id="smbsite-errors"' in body
    expected = "templates/page.html:4:1: error: division by zero (while rendering /join/)"
    assert status()["errors"] and status()["errors"][0].startswith(expected)
    assert expected.encode() in body
    # a missing include is reported at its own line
    (site / "templates" / "page.html").write_text(PAGE_DIVIDES_BY_ZERO.replace("{{ 1/0 }}", '{% include "nav2.html" %}'))
    missing = "templates/page.html:4:1: error: template 'nav2.html' not found"
    wait_for(lambda: get(root + "/net/join/")[0] == 500 and any(e.startswith(missing) for e in status()["errors"]),
             what="the missing include to be reported")
    out, err = stop(proc)
    assert "Traceback" not in err and "failed" not in out
    assert expected in err and missing in err


def test_one_template_mistake_is_printed_once_however_many_pages_use_it(served):
    site, root, proc, status = served()
    base = site / "templates" / "base.html"  # the site's own copy of the theme's page frame, with a mistake
    base.write_text((THEME / "base.html").read_text() + "{% if %}\n")
    wanted = f"templates/base.html:{len(base.read_text().splitlines())}:1: error: "
    wait_for(lambda: status()["errors"] and status()["dirty"] == 0, what="the pages to be rendered")
    # every page fails the same way, whichever is asked for
    for page in ("/net/", "/net/join/", "/net/members/", "/net/events/", "/net/no-such-page/"):
        code, _, body = get(root + page)
        overlay = body.split(b'id="smbsite-errors"', 1)[1].split(b"</ul>", 1)[0]
        assert overlay.count(b"<li>") == 1 and wanted.encode() in overlay, page
    errors = status()["errors"]
    assert len(errors) == 1 and errors[0].startswith(wanted)
    out, err = stop(proc)
    assert [line for line in err.splitlines() if ": error: " in line] == errors
    assert sum("template error" in line for line in out.splitlines()) == 1, out


def test_a_folder_moved_out_of_the_site_is_gone_and_comes_back_when_moved_in(served, tmp_path):
    site, root, proc, status = served()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    member = root + "/net/members/acme-networks/"
    assert get(member)[0] == 200
    (site / "members").rename(elsewhere / "members")  # mv members /elsewhere
    wait_for(lambda: get(member)[0] == 404, what="the moved member's page to go")
    assert b"Acme Networks" not in get(root + "/net/members/")[2]
    assert b"Acme Networks" not in get(root + "/net/")[2]
    (elsewhere / "members").rename(site / "members")
    wait_for(lambda: get(member)[0] == 200, what="the member's page to come back")
    assert b"Acme Networks" in get(root + "/net/members/")[2]
    # a folder above a collection, moved away whole: the member's link to /join/ now points nowhere
    (site / "content").rename(elsewhere / "content")
    st = wait_for(lambda: (s := status()) and s["errors"] and s, what="the page's folder to go")
    assert st["errors"][0].startswith("members/acme-networks.yaml:11:")
    assert "link to /join/, a page that does not exist" in st["errors"][0]
    out, err = stop(proc)
    assert "Traceback" not in err and "Warning" not in err, err
