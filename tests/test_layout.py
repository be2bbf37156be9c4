"""The package's shape: one sub-package per stage, imports only ever pointing backwards."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "narrate"

# Stages in pipeline order; a module may import only its own stage, earlier ones and the
# shared modules. `pipeline` runs the stages; the feed and the command line come after it.
LAYERS = [
    {
        "narrate",
        "narrate.model",
        "narrate.errors",
        "narrate.files",
        "narrate.stopping",
        "narrate.cores",
        "narrate.ffmpeg",
        "narrate.languages",  # narrate's own words, read by the speech, audio and feed stages
    },
    {"narrate.read"},
    {"narrate.speech"},
    {"narrate.voice"},
    {"narrate.audio"},
    {"narrate.pipeline"},
    {"narrate.feed"},
    {"narrate.cli"},
    {"narrate.__main__"},
]


def module_name(path: Path) -> str:
    parts = ["narrate", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def imported_modules(name: str, modules: dict[str, Path]) -> set[str]:
    """Every narrate module NAME imports anywhere in its file: at the top, in functions and
    under TYPE_CHECKING alike."""
    tree = ast.parse(modules[name].read_text(encoding="utf-8"))
    package = name if is_package(name, modules) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.add(child if child in modules else source)
    return {target for target in found if target in modules}


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imported_modules(name, modules) - {name} for name in modules}


def layer_of(name: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if name in layer or any(name.startswith(f"{top}.") for top in layer if top != "narrate"):
            return rank
    raise AssertionError(f"{name} belongs to no stage: add it to LAYERS in {__file__}")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_few_modules_at_the_top() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 9, top


def test_the_import_graph_has_no_cycle() -> None:
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "narrate.voice.synth" in graph["narrate.pipeline.narrator"]  # in a function
    assert "narrate.audio.cover" in graph["narrate.feed.batch"]  # `from ..audio import cover`


def test_stages_import_only_earlier_stages() -> None:
    backwards = [
        f"{name} → {target}"
        for name, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(name)
    ]
    assert backwards == []


@pytest.mark.parametrize("name", [n for n in all_modules() if is_package(n, all_modules())])
def test_every_package_says_what_it_does(name: str) -> None:
    assert ast.get_docstring(ast.parse(all_modules()[name].read_text(encoding="utf-8")))


def test_the_public_api_is_narrates_top_names_loaded_when_used() -> None:
    import subprocess
    import sys

    import narrate

    for name in narrate.__all__:
        assert getattr(narrate, name) is not None, name
    with pytest.raises(ImportError):  # the old module paths went with 0.1's import hook
        importlib.import_module("narrate.extract")
    fresh = subprocess.run(
        [sys.executable, "-c", "import sys, narrate; print('narrate.pipeline' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fresh.stdout.strip() == "False"  # `import narrate` stays light


def test_the_commands_are_thin() -> None:
    """No function of the command line over 40 lines: the work is the pipeline's."""
    long = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 40:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert long == []


def test_engines_are_never_probed() -> None:
    """An engine's abilities are declared (voice/engines/base.py), never looked for."""
    probing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("getattr(engine", "inspect.signature", "hasattr(engine", "._processes"):
            if needle in text:
                probing.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert probing == []


def test_the_narration_entry_takes_a_settings_object() -> None:
    import inspect

    from narrate.pipeline import Narrator, narrate

    assert len(inspect.signature(Narrator.narrate).parameters) <= 5
    assert len(inspect.signature(narrate).parameters) <= 5
    assert "settings" in inspect.signature(narrate).parameters
