"""The distribution: a free name on PyPI, and every data file of the package in the wheel."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_data_file_of_the_package_is_declared_for_the_wheel():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["narrate"]
    package = ROOT / "narrate"
    missing = [
        str(path.relative_to(package))
        for path in package.rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and "__pycache__" not in path.parts
        and not any(fnmatch.fnmatch(str(path.relative_to(package)), p) for p in patterns)
    ]
    assert missing == [], f"not in [tool.setuptools.package-data]: {missing}"


def test_the_distribution_is_not_named_like_someone_elses():
    """`narrate` on PyPI is an unrelated program: ours is narrate-news (the command and the
    import stay `narrate`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "narrate-news"
    assert project["scripts"] == {"narrate": "narrate.__main__:main"}
    extras = " ".join(" ".join(v) for v in project["optional-dependencies"].values())
    assert "narrate[" not in extras
