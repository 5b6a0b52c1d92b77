"""A store's layout: how citebot connects to Chroma, and which embeddings and collection
layout a store holds (recorded on its docs collection, checked at every open)."""

from typing import Any

from citebot.index.errors import StoreMismatch
from citebot.index.settings import CoreSettings

_EMBEDDING = "citebot:embedding"  # docs collection metadata: what produced the vectors
_FORMAT = "citebot:format"  # docs collection metadata: the layout of the collections
FORMAT = 3  # 2: sentence vectors per chunk, change log; 3: those vectors in metadata


def connect(settings: CoreSettings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def check_layout(docs: Any, name: str, embedding: str) -> None:
    """Record which embeddings and layout the store holds; refuse to mix in others.
    Vectors of another model, or of the same model at another precision, are compared
    on the same scale without any error, and every score quietly shifts."""
    meta = dict(docs.metadata or {})
    want = {_EMBEDDING: embedding, _FORMAT: FORMAT}
    if all(meta.get(k) == v for k, v in want.items()):
        return
    recorded = meta.get(_EMBEDDING)
    if docs.count() and recorded not in (None, embedding):
        raise StoreMismatch(
            f"the collection {name!r} holds {recorded} embeddings, but this run is "
            f"configured for {embedding}: set CITEBOT_EMBED_MODEL / "
            "CITEBOT_EMBED_PRECISION back, or ingest into another CITEBOT_COLLECTION "
            "(or CITEBOT_DATA_DIR)"
        )
    if docs.count() and meta.get(_FORMAT) != FORMAT:
        raise StoreMismatch(
            f"the collection {name!r} was stored by an earlier citebot (layout "
            f"{meta.get(_FORMAT, 1)}, this one reads layout {FORMAT}): ingest again into "
            "a new CITEBOT_DATA_DIR or CITEBOT_COLLECTION"
        )
    kept = {k: v for k, v in meta.items() if not k.startswith("hnsw:")}  # fixed at creation
    docs.modify(metadata={**kept, **want})
