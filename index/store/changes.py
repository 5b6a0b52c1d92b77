"""The change log: one Chroma record per committed write, so every process sees every write.

Each write (a document added, replaced or deleted) adds a record holding its wall-clock time
and its source, just before its commit. A process keeps the time of the last change it
applied and reads only the records since then, less ``WINDOW`` seconds: a commit can land a
little after its record, and replicas' clocks differ by up to a few seconds, so the
sources logged in the window are checked again. Checking is idempotent (the reader looks up
the source's committed version, whatever the record says), so order does not matter and a
record of a write that never committed costs one look-up.

Records older than ``RETAIN`` are pruned by writers; a process whose position is older than
the pruned time rebuilds its caches from the store instead.

Reading records by time is a metadata filter, which Chroma answers by scanning: 20–30 ms at
184k records (a 300k-chunk archive's week of writes) even when nothing matches, once a
second in every replica. So each write also stamps one record read by id (~0.5 ms), the
head, with its time, and a read since a time the head is a WINDOW older than reads nothing.
Two writers racing can leave the head at the earlier of their two stamps, milliseconds
apart: well inside the WINDOW every read already allows for. (Every process writing to one
store must stamp the head, so all run this release or a later one.)
"""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citebot.index.store.pages import BATCH, pages

WINDOW = 30.0  # seconds: how late a record may become visible, clock skew included
RETAIN = 7 * 24 * 3600.0  # seconds a record is kept
_PRUNED = "citebot:pruned_before"
_CLEANED = "citebot:cleaned_until"
_HEAD = "citebot:head"  # the record holding the latest write's time (``latest``, no ``ts``)


@dataclass(frozen=True, order=True)
class Change:
    ts: float
    source: str


class ChangeLog:
    """Over one Chroma collection, ``<name>_changes``."""

    def __init__(self, collection: Any) -> None:
        self._records = collection

    def record(self, sources: Sequence[str]) -> None:
        """Log that these sources' committed versions change (``Store.write`` logs before it
        stores anything and again just before its commit)."""
        if not sources:
            return
        now = time.time()
        # the records and the head's new stamp in one call: each Chroma write costs ~8 ms
        # on its own (17 ms at 300k chunks), and a write logs twice. The head goes last, in
        # the last call: a reader that sees the new stamp sees every record before it.
        ids = [f"{time.time_ns():019d}-{uuid.uuid4().hex[:12]}" for _ in sources] + [_HEAD]
        metas: list[dict[str, Any]] = [{"ts": now, "source": s} for s in sources]
        metas.append({"latest": now})
        for i in range(0, len(ids), BATCH):
            self._records.upsert(ids=ids[i : i + BATCH], metadatas=metas[i : i + BATCH],
                                 embeddings=[[1.0]] * len(ids[i : i + BATCH]))

    def latest(self) -> float | None:
        """The time of the latest write (None: no write has stamped the head yet)."""
        got = self._records.get(ids=[_HEAD], include=["metadatas"])
        return float(got["metadatas"][0]["latest"]) if got["ids"] else None

    def since(self, ts: float) -> list[Change]:
        """Every change stamped at ``ts - WINDOW`` or later, oldest first."""
        return self.read(ts)[1]

    def read(self, ts: float, seen: float | None = None) -> tuple[float | None, list[Change]]:
        """The head (``latest``), read first, and the changes ``since`` ts: a write that
        the changes miss stamped the head after this read of it, so a later head tells.
        ``seen``: the head the caller's previous read returned. A head other than that
        means a write since, even if stamped before ``ts - WINDOW`` (a writer whose clock
        is behind): the read then starts a WINDOW before the head."""
        latest = self.latest()
        if latest is not None and seen is not None and latest != seen:
            ts = min(ts, latest)
        if latest is not None and latest < ts - WINDOW:
            return latest, []  # nothing written since: the filtered read would find nothing
        recent = pages(self._records, ["metadatas"], {"ts": {"$gte": ts - WINDOW}})
        return latest, sorted(Change(float(m["ts"]), str(m["source"])) for _, m in recent)

    def cleaned_until(self) -> float:
        """Writes logged before this time have had their leftovers removed (0: never)."""
        return float((self._records.metadata or {}).get(_CLEANED, 0.0))

    def mark_cleaned(self, ts: float) -> None:
        """Never backwards: a clean on a shared server marks only up to ten minutes ago, but
        what an earlier clean (of a locked embedded store) looked at stays looked at."""
        self._set(_CLEANED, max(ts, self.cleaned_until()))

    def _set(self, key: str, value: float) -> None:
        meta = {k: v for k, v in (self._records.metadata or {}).items()
                if not k.startswith("hnsw:")}  # fixed when the collection was made
        self._records.modify(metadata={**meta, key: value})

    def pruned_before(self) -> float:
        """Changes stamped before this time may be gone (0: none was ever pruned)."""
        return float((self._records.metadata or {}).get(_PRUNED, 0.0))

    def prune(self, now: float | None = None) -> None:
        """Drop records older than RETAIN, noting the time so late readers rebuild."""
        cutoff = (now or time.time()) - RETAIN
        old = self._records.get(where={"ts": {"$lt": cutoff}}, include=[], limit=5000)
        if old["ids"]:
            self._set(_PRUNED, cutoff)
            self._records.delete(ids=old["ids"])
