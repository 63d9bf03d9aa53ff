"""What every command offers: help on each option, -q where progress is printed, and a busy port explained."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import click
import pytest

from conftest import AS_OF
from smbsite.commands.cli import main
from conftest import free_port, get, wait_for

COMMANDS = sorted(main.commands.items())


@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_option_has_help_text(name, command):
    ctx = click.Context(command, info_name=name)
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option)]
    assert options
    missing = [p.opts[0] for p in options if not (p.help or "").strip()]
    assert missing == []
    # and the command says what it does
    assert (command.help or "").strip()


def test_the_group_options_have_help_text():
    ctx = click.Context(main, info_name="smbsite")
    assert all((p.help or "").strip() for p in main.get_params(ctx) if isinstance(p, click.Option))


@pytest.mark.parametrize("name", ["build", "check", "serve", "new", "schema"])
def test_commands_that_print_progress_take_quiet(name):
    opts = {o for p in main.commands[name].params if isinstance(p, click.Option) for o in p.opts}
    assert {"-q", "--quiet"} <= opts


def test_new_quiet_writes_the_file_silently(make_site, cli):
    site = make_site()
    res = cli("new", "member", "Quiet Cabling", "-s", str(site), "-q")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == ""
    assert (site / "members" / "quiet-cabling.yaml").is_file()


def test_schema_quiet_prints_nothing_when_it_writes(make_site, cli):
    site = make_site()
    res = cli("schema", "-s", str(site), "-q")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == ""
    assert (site / "schemas" / "member.schema.json").is_file()


def serve_proc(site, port, *extra):
    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "smbsite", "serve", "-s", str(site), "--port", str(port),
                             "--as-of", AS_OF, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)


def test_serve_quiet_prints_only_problems(make_site):
    broken = (make_site().joinpath("members", "acme-networks.yaml").read_text()
              .replace("state: CA", "state: Calif"))
    site = make_site({"members/zeta-networks.yaml": broken.replace("Acme Networks", "Zeta Networks")})
    port = free_port()
    proc = serve_proc(site, port, "-q")
    def answers():
        try:
            return get(f"http://127.0.0.1:{port}/__smbsite/status")[0] == 200
        except OSError:
            return False

    try:
        wait_for(answers, what="the server")
    except AssertionError:
        proc.kill()
        raise AssertionError(proc.communicate()[1])
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert out == ""  # no address, no "built in", no "stopping"
    assert err.splitlines() == [
        "members/zeta-networks.yaml:5:8: error: state: unknown US state code 'Calif' — did you mean 'CA' "
        "(California)?"]


def test_a_busy_port_suggests_another_with_port(make_site):
    site = make_site()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = serve_proc(site, port)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert out == ""
    assert f"cannot listen on 127.0.0.1:{port}" in err and "in use" in err
    assert f"smbsite serve --port {port + 1}" in err
    assert "Traceback" not in err
