"""Print a pip constraints file pinning every dependency of pyproject.toml to its lower bound.

CI installs smbsite with it in a second environment and runs the tests there, so
a lower bound in pyproject.toml is a version that really passes.
"""
import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
for requirement in project["project"]["dependencies"]:
    m = re.fullmatch(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)", requirement.strip())
    if m is None:
        sys.exit(f"pyproject.toml: {requirement!r} has no lower bound of the form NAME>=VERSION")
    print(f"{m.group(1)}=={m.group(3)}")
