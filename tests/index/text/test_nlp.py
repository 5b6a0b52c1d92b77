"""spaCy loads without PyTorch, and torch stays importable for whoever needs it.

Each check runs in a fresh interpreter: the test process may have imported torch already.
"""

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_both_pipelines_load_without_torch_and_torch_still_imports_afterwards() -> None:
    out = _run("""
        import sys
        from citebot.index.text.entities import find
        from citebot.index.verify.parsed import pipeline
        (ents,) = find(["Volodymyr Zelensky spoke in Kyiv on Tuesday."])
        assert [e.label for e in ents] == ["PERSON", "GPE", "DATE"], ents
        assert [t.dep_ for t in pipeline()("Zelensky spoke.")][0] == "nsubj"
        print("torch" in sys.modules, sys.modules["thinc.compat"].has_torch)
        import torch
        print(int(torch.ones(2).sum()))
    """)
    assert out.split() == ["False", "False", "2"]


def test_the_installed_finder_lets_any_other_import_of_torch_through() -> None:
    # the finder stays installed after spaCy loads; an import of torch from anywhere but
    # thinc (the embedder's ONNX export) gets it
    out = _run("""
        import sys
        from citebot.index.text.nlp import load
        load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        assert "torch" not in sys.modules
        import torch
        print(int(torch.ones(3).sum()))
        print(sum(type(f).__name__ == "_NoTorchForThinc" for f in sys.meta_path))
        load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        print(sum(type(f).__name__ == "_NoTorchForThinc" for f in sys.meta_path))
    """)
    assert out.split() == ["3", "1", "1"]  # and installed once, however many loads
