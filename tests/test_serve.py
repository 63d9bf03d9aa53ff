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

from conftest import AS_OF


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


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(make_site):
    procs = []

    def start(files=None):
        site = make_site(files)
        port = free_port()
        env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([sys.executable, "-m", "smbsite", "serve", "-s", str(site), "--port", str(port),
                                 "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
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
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
