"""Store behaviour at sizes the sample corpus does not reach."""

from pathlib import Path

import numpy as np

from index.settings import Settings
from index.store import _BATCH, Store, connect


def test_all_chunks_pages_past_one_chroma_call(tmp_path: Path) -> None:
    store = Store(connect(Settings(data_dir=tmp_path)), "paging")
    n = _BATCH + 250
    rng = np.random.default_rng(0)
    for start in range(0, n, _BATCH):
        ids = [f"doc@h#{i}" for i in range(start, min(n, start + _BATCH))]
        store.chunks.add(ids=ids, documents=[f"text {i}" for i in ids],
                         embeddings=rng.random((len(ids), 4)).tolist())
    ids, texts = store.all_chunks()
    assert len(ids) == n == len(set(ids))
    assert texts[ids.index("doc@h#5100")] == "text doc@h#5100"
