"""Read a retrieval dataset in BEIR layout: ``corpus.jsonl``, ``queries.jsonl``, ``qrels/``.

Hand-written (a few lines of JSON and TSV) rather than the ``beir`` package: that package
pulls in pytrec_eval, faiss and elasticsearch clients we do not use.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from citebot.index.errors import InvalidInput
from citebot.index.ingest.loader import make_document
from citebot.index.models import Document

Qrels = dict[str, dict[str, int]]  # query id -> {document id: relevance grade}


@dataclass(frozen=True)
class Dataset:
    root: Path
    queries: dict[str, str]  # only the queries that have judgements in the split
    qrels: Qrels

    @property
    def name(self) -> str:
        return self.root.resolve().name


def _jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise InvalidInput(f"{path}, line {n}: not JSON ({e})") from None
            if not isinstance(row, dict) or "_id" not in row:
                raise InvalidInput(f"{path}, line {n}: expected an object with an \"_id\"")
            yield row


def read_qrels(path: Path) -> Qrels:
    """``query-id <TAB> corpus-id <TAB> score`` lines; a header line and CRLF are allowed."""
    qrels: Qrels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.strip().split("\t")
        if parts == [""]:
            continue
        if len(parts) != 3:
            raise InvalidInput(f"{path}, line {n}: expected 3 tab-separated columns")
        try:
            score = int(parts[2])
        except ValueError:
            if n == 1:  # the header
                continue
            raise InvalidInput(
                f"{path}, line {n}: the score {parts[2]!r} is not a whole number"
            ) from None
        qrels.setdefault(parts[0], {})[parts[1]] = score
    return qrels


def load(root: Path, split: str = "test") -> Dataset:
    """Queries and judgements of one split (queries without a judgement are left out)."""
    for need in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (root / need).is_file():
            raise InvalidInput(
                f"{root} is not a BEIR dataset folder: {need} is missing (expected "
                "corpus.jsonl, queries.jsonl and qrels/<split>.tsv)"
            )
    qrels = read_qrels(root / "qrels" / f"{split}.tsv")
    if not qrels:
        raise InvalidInput(f"{root}/qrels/{split}.tsv holds no judgements")
    queries = {
        str(row["_id"]): str(row["text"])
        for row in _jsonl(root / "queries.jsonl")
        if str(row["_id"]) in qrels
    }
    missing = sorted(set(qrels) - set(queries))
    if missing:
        raise InvalidInput(f"qrels/{split}.tsv judges queries not in queries.jsonl: {missing[:5]}")
    return Dataset(root=root, queries=queries, qrels=qrels)


def documents(root: Path, *, title: bool = True) -> Iterator[Document]:
    """Corpus entries as documents. With ``title``, the stored text is ``title + "\\n" + text``
    (how BEIR evaluations index it): the title line is then part of the first chunk."""
    for row in _jsonl(root / "corpus.jsonl"):
        head = str(row.get("title") or "").strip()
        body = str(row.get("text") or "")
        text = f"{head}\n{body}" if title and head else body
        if text.strip():
            yield make_document(str(row["_id"]), text, title=head or None)
