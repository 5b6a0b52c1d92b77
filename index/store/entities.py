"""The entities of the stored chunks (``text.entities``).

A write finds its chunks' entities before it stores them (``found``), and they are stored in
Chroma with the chunks' sentence vectors, under the rules that found them
(``text.entities.rules``: a new model or pattern relabels what it finds): every process,
on any machine, answers from them without running spaCy (~10 ms a chunk) on a question.
Chunks stored without them (an archive written by an older release, or under other rules)
have theirs found on first retrieval and kept in a SQLite file in this process's data folder
(``EntityCache``): derived data, keyed by chunk id (which names the document version) and
rules, which can be deleted at any time. ``refill`` stores theirs in Chroma once, for
every process (``citebot entities``).
"""

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from citebot.index.models import ScoredChunk
from citebot.index.store.chroma import Store
from citebot.index.store.ids import chunk_id
from citebot.index.store.records import Version
from citebot.index.text.entities import Entity, find, rules, within


def found(versions: Sequence[Version]) -> list[Version]:
    """The versions with their chunks' entities, to be stored with them: the cost is in
    proportion to the write, and no question waits for them. Each document is read once,
    not chunk by chunk: chunks overlap by a sentence, ~14% of the words, and a whole text
    gives the model more context."""
    return [dataclasses.replace(v, entities=[within(ents, c.start, c.end) for c in v.chunks])
            for v, ents in zip(versions, find([v.doc.text for v in versions]))]


_REFILL_DOCS = 64  # documents read, run through spaCy and updated at a time


def refill(store: Store, progress: Callable[[int], Callable[[int], None]] | None = None) -> int:
    """Find and store the entities of every committed chunk stored without them under the
    current rules (an archive written by an earlier release, or after an upgrade changed
    the rules); returns the number of documents done. Each document is read whole, as a
    write reads it. Safe beside writes (a version replaced meanwhile is skipped or its
    update ignored) and resumable: a run stopped half-way leaves what it stored, and the
    next one does the rest. ``progress`` is told the number of documents to do and returns
    what to call as they are done."""
    gaps = store.entity_gaps()
    # the gaps' own records, by id: not every document's (``hashes`` reads them all)
    committed = {s: m.hash for s, m in store.metas({s for s, _ in gaps}).items()}
    todo = [key for key in gaps if committed.get(key[0]) == key[1]]  # leftovers: never read
    tick = progress(len(todo)) if progress and todo else None
    for n in range(0, len(todo), _REFILL_DOCS):
        part = todo[n : n + _REFILL_DOCS]
        docs = {d.meta.source: d for d in store.get_many([s for s, _ in part])}
        part = [(s, h) for s, h in part if s in docs and docs[s].meta.hash == h]
        ids = [i for key in part for i in gaps[key]]
        chunks: dict[str, list[ScoredChunk]] = {}
        for sc in store.chunks_by_id(ids, dict.fromkeys(ids, 0.0)):
            chunks.setdefault(sc.chunk.source, []).append(sc)
        rows = {chunk_id(s, sc.doc_hash, sc.chunk.index): within(ents, sc.chunk.start, sc.chunk.end)
                for (s, _), ents in zip(part, find([docs[s].text for s, _ in part]))
                for sc in chunks.get(s, ())}
        store.store_entities(rows)
        if tick:
            tick(len(todo[n : n + _REFILL_DOCS]))
    return len(todo)


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

    def of(self, chunks: Sequence[ScoredChunk],
           stored: Mapping[str, list[Entity]]) -> dict[str, list[Entity]]:
        """The entities of each chunk, by chunk id: those ``stored`` with it in Chroma, else
        kept here, else computed now and kept. Rows of chunks no longer stored are left
        behind: keyed by version, they are never read again."""
        ids = {chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index): sc for sc in chunks}
        have = {i: stored[i] for i in ids if i in stored}
        have.update(self._read([i for i in ids if i not in have]))
        missing = [i for i in ids if i not in have]
        if missing:
            texts = [ids[i].chunk.text for i in missing]
            computed = find(texts, [ids[i].chunk.start for i in missing])
            have.update(zip(missing, computed))
            self._write(zip(missing, computed))
        return have

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
