"""``citebot eval``: retrieval quality of dense, lexical and hybrid retrieval side by side.

Examples:
    citebot eval ../shared/datasets/scifact --data-dir /tmp/scifact-eval
    citebot eval --questions tests/questions.jsonl --corpus corpus/ --json
    citebot eval --squad ../shared/datasets/squad/dev-v1.1-even.json --limit 1000 --holdout 2
"""

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from citebot.evaluate import beir, squad
from citebot.evaluate.runs import (
    MODES,
    Report,
    eval_bot,
    evaluate_beir,
    evaluate_questions,
    ingest_beir,
    read_questions,
)
from citebot.index.errors import InvalidInput
from citebot.index.ingest.pipeline import Progress
from citebot.index.service import Citebot


def _bar(desc: str, unit: str) -> Callable[[int], Progress]:
    def make(total: int) -> Progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit=unit, desc=desc, file=sys.stderr,
                   disable=not sys.stderr.isatty())

        def tick(n: int) -> None:
            bar.update(n)
            if bar.n >= total:
                bar.close()

        return tick

    return make


@contextmanager
def _data_dir(given: str | None) -> Iterator[Path]:
    """The given folder (kept, so the next run reuses its index) or a temporary one."""
    if given:
        yield Path(given)
        return
    tmp = tempfile.mkdtemp(prefix="citebot-eval-")
    try:
        yield Path(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(bot: Citebot, args: argparse.Namespace) -> int:
    if sum(map(bool, (args.dataset, args.questions, args.squad))) != 1:
        raise InvalidInput("give a BEIR dataset folder (citebot eval DIR), a question file "
                           "(citebot eval --questions FILE --corpus DIR) or a SQuAD file "
                           "(citebot eval --squad FILE), not both")
    if (args.limit is not None or args.holdout) and not args.squad:
        raise InvalidInput("--limit and --holdout go with --squad")
    with _data_dir(args.data_dir) as data_dir:
        if args.squad:
            print(_squad(bot, args, data_dir))
            return 0
        report = _beir(bot, args, data_dir) if args.dataset else _questions(bot, args, data_dir)
    print(report.json() if args.json else report.table())
    return 0


def _squad(bot: Citebot, args: argparse.Namespace, data_dir: Path) -> str:
    path = Path(args.squad)
    if args.limit is not None and args.limit < 1:
        raise InvalidInput(f"--limit must be at least 1, not {args.limit}")
    articles = squad.load(path)  # fails fast, before minutes of embedding
    kept, _ = squad.split(articles, args.holdout)
    ebot = eval_bot(bot, data_dir, path.with_name(f"{path.name}-holdout{args.holdout}"))
    ebot.ingest_documents([a.document for a in kept], progress=_bar("Embedding", "article"))
    rates = squad.evaluate(ebot, articles, holdout=args.holdout, limit=args.limit,
                           progress=_bar("Evaluating", "question")).rates()
    if args.json:
        return json.dumps(rates, indent=2)
    return "\n".join(f"{k:<26}{v:>10}" for k, v in rates.items())


def _beir(bot: Citebot, args: argparse.Namespace, data_dir: Path) -> Report:
    root = Path(args.dataset)
    dataset = beir.load(root, args.split)  # fails fast, before minutes of embedding
    ebot = eval_bot(bot, data_dir, root, title=not args.no_title)
    ingest_beir(ebot, root, title=not args.no_title, progress=_bar("Embedding", "doc"))
    tick = _bar("Evaluating", "query")(len(dataset.queries))
    report = evaluate_beir(ebot, dataset, tick=tick)
    return Report(f"{dataset.name} ({args.split})", report.queries, report.scores)


def _questions(bot: Citebot, args: argparse.Namespace, data_dir: Path) -> Report:
    questions = read_questions(Path(args.questions))
    corpus = Path(args.corpus) if args.corpus else bot.settings.corpus_dir
    ebot = eval_bot(bot, data_dir, corpus)
    ebot.ingest([corpus], prune=True, progress=_bar("Embedding", "doc"))
    tick = _bar("Evaluating", "question")(len(questions))
    report = evaluate_questions(ebot, questions, tick=tick)
    unanswerable = sum(1 for q in questions if not q.expect)
    name = f"{Path(args.questions).name} on {corpus} ({unanswerable} off-topic questions)"
    return Report(name, report.queries, report.scores)


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "eval", help="measure retrieval (nDCG@10, recall@10, MRR@10, hit@3) or answer quality",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dataset", nargs="?", help="a BEIR folder: corpus.jsonl, queries.jsonl, qrels/")
    p.add_argument("--split", default="test", help="qrels/<split>.tsv to judge with (test)")
    p.add_argument("--no-title", action="store_true",
                   help="index BEIR documents without their title line")
    p.add_argument("--questions", help='a JSON-lines file of {"question", "expect": [...]}')
    p.add_argument("--corpus", help="the folder the questions are about (CITEBOT_CORPUS_DIR)")
    p.add_argument("--squad", help="a SQuAD v1.1 JSON file: answer quality on its articles")
    p.add_argument("--limit", type=int, help="with --squad: ask N questions, evenly spread")
    p.add_argument("--holdout", type=int, default=0, help="with --squad: leave the last K "
                   "articles out of the archive; their questions should find nothing")
    p.add_argument("--data-dir", help="keep the evaluation index here and reuse it next time "
                   "(default: a temporary folder)")
    p.add_argument("--json", action="store_true",
                   help=f"print {{mode: {{metric: value}}}} for the modes {', '.join(MODES)}")
    p.set_defaults(run=run)
