"""The version of the installed smbsite, and how it was installed.

`pyproject.toml` is the one place the version is written; everything else reads
it from the installed distribution's metadata. This module sits below every
other, so that a module needing the version never imports the package itself
(which imports the whole public face and would make the imports circular).
"""
from __future__ import annotations

import json
from importlib import metadata

DISTRIBUTION = "smbsite"



def installed() -> metadata.Distribution | None:
    """The installed smbsite: the one an installer recorded (its INSTALLER file), not the `*.egg-info`
    a build leaves in a source folder, which Python finds first when it runs from there."""
    found = list(metadata.distributions(name=DISTRIBUTION))
    return next((d for d in found if d.read_text("INSTALLER") is not None), found[0] if found else None)


_dist = installed()
VERSION = _dist.version if _dist is not None else "0+unknown"  # "0+unknown": a checkout never installed


class NoRequirement(Exception):
    """How smbsite was installed gives nothing another machine could install (a local folder or file)."""


def direct_url() -> dict | None:
    """The installed distribution's PEP 610 record of where it came from; None when it came from an index."""
    dist = installed()
    if dist is None:
        raise NoRequirement("smbsite is not installed (it runs from a source folder)")
    text = dist.read_text("direct_url.json")
    return json.loads(text) if text else None


def install_requirement(origin: dict | None = None, version: str = VERSION) -> str:
    """The requirement that installs, on another machine, the smbsite installed here.

    From an index: `smbsite==VERSION`. From a version-control URL: that URL at the
    commit it was installed from. From a remote archive: that URL. From a local
    folder, an editable install or a local file, nothing: NoRequirement says why.
    """
    if origin is None:
        return f"{DISTRIBUTION}=={version}"
    url = str(origin.get("url", ""))
    if "vcs_info" in origin and url.startswith("file:"):  # a repository on this machine only
        raise NoRequirement(f"smbsite is installed from the git repository in the folder {url.removeprefix('file://')}")
    if "vcs_info" in origin:
        vcs = origin["vcs_info"]
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return f"{DISTRIBUTION} @ {vcs.get('vcs', 'git')}+{url}" + (f"@{commit}" if commit else "")
    if "archive_info" in origin and url.startswith(("https://", "http://")):
        return f"{DISTRIBUTION} @ {url}"
    where = url.removeprefix("file://") or "a local path"
    if origin.get("dir_info", {}).get("editable"):
        raise NoRequirement(f"smbsite is installed editable from the folder {where}")
    if "dir_info" in origin:
        raise NoRequirement(f"smbsite is installed from the folder {where}")
    raise NoRequirement(f"smbsite is installed from the file {where}")
