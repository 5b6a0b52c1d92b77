"""A document write's slow part, spaCy's entity pass after the model against beside it.

``Citebot.add_document`` (an API upload, the bot's writes) chunks and embeds the document,
finds its entities (spaCy's small English NER) and only then stores it. The entities need
only the text, so ``Ingestor.prepare`` now starts spaCy on a worker thread while the model
embeds (its ONNX runtime releases the GIL). Both ways, alternated article by article on BBC
news articles, with the real model in one process:
- ``after``: as before, the entity pass once the embedding has returned;
- ``beside``: ``Ingestor.prepare``, what a write does now.
Both give the same entities and vectors (checked). The store write that follows is the
same either way and not timed here. Printed: p50 / mean in ms of each, the ratio of
medians beside / after, and each part alone (embedding; entity pass) for reference.

    .venv/bin/python benchmarks/write_entities.py --articles 60
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citebot.index.ingest.loader import make_document  # noqa: E402
from citebot.index.ingest.pipeline import Ingestor  # noqa: E402
from citebot.index.models import Document  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.store.entities import found  # noqa: E402
from citebot.index.store.records import Version  # noqa: E402
from citebot.index.text.entities import find  # noqa: E402
from citebot.settings import Settings  # noqa: E402

BBC = ROOT.parent / "shared" / "datasets" / "bbc"


def articles(n: int) -> list[Document]:
    """``n`` BBC articles spread over its five sections."""
    paths = sorted(BBC.rglob("*.txt"))
    step = max(1, len(paths) // n)
    return [make_document(f"bbc/{p.parent.name}/{p.name}", p.read_text(errors="replace"))
            for p in paths[::step][:n]]


def after(ingestor: Ingestor, doc: Document) -> list[Version]:
    """The order before: embed, then the entity pass."""
    return found(ingestor._embed([(doc, ingestor._chunk(doc))], None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--warm", type=int, default=4, help="first articles not timed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        bot = Citebot(Settings(_env_file=None, data_dir=Path(data)))  # type: ignore[call-arg]
        ingestor = Ingestor(bot.settings, bot.embedder, bot.store)
        ways = {"after": lambda d: after(ingestor, d), "beside": ingestor.prepare}
        times: dict[str, list[float]] = {w: [] for w in ways}
        parts: dict[str, list[float]] = {"embedding": [], "entity pass": []}
        docs = articles(args.articles + args.warm)
        chunks = 0
        for n, doc in enumerate(docs):
            got = {}
            for way, f in (ways.items() if n % 2 else reversed(ways.items())):
                t = time.perf_counter()
                got[way] = f(doc)
                if n >= args.warm:
                    times[way].append(time.perf_counter() - t)
            a, b = got["after"][0], got["beside"][0]
            assert a.entities == b.entities, doc.meta.source
            np.testing.assert_allclose(a.chunk_vecs, b.chunk_vecs, atol=1e-5)
            if n >= args.warm:
                chunks += len(a.chunks)
                t = time.perf_counter()
                ingestor._embed([(doc, ingestor._chunk(doc))], None)
                parts["embedding"].append(time.perf_counter() - t)
                t = time.perf_counter()
                find([doc.text])
                parts["entity pass"].append(time.perf_counter() - t)
    timed = len(docs) - args.warm
    print(f"{timed} BBC articles ({chunks / timed:.1f} chunks each), real model, "
          f"each way alternated article by article; ms")
    for name, xs in {**times, **parts}.items():
        print(f"  {name:12s} p50 {statistics.median(xs) * 1000:7.1f}   "
              f"mean {statistics.mean(xs) * 1000:7.1f}")
    ratio = statistics.median(times["beside"]) / statistics.median(times["after"])
    print(f"  ratio of medians beside / after: {ratio:.2f}")


if __name__ == "__main__":
    main()
