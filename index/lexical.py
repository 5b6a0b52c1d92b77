"""BM25 over chunk texts (bm25s), persisted next to the Chroma store.

The index is derived data: it is rebuilt from the chunks in Chroma whenever this process
changes them, or when its chunk count no longer matches Chroma's (another process wrote).
Results are still filtered against the committed document versions, so a stale index can
miss a passage but never cite a wrong one.
"""

import json
import threading
from pathlib import Path

from .store import Store


class LexicalIndex:
    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._lock = threading.Lock()
        self._retriever = None
        self._ids: list[str] = []

    def _tokenize(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import bm25s
        import Stemmer

        return bm25s.tokenize(
            texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False
        )

    def rebuild(self) -> None:
        import bm25s

        ids, texts = self.store.all_chunks()
        with self._lock:
            self._ids = ids
            if not ids:
                self._retriever = None
                return
            retriever = bm25s.BM25()
            retriever.index(self._tokenize(texts), show_progress=False)
            self.path.mkdir(parents=True, exist_ok=True)
            retriever.save(str(self.path))
            (self.path / "ids.json").write_text(json.dumps(ids))
            self._retriever = retriever

    def _ensure(self) -> None:
        count = int(self.store.chunks.count())
        if self._retriever is not None and len(self._ids) == count:
            return
        ids_file = self.path / "ids.json"
        if self._retriever is None and ids_file.exists():
            import bm25s

            ids = json.loads(ids_file.read_text())
            if len(ids) == count:
                with self._lock:
                    self._retriever = bm25s.BM25.load(str(self.path))
                    self._ids = ids
                return
        if count or self._ids:
            self.rebuild()

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 scores, best first (empty when nothing matches)."""
        self._ensure()
        if self._retriever is None:
            return []
        tokens = self._tokenize([query])
        if not tokens.ids or not tokens.ids[0]:
            return []
        with self._lock:
            docs, scores = self._retriever.retrieve(
                tokens, k=min(k, len(self._ids)), show_progress=False, n_threads=1
            )
        return [(self._ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
