"""Quote verification throughput: index candidates + alignment against scanning every document.

For each corpus (the 5-article sample and the 2,225-article BBC News set) the benchmark
builds three kinds of quote from the stored texts, with a fixed seed:
- ``verbatim``: 8–20 consecutive words of a sentence (expected: verified);
- ``altered``: the same with one edit: a number changed, a word dropped, swapped for
  another, or "not" inserted (expected: altered);
- ``absent``: a fragment of the *other* corpus (expected: not_found).

and times, in the same run:
- ``indexed``: ``Citebot.verify(quote)``: hybrid retrieval (dense + BM25) picks candidate
  documents, then only those are aligned;
- ``scan``: the baseline: the same judgement (``index.verify.judge``) over every stored
  document, normalising each document for each quote as a naive checker would;
- ``scan-pre``: the same scan with every document normalised once beforehand (all texts
  and their word tables held in memory): the strongest index-free baseline.

Accuracy is the share of quotes whose verdict is the expected one; the scans see every
document, so their verdicts are what the indexed path should reproduce (``agree``).
The machine's cores are shared, so timings are noisy; compare ratios from one run.

    .venv/bin/python benchmarks/verify.py                      # both corpora
    .venv/bin/python benchmarks/verify.py --corpus sample --quotes 60
    .venv/bin/python benchmarks/verify.py --cache /tmp/citebot-bench  # reuse the BBC index

The BBC index is built once into ``--cache`` (several minutes on 2 cores) and reused.
"""

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citebot.index.ingest.loader import lines  # noqa: E402
from citebot.index.models import Document  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.text.sentences import sentences  # noqa: E402
from citebot.index.text.words import Words  # noqa: E402
from citebot.index.verify.verdicts import judge  # noqa: E402
from citebot.settings import Settings  # noqa: E402

SAMPLE = ROOT / "corpus"
BBC = ROOT.parent / "shared" / "datasets" / "bbc"
KINDS = {"verbatim": "verified", "altered": "altered", "absent": "not_found"}
_NUMBER = re.compile(r"\d+")


def open_bot(corpus: Path, data: Path) -> Citebot:
    bot = Citebot(Settings(data_dir=data, corpus_dir=corpus))
    if bot.store.count() == 0:
        print(f"indexing {corpus} into {data} (once) …", file=sys.stderr)
        report = bot.ingest([corpus])
        print(f"  {report.summary()}", file=sys.stderr)
    bot.warm_up()
    return bot


def all_documents(bot: Citebot) -> list[Document]:
    return [bot.document(m.source) for m in bot.documents()]


def fragments(docs: Sequence[Document], n: int, rng: random.Random) -> list[str]:
    """``n`` runs of 8–20 words, each from one sentence of a random document."""
    found: list[str] = []
    while len(found) < n:
        text = rng.choice(docs).text
        spans = [s for a, b in lines(text) for s in sentences(text, a, b)]
        words = Words.of(text[(s := rng.choice(spans)).start : s.end], s.start)
        if len(words) < 10:
            continue
        size = rng.randint(8, min(20, len(words)))
        first = rng.randint(0, len(words) - size)
        found.append(text[words.starts[first] : words.ends[first + size - 1]])
    return found


def alter(quote: str, rng: random.Random, i: int) -> str:
    """One edit a misquote makes: a number, a dropped, swapped or inserted word."""
    numbers = list(_NUMBER.finditer(quote))
    if numbers and i % 2 == 0:
        m = rng.choice(numbers)
        return quote[: m.start()] + str(int(m.group()) + 7) + quote[m.end() :]
    words = quote.split(" ")
    k = rng.randint(1, len(words) - 2)
    match i % 3:
        case 0:
            del words[k]
        case 1:
            words[k] = rng.choice(["never", "always", "every", "nobody", "Tuesday", "ten"])
        case _:
            words.insert(k, "not")
    return " ".join(words)


def quotes(docs: Sequence[Document], others: Sequence[Document], n: int,
           rng: random.Random) -> list[tuple[str, str]]:
    per = max(1, n // 3)
    verbatim = fragments(docs, per, rng)
    altered = [alter(q, rng, i) for i, q in enumerate(fragments(docs, per, rng))]
    absent = fragments(others, per, rng)
    return ([("verbatim", q) for q in verbatim] + [("altered", q) for q in altered]
            + [("absent", q) for q in absent])


def timed(run: Callable[[str], str], batch: Sequence[tuple[str, str]]) -> list[
    tuple[float, str]
]:
    """Seconds and verdict for each quote."""
    out = []
    for _, q in batch:
        started = time.perf_counter()
        verdict = run(q)
        out.append((time.perf_counter() - started, verdict))
    return out


def bench(name: str, bot: Citebot, others: Sequence[Document], n: int, n_scan: int,
          seed: int) -> None:
    docs = all_documents(bot)
    rng = random.Random(seed)
    batch = quotes(docs, others, n, rng)
    scan_batch = [q for kind in KINDS for q in [b for b in batch if b[0] == kind][: n_scan // 3]]
    prepared = [(d, Words.of(d.text)) for d in docs]

    def indexed(q: str) -> str:
        return bot.verify(q).verdict

    def scan(q: str) -> str:  # normalises every document for every quote
        return judge(q, None, [(d, Words.of(d.text)) for d in docs]).verdict

    def scan_pre(q: str) -> str:
        return judge(q, None, prepared).verdict

    for kind in KINDS:  # load the model and each index (BM25, dense sentences) first
        indexed(next(q for k, q in batch if k == kind) + " warm")
    results = {
        "indexed": (batch, timed(indexed, batch)),
        "scan": (scan_batch, timed(scan, scan_batch)),
        "scan-pre": (scan_batch, timed(scan_pre, scan_batch)),
    }
    load = os.getloadavg()[0]
    print(f"\n## {name}: {len(docs):,} documents, {len(batch)} quotes "
          f"({len(scan_batch)} for the scans), load average {load:.1f}")
    print(f"{'kind':9} {'method':9} {'n':>4} {'verif/s':>9} {'ms each':>8} {'accuracy':>9}")
    rates: dict[tuple[str, str], float] = {}
    for kind in [*KINDS, "all"]:
        for method, (items, runs) in results.items():
            picked = [(b, r) for b, r in zip(items, runs) if kind in ("all", b[0])]
            rate = len(picked) / sum(seconds for _, (seconds, _) in picked)
            rates[(kind, method)] = rate
            right = sum(verdict == KINDS[b[0]] for b, (_, verdict) in picked) / len(picked)
            print(f"{kind:9} {method:9} {len(picked):>4} {rate:>9.1f} "
                  f"{1000 / rate:>8.1f} {right:>9.0%}")
    print("speed-up of indexed over:")
    for kind in [*KINDS, "all"]:
        ratios = [f"{m} ×{rates[(kind, 'indexed')] / rates[(kind, m)]:.1f}"
                  for m in ("scan", "scan-pre")]
        print(f"  {kind:9} " + ", ".join(ratios))
    full = {q: verdict for (_, q), (_, verdict) in zip(scan_batch, results["scan-pre"][1])}
    fast = {q: verdict for (_, q), (_, verdict) in zip(batch, results["indexed"][1])}
    same = sum(fast[q] == verdict for q, verdict in full.items())
    print(f"indexed verdict agrees with the full scan on {same}/{len(full)} quotes")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=["sample", "bbc", "all"], default="all")
    p.add_argument("--quotes", type=int, default=150, help="quotes per corpus (indexed)")
    p.add_argument("--scan-quotes", type=int, default=45, help="quotes per corpus (scans)")
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "citebot-bench")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    sample_bot = open_bot(SAMPLE, args.cache / "sample-data")
    sample_docs = all_documents(sample_bot)
    if args.corpus in ("sample", "all"):
        bbc_docs = _bbc_texts(60, args.seed)
        bench("sample", sample_bot, bbc_docs, args.quotes, args.scan_quotes, args.seed)
    if args.corpus in ("bbc", "all"):
        bbc_bot = open_bot(BBC, args.cache / "bbc-data")
        bench("bbc", bbc_bot, sample_docs, args.quotes, args.scan_quotes, args.seed)


def _bbc_texts(n: int, seed: int) -> list[Document]:
    """A few BBC articles read from disk: quotes that are absent from the sample corpus."""
    from citebot.index.errors import CitebotError
    from citebot.index.ingest.loader import discover, load

    files = random.Random(seed).sample(discover([BBC]), n)
    docs = []
    for f in files:
        try:
            docs.append(load(f))
        except CitebotError:
            continue
    return docs


if __name__ == "__main__":
    main()
