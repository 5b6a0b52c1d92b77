"""A store's layout mark: which embeddings and collection layout it holds, checked at open."""

from pathlib import Path
from typing import Any

import pytest

from citebot.index.errors import StoreMismatch
from citebot.index.settings import CoreSettings as Settings
from citebot.index.store.layout import FORMAT, check_layout, connect


def docs(tmp_path: Path, name: str = "kinds") -> Any:
    client = connect(Settings(data_dir=tmp_path))
    return client.get_or_create_collection(f"{name}_docs", embedding_function=None)


def add_one(collection: Any) -> None:
    collection.add(ids=["a.txt"], documents=["text"], embeddings=[[1.0]],
                   metadatas=[{"source": "a.txt", "hash": "h", "chars": 4, "chunks": 0}])


def test_an_empty_store_takes_the_kind_it_is_opened_with(tmp_path: Path) -> None:
    collection = docs(tmp_path)
    check_layout(collection, "kinds", "all-MiniLM-L6-v2 fp32")
    check_layout(collection, "kinds", "other-model fp32")  # still empty: it takes the new kind
    assert collection.metadata["citebot:embedding"] == "other-model fp32"
    assert collection.metadata["citebot:format"] == FORMAT


def test_a_store_refuses_embeddings_of_another_kind(tmp_path: Path) -> None:
    collection = docs(tmp_path)
    check_layout(collection, "kinds", "all-MiniLM-L6-v2 fp32")
    add_one(collection)
    check_layout(collection, "kinds", "all-MiniLM-L6-v2 fp32")  # the same kind: fine
    with pytest.raises(StoreMismatch, match="holds all-MiniLM-L6-v2 fp32 embeddings, but this "
                                            "run is configured for all-MiniLM-L6-v2 int8"):
        check_layout(collection, "kinds", "all-MiniLM-L6-v2 int8")
    other = docs(tmp_path, "kinds2")  # another collection may hold another kind
    check_layout(other, "kinds2", "all-MiniLM-L6-v2 int8")
    assert other.metadata["citebot:embedding"] == "all-MiniLM-L6-v2 int8"


def test_a_store_of_an_earlier_layout_is_refused_with_what_to_do(tmp_path: Path) -> None:
    collection = docs(tmp_path, "old")
    add_one(collection)
    collection.modify(metadata={"citebot:embedding": "model fp32"})  # layout 1 had no mark
    with pytest.raises(StoreMismatch, match="earlier citebot .layout 1.*ingest again"):
        check_layout(collection, "old", "model fp32")


def test_marking_keeps_the_other_metadata(tmp_path: Path) -> None:
    client = connect(Settings(data_dir=tmp_path))
    collection = client.get_or_create_collection(
        "kept_docs", embedding_function=None, metadata={"hnsw:space": "cosine", "mine": 1})
    check_layout(collection, "kept", "model fp32")
    assert collection.metadata["mine"] == 1
    assert collection.metadata["citebot:embedding"] == "model fp32"
