"""Sentence embeddings (mean-pooled, normalised), loaded once, offline, from a path or name.

Two backends compute the same vectors: ``torch`` runs the sentence-transformers model as
loaded; ``onnx`` (the default) runs the same weights exported once to ONNX and cached under
the data folder — 1.5–4× faster on these CPUs, max difference ~1e-7 (see the tests).
``precision="int8"`` (ONNX only) runs that export with int8 weights (onnxruntime's dynamic
quantisation): ~1.7× the tokens per second, but the vectors move a little (cosine 0.996 to
fp32 on average; numbers in ``benchmarks/embedder.py``), so a store must be queried with the
precision it was built with (``kind``).

The pooling is done here rather than by ``SentenceTransformer.encode`` because citebot also
needs the per-token vectors: a sentence's vector is the mean of its chunk's contextual
token vectors over the sentence's span ("late chunking"), which costs no extra model pass
and lets answers pick sentences in milliseconds.
"""

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from citebot.index import offline  # noqa: F401  (sets the offline switches before transformers loads)
from citebot.index.embed import onnx
from citebot.index.embed.onnx import INPUTS, Backend, Precision
from citebot.index.models import Chunk


class Embedder:
    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 32,
        backend: Backend = "onnx",
        precision: Precision = "fp32",
        cache_dir: Path | None = None,
        threads: int | None = None,
    ) -> None:
        onnx.check_precision(backend, precision)
        self.model_name = model
        self.batch_size = batch_size
        self.backend = backend
        self.precision = precision
        self.cache_dir = cache_dir or Path(tempfile.gettempdir()) / "citebot-models"
        self.threads = threads or os.cpu_count() or 1  # ORT's intra-op pool
        self._lock = threading.Lock()  # tokenizers and ORT sessions: one batch at a time

    # -- loading -------------------------------------------------------------------------

    @cached_property
    def model(self) -> Any:
        """The sentence-transformers model (the torch backend, and the ONNX export's source)."""
        from sentence_transformers import SentenceTransformer

        local = Path(self.model_name).expanduser()
        name = str(local) if local.exists() else self.model_name
        return SentenceTransformer(name, device="cpu", local_files_only=True)

    @cached_property
    def tokenizer(self) -> Any:
        """The fast tokenizer, cutting each text to what the model reads and padding batches."""
        tokenizer = self._load_tokenizer()
        tokenizer.enable_truncation(self.max_tokens)
        pad = tokenizer.padding or {}  # the file's pad token, to the batch's longest text
        tokenizer.enable_padding(pad_id=pad.get("pad_id", 0),
                                 pad_token=pad.get("pad_token", "[PAD]"))
        return tokenizer

    @cached_property
    def _counter(self) -> Any:
        """The same tokenizer counting every word piece: chunking must see a sentence's
        real length, not one cut at the model's limit."""
        counter = self._load_tokenizer()
        counter.no_padding()
        return counter

    def _load_tokenizer(self) -> Any:
        _check_mean_pooling(Path(self._path))  # the pooling below assumes it
        return load_tokenizer(Path(self._path))

    @cached_property
    def max_tokens(self) -> int:
        config = Path(self._path) / "sentence_bert_config.json"
        if config.exists():
            return int(json.loads(config.read_text())["max_seq_length"])
        return int(self.model.max_seq_length)

    @cached_property
    def kind(self) -> str:
        """What produces these vectors, e.g. ``model@1a2b3c4d5e6f fp32``: the model folder,
        a digest of its weights' content (not their file dates, which differ between
        installs), and the precision, with a digest of the int8 recipe. The torch and onnx
        backends give the same fp32 vectors (~1e-7 apart), so the backend is not part of it.
        The store records it and refuses vectors of another kind."""
        digest = hashlib.sha256()
        for weights in sorted(Path(self._path).glob("*.safetensors")) or sorted(
            Path(self._path).glob("*.bin")
        ):
            with weights.open("rb") as f:
                digest.update(hashlib.file_digest(f, "sha256").digest())  # ~0.1 s for 90 MB
        kind = f"{Path(self._path).name}@{digest.hexdigest()[:12]} {self.precision}"
        if self.precision == "fp32":
            return kind
        return f"{kind}/{hashlib.sha256(onnx.RECIPES[self.precision].encode()).hexdigest()[:6]}"

    @cached_property
    def _path(self) -> str:
        local = Path(self.model_name).expanduser()
        if local.exists():
            return str(local)
        from huggingface_hub import snapshot_download

        return snapshot_download(self.model_name, local_files_only=True)

    @cached_property
    def _session(self) -> Any:
        return onnx.session(self._onnx_file(), self.threads)

    def _onnx_file(self) -> Path:
        """This precision's ONNX file, built once; later processes reuse it."""
        fp32 = self._cached("fp32", self._export)
        if self.precision == "fp32":
            return fp32
        return self._cached(self.precision, lambda tmp: onnx.quantise_int8(fp32, tmp))

    def _cached(self, precision: Precision, build: Callable[[Path], None]) -> Path:
        return onnx.cached(Path(self._path), self.cache_dir, precision, build)

    def _export(self, tmp: Path) -> None:
        onnx.export(Path(self._path), self._encode(["citebot"]), tmp)

    # -- encoding --------------------------------------------------------------------------

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            encodings = self._counter.encode_batch(texts, add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def _encode(self, texts: list[str]) -> dict[str, Any]:
        """A padded batch as the model takes it (int64 arrays by input name), with each
        token's character offsets. Call with the lock held."""
        encodings = self.tokenizer.encode_batch(texts)
        batch = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return batch | {"offset_mapping": [e.offsets for e in encodings]}

    def _tokens(
        self, texts: Sequence[str], done: Callable[[int], None] | None = None
    ) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """For each text, its contextual token vectors and their character offsets;
        ``done`` hears how many texts each batch finished."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding
        result: list[Any] = [None] * len(texts)
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            with self._lock:
                enc = self._encode([texts[i] for i in idx])
                hidden = self._forward(enc)
            for row, i in enumerate(idx):
                n = int(enc["attention_mask"][row].sum())
                result[i] = (hidden[row, :n], list(enc["offset_mapping"][row][:n]))
            if done:
                done(len(idx))
        return result

    def _forward(self, enc: dict[str, Any]) -> np.ndarray:
        if self.backend == "onnx":
            feed = {k: enc[k] for k in INPUTS}
            return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        import torch

        with torch.inference_mode():
            out = self.model[0].auto_model(**{k: torch.from_numpy(enc[k]) for k in INPUTS})
        return np.asarray(out.last_hidden_state.float().numpy(), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([_normalise(t.mean(axis=0)) for t, _ in self._tokens(texts)])

    def embed_chunks(
        self, chunks: Sequence[Chunk], done: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, and for each chunk one vector per sentence (rows in order);
        ``done`` hears how many chunks each model call finished."""
        if not chunks:
            return np.zeros((0, 0), np.float32), []
        tokens = self._tokens([c.text for c in chunks], done)
        chunk_vecs = np.stack([_normalise(t.mean(axis=0)) for t, _ in tokens])
        sentence_vecs = [
            _pool_sentences(c, t, off, v) for c, (t, off), v in zip(chunks, tokens, chunk_vecs)
        ]
        return chunk_vecs, sentence_vecs


def load_tokenizer(model_dir: Path) -> Any:
    """The model's fast tokenizer (``tokenizer.json``) through the ``tokenizers`` library, as
    transformers would build it: importing transformers for it would also import torch
    (~5 s), which the ONNX backend never needs. The file's own truncation (128 word pieces
    for all-MiniLM-L6-v2, which reads 256) is cleared: the embedder sets its own."""
    from tokenizers import Tokenizer

    file = model_dir / "tokenizer.json"
    if file.exists():
        tokenizer = Tokenizer.from_file(str(file))
    else:  # a folder with only a vocabulary: transformers converts it to a fast tokenizer
        from transformers import AutoTokenizer

        slow = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        tokenizer = slow.backend_tokenizer
    tokenizer.no_truncation()
    return tokenizer


def _normalise(vec: np.ndarray) -> np.ndarray:
    return (vec / (np.linalg.norm(vec) or 1.0)).astype(np.float32)


def _pool_sentences(
    chunk: Chunk, tokens: np.ndarray, offsets: list[tuple[int, int]], fallback: np.ndarray
) -> np.ndarray:
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    real = ends > starts  # special tokens have empty offsets
    rows = []
    for span in chunk.sentences:
        lo, hi = span.start - chunk.start, span.end - chunk.start
        mask = real & (starts >= lo) & (ends <= hi)
        rows.append(_normalise(tokens[mask].mean(axis=0)) if mask.any() else fallback)
    return np.asarray(rows, dtype=np.float32)


def _check_mean_pooling(path: Path) -> None:
    config = path / "1_Pooling" / "config.json"
    if config.exists() and not json.loads(config.read_text()).get("pooling_mode_mean_tokens"):
        raise ValueError(
            f"{path} does not use mean pooling; citebot's embedder needs a mean-pooled "
            "sentence-transformers model (like all-MiniLM-L6-v2)"
        )
