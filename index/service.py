"""``Citebot``: the core's one entry point, wiring settings, model, store and indexes."""

import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from citebot.index import offline  # noqa: F401
from citebot.index.ask.answer import unmentioned
from citebot.index.ask.candidates import candidates
from citebot.index.ask.compose import compose
from citebot.index.ask.followup import about_whom, resolve
from citebot.index.ask.kinds import asked
from citebot.index.ask.retrieve import Retriever
from citebot.index.ask.words import terms
from citebot.index.embed.embedder import Embedder
from citebot.index.errors import InvalidInput
from citebot.index.ingest.loader import make_document, read
from citebot.index.ingest.pipeline import Ingestor, Progress
from citebot.index.models import Answer, Document, DocumentMeta, IngestReport, Turn, Verdict
from citebot.index.settings import Settings
from citebot.index.store.chroma import Store, connect
from citebot.index.store.lexical import LexicalIndex
from citebot.index.text.checks import valid_unicode
from citebot.index.text.entities import EntityCache
from citebot.index.verify.verdicts import check_quote, verify_quote


class Citebot:
    """Loads the model and opens the store once; every method is safe to call from threads."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None,
                 client: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(
            settings.embed_model,
            batch_size=settings.embed_batch_size,
            backend=settings.embed_backend,
            precision=settings.embed_precision,
            cache_dir=settings.data_dir / "models",
        )
        self._client = client
        self._write_lock = threading.Lock()  # one writer at a time keeps versions simple

    @cached_property
    def store(self) -> Store:
        return Store(self._client or connect(self.settings), self.settings.collection,
                     self.embedder.kind)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.settings.lexical_dir / self.settings.collection, self.store)

    @cached_property
    def entities(self) -> EntityCache:
        return EntityCache(self.settings.data_dir / "entities" / f"{self.settings.collection}.db")

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.lexical)

    def warm_up(self) -> None:
        """Load the model and open the store now rather than on the first question."""
        vec = self.embedder.embed_queries(["warm up"])[0]
        # the first query of each Chroma collection loads its vector index (~100 ms)
        self.retriever.retrieve("warm up", vec, 1, "hybrid")
        if self.store.sentences.count():
            self.store.sentences.query(query_embeddings=[vec.tolist()], n_results=1)

    # -- writing ----------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        progress: Callable[[int], Progress] | None = None,
    ) -> IngestReport:
        with self._write_lock:
            ingestor = Ingestor(self.settings, self.embedder, self.store)
            report = ingestor.ingest_paths(
                paths or [self.settings.corpus_dir], prune=prune, progress=progress
            )
            if report.chunks or report.removed:
                self.lexical.rebuild()
                self.entities.fill(self.store)  # here, so that questions never wait for it
            return report

    def add_document(self, source: str, text: str | bytes, **meta: str | None) -> DocumentMeta:
        """Add or replace one document; it is answerable when this returns."""
        source = _check_source(source)
        found = read(text, source)  # bytes: read by the source's suffix (an unknown one is refused)
        text = valid_unicode(found.text, "document text")
        if not text.strip():
            raise InvalidInput(f"{source}: the document is empty; send its text")
        if len(text) > self.settings.max_document_chars:
            raise InvalidInput(
                f"{source}: {len(text):,} characters is over the limit of "
                f"{self.settings.max_document_chars:,} (CITEBOT_MAX_DOCUMENT_CHARS); split it"
            )
        given = {k: valid_unicode(v, k) for k, v in meta.items() if v}
        doc = make_document(source, text, **(found.meta() | given))  # the caller's meta wins
        with self._write_lock:
            Ingestor(self.settings, self.embedder, self.store).write([doc])
            self.lexical.rebuild()
            self.entities.fill(self.store)
        return self.store.metas([source])[source]

    def delete_document(self, source: str) -> None:
        with self._write_lock:
            self.store.delete(source)
            self.lexical.rebuild()

    # -- reading ----------------------------------------------------------------------

    def documents(self, offset: int = 0, limit: int | None = None) -> list[DocumentMeta]:
        return self.store.list_documents(offset, limit)

    def document(self, source: str) -> Document:
        return self.store.get(_check_source(source))

    def ask(self, question: str, *, top_k: int | None = None,
            history: Sequence[Turn] = ()) -> Answer:
        """Answer with verbatim sentences, or say plainly that the corpus has no answer."""
        question = self.check_question(question)
        k = self.check_top_k(top_k)
        turns = history[-self.settings.history_turns :] if self.settings.history_turns else ()
        for turn in turns:
            valid_unicode(turn.question, "history question")
            valid_unicode(turn.answer, "history answer")
        context = resolve(question, turns)
        vec = self.embedder.embed_queries([context.query])[0]
        chunks = self.retriever.retrieve(context.query, vec, k, self.settings.retrieval_mode)
        kind = asked(question)
        # entities only when they matter: the cache read is ~0.1 ms, a miss ~10 ms a chunk
        ents = self.entities.of(chunks) if kind or context.people else {}
        about = about_whom(context, question, chunks, ents)
        ranked = candidates(question, chunks, self.store.sentence_vectors(chunks), vec,
                            self.lexical.idf(terms(about)), kind=kind, entities=ents)
        return compose(
            question, ranked, min_score=self.settings.min_score,
            max_sentences=self.settings.answer_sentences,
            unmentioned=unmentioned(question, chunks),
        )

    def verify(self, quote: str, speaker: str | None = None) -> Verdict:
        """Is the quote in the corpus as worded (and said by ``speaker``)? Raises InvalidInput
        for an empty quote, one with no words, or one over CITEBOT_MAX_QUESTION_CHARS."""
        quote, speaker = check_quote(quote, speaker, self.settings.max_question_chars)
        return verify_quote(quote, speaker, store=self.store, embedder=self.embedder,
                            lexical=self.lexical)

    def check_question(self, question: str) -> str:
        question = valid_unicode(question, "question").strip()
        if not question:
            raise InvalidInput("the question is empty: ask something, e.g. "
                               "'Who summoned the Chinese ambassador?'")
        if len(question) > self.settings.max_question_chars:
            raise InvalidInput(
                f"the question is {len(question):,} characters; the limit is "
                f"{self.settings.max_question_chars:,} (CITEBOT_MAX_QUESTION_CHARS)"
            )
        return question

    def check_top_k(self, top_k: int | None) -> int:
        k = self.settings.top_k if top_k is None else top_k
        if not 1 <= k <= self.settings.max_top_k:
            raise InvalidInput(f"top_k must be between 1 and {self.settings.max_top_k}, not {k}")
        return k


def _check_source(source: str) -> str:
    """A relative path inside the corpus: no absolute paths, no '..', no empty parts."""
    valid_unicode(source, "source")
    parts = source.replace("\\", "/").split("/")
    if not source.strip() or source.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InvalidInput(
            f"source {source!r} must be a relative path inside the corpus, like 'news/a.txt'"
        )
    if "\x00" in source or len(source) > 512:
        raise InvalidInput("source must be at most 512 characters with no NUL byte")
    return source
