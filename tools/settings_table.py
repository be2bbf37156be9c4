"""Print the reference table of every narration setting, from the one schema.

    python tools/settings_table.py            # the Markdown table docs/settings.md holds
    python tools/settings_table.py --write    # rewrite that table in docs/settings.md

A test checks that docs/settings.md holds exactly this table, so the reference never
drifts from the code (narrate/pipeline/settings.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "settings.md"
BEGIN, END = "<!-- settings table: begin -->", "<!-- settings table: end -->"


def table() -> str:
    from narrate.pipeline.settings import Settings, bounds, choices_of, flag_of

    rows = [
        "| feed.toml `[narration]` key | command-line option | default | values | what it does |",
        "|---|---|---|---|---|",
    ]
    for name, info in Settings.model_fields.items():
        flag = flag_of(name)
        option = f"`{flag}` / `--no-{flag[2:]}`" if info.annotation is bool else f"`{flag}`"
        shown = str(info.default).lower() if isinstance(info.default, bool) else info.default
        default = "—" if info.default is None else f"`{shown}`"
        choices = choices_of(info.annotation)
        low, high = bounds(info)
        if choices:
            kind = ", ".join(f"`{c}`" for c in choices)
        elif info.annotation is bool:
            kind = "`true`, `false`"
        elif low is not None:
            kind = f"{low} to {high}"
        elif "float" in str(info.annotation):
            kind = "a number"
        elif "Path" in str(info.annotation):
            kind = "a file (in feed.toml: relative to the feed folder)"
        else:
            kind = "text"
        rows.append(f"| `{name}` | {option} | {default} | {kind} | {info.description} |")
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in the doc")
    args = parser.parse_args()
    if not args.write:
        print(table(), end="")
        return
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{table()}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
