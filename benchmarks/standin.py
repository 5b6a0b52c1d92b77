"""Deterministic stand-ins for scale benchmarks: for the embedding model (so that the store
and the indexes are timed, not the model) and for a large archive (``Archive``).

The embedder's vectors are NOT the model's: each word is hashed (crc32, the same in every
process) to one of 4,096 fixed random 384-d rows; a sentence's vector is the normalised sum
of its words' rows, a chunk's the normalised sum over its sentences. Texts sharing words get
similar vectors, so Chroma's HNSW graph and dense retrieval see data with some structure
(purely random vectors would be HNSW's worst case). Token counts estimate word pieces: a
word is one piece per six characters, punctuation one each (close to the model's ~1.3
pieces per English word). It implements what citebot calls on an embedder: ``kind``, ``max_tokens``,
``count_tokens``, ``embed_queries`` and ``embed_chunks``.
"""

import json
import random
import re
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from citebot.index.ingest.loader import make_document
from citebot.index.models import Chunk, Document

LABEL = ("stand-in embedder: vectors are not the model's; the model's own cost is measured "
         "separately (benchmarks/ingest_query.py, benchmarks/embedder.py)")
DIM = 384
_BUCKETS = 4096
_WORD = re.compile(r"\w+")
_PIECE = re.compile(r"\w{1,6}|[^\w\s]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NUMBER = re.compile(r"\d{1,9}")


class StandInEmbedder:
    kind = "stand-in:hashed-words-384"  # the store refuses to mix it with a model's vectors
    max_tokens = 256

    def __init__(self, seed: int = 12) -> None:
        rng = np.random.default_rng(seed)
        self._table = rng.standard_normal((_BUCKETS, DIM)).astype(np.float32)
        self._bucket: dict[str, int] = {}  # word -> row: crc32 once per distinct word
        self.seconds = 0.0  # time spent embedding, so a benchmark can take it out

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(_PIECE.findall(t)) for t in texts]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        out = np.stack([_unit(self._sum(t)) for t in texts]) if texts else \
            np.zeros((0, DIM), np.float32)
        self.seconds += time.perf_counter() - started
        return out

    def embed_chunks(
        self, chunks: Sequence[Chunk], done: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, and for each chunk one vector per sentence (rows in order);
        ``done`` hears the count, as from the real embedder."""
        started = time.perf_counter()
        chunk_vecs, sentence_vecs = [], []
        for c in chunks:
            sums = [self._sum(c.text[s.start - c.start : s.end - c.start]) for s in c.sentences]
            sums = sums or [self._sum(c.text)]
            chunk_vecs.append(_unit(np.sum(sums, axis=0)))
            sentence_vecs.append(np.stack([_unit(s) for s in sums])[: len(c.sentences)])
        self.seconds += time.perf_counter() - started
        if done is not None and chunks:
            done(len(chunks))
        if not chunks:
            return np.zeros((0, DIM), np.float32), []
        return np.stack(chunk_vecs), sentence_vecs

    def _sum(self, text: str) -> np.ndarray:
        rows = [self._row(w) for w in _WORD.findall(text.lower())] or [self._row(text)]
        return self._table[rows].sum(axis=0)  # type: ignore[no-any-return]

    def _row(self, word: str) -> int:
        row = self._bucket.get(word)
        if row is None:
            row = self._bucket[word] = zlib.crc32(word.encode()) % _BUCKETS
        return row


def _unit(vec: np.ndarray) -> np.ndarray:
    return (vec / (np.linalg.norm(vec) or 1.0)).astype(np.float32)


class Archive:
    """A stand-in for a large archive, from the real texts of BBC and SciFact: document k is
    edition k // n of base text k % n (n base texts, in a fixed shuffled order). Edition 0 is
    the text as it is; later editions shuffle its paragraphs (an abstract's sentences),
    shift every number by the edition, and append an edition sentence, so all differ."""

    def __init__(self, datasets: Path) -> None:
        base = [(f"bbc/{p.relative_to(datasets / 'bbc').as_posix()}", _utf8(p))
                for p in sorted((datasets / "bbc").glob("*/*.txt"))]
        with open(datasets / "scifact" / "corpus.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                base.append((f"scifact/{row['_id']}.txt", f"{row['title']}\n\n{row['text']}"))
        self._base = [(name, text) for name, text in base if text and text.strip()]
        random.Random(0).shuffle(self._base)

    def documents(self, start: int, n: int) -> list[Document]:
        return [self._document(k) for k in range(start, start + n)]

    def _document(self, k: int) -> Document:
        edition, (name, text) = divmod(k, len(self._base))[0], self._base[k % len(self._base)]
        source = name if edition == 0 else f"e{edition:03d}/{name}"
        title, _, body = text.strip().partition("\n")
        return make_document(source, edition_of(title, body, edition, source), title=title)

    def typical(self, n: int, nonce: str) -> list[str]:
        """``n`` texts of BBC articles of about the median length, each unique to ``nonce``."""
        bbc = sorted((t for name, t in self._base if name.startswith("bbc/")), key=len)
        median = len(bbc[len(bbc) // 2])
        chosen = sorted(bbc, key=lambda t: (abs(len(t) - median), t))[:n]
        return [f"{t.strip()}\n\nBenchmark copy {nonce}-{i}." for i, t in enumerate(chosen)]

    def questions(self, n: int) -> list[str]:
        """Titles of edition-0 documents (always in the archive) as questions."""
        return [t.strip().partition("\n")[0] for _, t in self._base[:n]]


def edition_of(title: str, body: str, edition: int, source: str) -> str:
    if edition == 0:
        return f"{title}\n{body}"
    rng = random.Random(f"{source}")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    units, sep = (paragraphs, "\n\n") if len(paragraphs) > 1 else \
        (_SENTENCE.split(" ".join(paragraphs)), " ")
    rng.shuffle(units)
    shifted = _NUMBER.sub(lambda m: str(int(m.group()) + edition), sep.join(units))
    return (f"{title}\n\n{shifted}{sep}This is edition {edition} of the report, "
            f"filed as {source}.")


def _utf8(path: Path) -> str:
    """The file's text; ``sport/199.txt`` has one byte that is not UTF-8."""
    return path.read_bytes().decode("utf-8", errors="replace")
