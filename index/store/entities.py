"""The entities of the stored chunks (``text.entities``), computed once per chunk version,
when this process writes it or first retrieves it, and kept in a SQLite file in the data
folder. Like the lexical index it is derived data: keyed by chunk id (which names the
document version) and by the rules that found them (``text.entities.rules``: a new model
or pattern relabels what it finds), it can be deleted at any time and is refilled from the
chunks in Chroma.
"""

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from citebot.index.models import ScoredChunk
from citebot.index.store.ids import chunk_id
from citebot.index.store.records import Version
from citebot.index.text.entities import Entity, find, rules, within


class EntityCache:
    """Entities by chunk id, computed once and kept in a SQLite file; safe across threads
    (one connection behind a lock) and processes (SQLite's own locking)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._rules = rules()
        self._db.execute("DROP TABLE IF EXISTS ents")  # before entities named their rules
        self._db.execute("CREATE TABLE IF NOT EXISTS found "
                         "(id TEXT, rules TEXT, spans TEXT, PRIMARY KEY (id, rules))")
        # found by other rules: never read here again (another process still on them
        # recomputes what it needs)
        self._db.execute("DELETE FROM found WHERE rules != ?", (self._rules,))
        self._db.commit()

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

    def keep(self, versions: Sequence[Version]) -> None:
        """Compute and keep the entities of newly written versions, from the texts in hand
        (a write's own: its cost is in proportion to the write, and questions about it
        never wait). Each document is read once, not chunk by chunk: chunks overlap by a
        sentence, ~14% of the words, and a whole text gives the model more context. Rows of
        chunks no longer stored are left behind: keyed by version, they are never read
        again."""
        rows = []
        for v, found in zip(versions, find([v.doc.text for v in versions])):
            for c in v.chunks:
                key = chunk_id(c.source, v.doc.meta.hash, c.index)
                rows.append((key, within(found, c.start, c.end)))
        self._write(rows)

    def _read(self, ids: list[str]) -> dict[str, list[Entity]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, spans FROM found WHERE rules = ? AND id IN ({marks})",
                [self._rules, *ids])
            return {i: [Entity(*e) for e in json.loads(s)] for i, s in rows.fetchall()}

    def _write(self, rows: Iterable[tuple[str, list[Entity]]]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO found VALUES (?, ?, ?)",
                                 [(i, self._rules, json.dumps(ents)) for i, ents in rows])
            self._db.commit()
