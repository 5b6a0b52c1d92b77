"""`citebot` loads only what the command given needs (the time is measured in
benchmarks/cli_startup.py, not here)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from citebot.cli.main import parser
from citebot.index.embed.embedder import Embedder
from tests.cli.conftest import with_model
from tests.conftest import CORPUS

SERVERS = {"fastapi", "starlette", "uvicorn", "telegram"}
MODEL_LIBRARIES = {"torch", "transformers", "sentence_transformers"}
# The entry point, then the modules loaded by the end of the command.
PROBE = """import sys
from citebot.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:  # --help
    code = e.code
print("LOADED", *sorted(sys.modules), file=sys.stderr)
sys.exit(code)
"""


def loaded(args: list[str], data: Path) -> set[str]:
    """The top-level packages (and llama-index's parts: its namespace package ``llama_index``
    is empty) that ``citebot ARGS`` has loaded when it ends."""
    env = os.environ | {"CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(CORPUS)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode in (0, 3, 4, 5, 6), done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED "))
    names = line.split()[1:]
    return {n.split(".")[0] for n in names} - {"llama_index"} | {
        n for n in names if n.startswith("llama_index.")}


@pytest.mark.parametrize(("args", "used"), [
    (["ask", "Who summoned the Chinese ambassador?"], {"chromadb", "onnxruntime"}),
    # a quote found word for word is found by BM25; the model is not needed
    (["verify", "The Chinese side has never provided lethal weapons"], {"chromadb", "bm25s"}),
])
def test_ask_and_verify_load_no_torch_server_or_llama_index(
    sample_data: Path, args: list[str], used: set[str]
) -> None:
    modules = loaded(args, sample_data)
    assert used <= modules  # it did search the index
    assert not modules & (SERVERS | MODEL_LIBRARIES | {"llama_index.core"})


def test_ingest_loads_no_server(tmp_path: Path, embedder: Embedder) -> None:
    modules = loaded(["ingest", str(CORPUS)], with_model(tmp_path, embedder))
    assert "chromadb" in modules and not modules & SERVERS


def test_help_loads_neither_the_index_nor_the_model(tmp_path: Path) -> None:
    modules = loaded(["--help"], tmp_path)
    assert not modules & {"chromadb", "onnxruntime", "numpy", "bm25s", "llama_index.core"}
    assert not modules & (SERVERS | MODEL_LIBRARIES)


def test_the_help_without_loading_the_commands_is_the_full_help() -> None:
    # `citebot --help` lists every command from main's table, without importing them
    assert parser("").format_help() == parser().format_help()
