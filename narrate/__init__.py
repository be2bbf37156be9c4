"""narrate: turn written journalism into listenable, podcast-ready audio.

The package reads like the pipeline, one sub-package per stage, each importing only the
stages before it and the shared modules at the top (`model`, `errors`, `files`, `cores`,
`ffmpeg`, and `pipeline`, which runs the stages in order):

    read (source → Article) → speech (→ Script) → voice (→ clips) → audio (→ episode file)
    → feed (many episodes → podcast) ; cli (the command line over all of it)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

__version__ = "0.1.0"

# Module paths from before the stages had packages, which the README's library examples used:
# they stay importable (`from narrate.extract import extract`) as the very same modules.
MOVED_MODULES = {
    "narrate.fetch": "narrate.read.fetch",
    "narrate.extract": "narrate.read.extract",
    "narrate.normalize": "narrate.speech.normalize",
    "narrate.script": "narrate.speech.script",
}


def _moved_to(name: str) -> str | None:
    for old, new in MOVED_MODULES.items():
        if name == old or name.startswith(old + "."):
            return new + name[len(old) :]
    return None


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path as the module at its new path (no second copy is made)."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if _moved_to(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(_moved_to(spec.name) or spec.name)
        self._specs[module.__name__] = module.__spec__  # the import system replaces it
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run (the module at the new path is imported): give it its own spec back."""
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)


if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _MovedModuleFinder())
