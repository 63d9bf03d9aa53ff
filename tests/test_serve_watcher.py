"""The dev server's file watcher reacts to sources, not to the scratch files editors and tools leave around."""
from __future__ import annotations

import io
import subprocess
import threading

import pytest

from conftest import AS_OF
from smbsite.server.serve import DevServer, scratch_file
from conftest import wait_for

SCRATCH = ["acme-networks.yaml.swp", ".acme-networks.yaml.swx", "acme-networks.yaml.swo", "acme-networks.yaml~",
           ".#acme-networks.yaml", "#acme-networks.yaml#", "sedxOPJpz", "sed4Kq9Zt", "4913",
           "acme-networks.yaml.tmp", "acme-networks.yaml___jb_tmp___"]


@pytest.mark.parametrize("name", SCRATCH)
def test_scratch_names_are_recognised(name):
    assert scratch_file(name)


@pytest.mark.parametrize("name", ["acme-networks.yaml", "sedona-networks.yaml", "sedona-logo.png", "seds.yaml",
                                  "14913.yaml", "join.md", "logo.svg"])
def test_source_names_are_not_scratch(name):
    assert not scratch_file(name)


class Log(io.StringIO):
    """What the server prints, with a way to wait for a line."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def lines(self) -> list[str]:
        with self.lock:
            return self.getvalue().splitlines()


@pytest.fixture
def server(make_site):
    site = make_site()
    log = Log()
    dev = DevServer(site, "127.0.0.1", 0, as_of=AS_OF, out=log)
    dev.start()
    yield site, dev, log
    dev.shutdown()


def rebuild_lines(log: Log) -> list[str]:
    return [line for line in log.lines() if " rebuild in " in line]


def test_editor_scratch_files_trigger_no_rebuild(server):
    site, dev, log = server
    members = site / "members"
    generation = dev.site.generation
    for name in SCRATCH:
        (members / name).write_text("scratch\n")
    for name in SCRATCH:
        (members / name).unlink()
    # then a real save; everything before it has been seen by the time its line is printed
    record = members / "acme-networks.yaml"
    record.write_text(record.read_text().replace("Fresno", "Visalia"))
    wait_for(lambda: rebuild_lines(log), what="the rebuild line")
    lines = rebuild_lines(log)
    assert len(lines) == 1 and lines[0].startswith("members/acme-networks.yaml: fast rebuild in "), lines
    assert dev.site.generation == generation + 1
    assert not any(name in "\n".join(log.lines()) for name in SCRATCH)


def test_sed_in_place_edit_is_one_fast_rebuild_of_the_record(server):
    site, dev, log = server
    subprocess.run(["sed", "-i", "s/Fresno/Visalia/", str(site / "members" / "acme-networks.yaml")], check=True)
    wait_for(lambda: rebuild_lines(log), what="the rebuild line")
    assert rebuild_lines(log)[0].startswith("members/acme-networks.yaml: fast rebuild in ")
    assert len(rebuild_lines(log)) == 1 and "members/sed" not in "\n".join(log.lines())
    assert b"Visalia" in dev.site.render("/members/acme-networks/")


def test_vim_style_save_with_backup_and_write_test(server):
    site, dev, log = server
    members = site / "members"
    record = members / "acme-networks.yaml"
    text = record.read_text()
    (members / "4913").write_text("")  # vim checks it may create files here
    (members / "4913").unlink()
    (members / ".acme-networks.yaml.swp").write_text("swap")
    record.rename(members / "acme-networks.yaml~")  # backup, then a fresh file
    record.write_text(text.replace("Fresno", "Visalia"))
    (members / "acme-networks.yaml~").unlink()
    (members / ".acme-networks.yaml.swp").unlink()
    wait_for(lambda: b"Visalia" in (dev.site.render("/members/acme-networks/") or b""), what="the new text")
    lines = rebuild_lines(log)
    assert lines and all(line.startswith("members/acme-networks.yaml: ") for line in lines), lines
