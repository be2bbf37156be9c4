"""The documentation: a README a newcomer reads in minutes, and a site that builds strictly
with a CLI reference generated from the commands themselves."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from narrate.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            found += commands(command, (*path, name))
    return found


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_readme_is_short_and_opens_with_its_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    assert blocks[0].strip().endswith("narrate article samples/kyiv-independent-austin.html")
    assert blocks[1].strip() == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && pytest"
    )
    for link in re.findall(r"\]\(((?:docs/)?[\w./-]+\.(?:md|png))\)", readme):
        assert (ROOT / link).is_file(), link


def test_every_command_the_readme_shows_exists_with_its_options():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {path[-1]: path for path in commands(cli) if path}
    for line in re.findall(r"^narrate [^\n#]*", readme, re.M):
        words = line.replace("\\", " ").split()
        path: tuple[str, ...] = ()
        for word in words[1:]:
            group = command_at(path)
            if isinstance(group, click.Group) and word in group.commands:
                path = (*path, word)
            elif isinstance(group, click.Group) and "serve" in group.commands:
                path = (*path, "serve")  # `narrate api FOLDER` is `narrate api serve FOLDER`
                break
            else:
                break
        assert path and path[-1] in names, line
        known = {opt for p in command_at(path).params for opt in p.opts + p.secondary_opts}
        for option in re.findall(r"(?<!\S)(--?[a-z][\w-]*)", line):
            assert option in known, f"{line}: {option}"


MKDOCS = shutil.which("mkdocs") or str(Path(sys.prefix) / "bin" / "mkdocs")


@pytest.mark.skipif(not Path(MKDOCS).exists(), reason="mkdocs missing: pip install '.[docs]'")
def test_the_site_builds_strictly_and_its_cli_reference_has_every_command_and_option(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    reference = html.unescape((site / "cli" / "index.html").read_text(encoding="utf-8"))
    missing = []
    for path in commands(cli):
        command = command_at(path)
        if command.hidden:
            continue
        if path and f"narrate {' '.join(path)}" not in reference:
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for option in param.opts + param.secondary_opts:
                    if option not in reference:
                        missing.append(f"{' '.join(path)} {option}")
    assert missing == []
