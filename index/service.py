"""``Citebot``: the core's one entry point, wiring settings, model, store and indexes."""

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from citebot.index import offline  # noqa: F401
from citebot.index.ask.answer import unmentioned
from citebot.index.ask.candidates import Candidate, candidates
from citebot.index.ask.compose import compose
from citebot.index.ask.followup import Context, about_whom, resolve
from citebot.index.ask.kinds import asked
from citebot.index.ask.retrieve import Retriever
from citebot.index.ask.whose import qualified
from citebot.index.embed.embedder import Embedder
from citebot.index.errors import concerning
from citebot.index.ingest.loader import make_document, read
from citebot.index.ingest.pipeline import Ingestor, Progress
from citebot.index.models import (
    Answer,
    Document,
    DocumentMeta,
    IngestReport,
    ScoredChunk,
    Turn,
    Verdict,
)
from citebot.index.settings import CoreSettings, RetrievalMode
from citebot.index.store.chroma import Sentences, Store
from citebot.index.store.entities import EntityCache, refill
from citebot.index.store.entities import found as entities_found
from citebot.index.store.layout import connect
from citebot.index.store.lexical import LexicalIndex
from citebot.index.store.lock import Lease, hold
from citebot.index.store.outage import Outages
from citebot.index.text.checks import (
    check_document_text,
    check_question,
    check_source,
    check_top_k,
    valid_field,
)
from citebot.index.text.entities import pipeline as entity_pipeline
from citebot.index.text.language import OTHER_LANGUAGE, other_language
from citebot.index.text.sentences import sentences
from citebot.index.text.tokens import terms
from citebot.index.verify.anchors import identity
from citebot.index.verify.parsed import pipeline as parser_pipeline
from citebot.index.verify.verdicts import check_quote, verify_quote

LEFTOVER_SECONDS = 600.0  # a write older than this, never committed, was killed

Method = TypeVar("Method", bound=Callable[..., Any])


def _reaching_store(method: Method) -> Method:
    """A lost Chroma server raises StoreUnavailable (logged once per outage), not httpx's
    error: each adapter answers "unavailable, try again shortly"."""

    @wraps(method)
    def guarded(self: "Citebot", *args: Any, **kwargs: Any) -> Any:
        with self._outages.guard():
            return method(self, *args, **kwargs)

    return cast(Method, guarded)


class Citebot:
    """Loads the model and opens the store once; every method is safe to call from threads."""

    def __init__(self, settings: CoreSettings, *, embedder: Embedder | None = None,
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
        self._lease: Lease | None = None  # the data folder's lock, while this one uses it
        self._outages = Outages(f"{settings.chroma_host}:{settings.chroma_port}")

    def claim_data_folder(self) -> None:
        """Lock the embedded store's data folder for this process (DataFolderBusy if another
        process has it); nothing to do with a Chroma server, which serves many processes."""
        if self._client is None and not self.settings.chroma_host:
            self._lease = hold(self.settings.data_dir)

    @cached_property
    def store(self) -> Store:
        self.claim_data_folder()
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

    @_reaching_store
    def warm_up(self) -> None:
        """Load the models and open the store now rather than on the first question."""
        vec = self.embedder.embed_queries(["warm up"])[0]
        sentences("Warm up. The sentence splitter loads its model once.", 0, 53)
        entity_pipeline()  # spaCy: ~3 s to import and load, paid before the first "who?"
        parser_pipeline()  # ~2 s more: quote verification's fallback for who spoke
        self.store.warm(vec)
        self.retriever.retrieve("warm up", vec, 1, "hybrid")

    def close(self) -> None:
        """Save the lexical index's cache (so the next start applies only newer changes)."""
        if "lexical" in self.__dict__:
            self.lexical.save()

    @_reaching_store
    def clean_up(self) -> int:
        """Remove chunks a killed write left behind (``Store.clean_leftovers``); returns how
        many. On a Chroma server another process may be mid-write, so only leftovers older
        than LEFTOVER_SECONDS go; an embedded store has no other writer (its folder is
        locked), so all of them do."""
        with self._write_lock:
            return self.store.clean_leftovers(LEFTOVER_SECONDS if self.settings.chroma_host
                                              else 0.0)

    # -- writing ----------------------------------------------------------------------

    @_reaching_store
    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        progress: Callable[[int], Progress] | None = None,
    ) -> IngestReport:
        self.clean_up()
        with self._write_lock:
            ingestor = Ingestor(self.settings, self.embedder, self.store, find_entities=True)
            report = ingestor.ingest_paths(
                paths or [self.settings.corpus_dir], prune=prune, progress=progress
            )
            self.lexical.catch_up()
        # again after: the next process to start then checks none of this ingest's sources
        # (after a large ingest, reading every record of its sources took seconds)
        self.clean_up()
        return report

    @_reaching_store
    def add_document(self, source: str, text: str | bytes, **meta: str | None) -> DocumentMeta:
        """Add or replace one document; it is answerable when this returns."""
        with concerning("source"):
            source = check_source(source)
        found = read(text, source)  # bytes: read by the source's suffix (an unknown one is refused)
        text = check_document_text(source, found.text, self.settings.max_document_chars)
        given = {k: valid_field(v, k) for k, v in meta.items() if v}
        with concerning("url"):  # the one input make_document checks
            doc = make_document(source, text, **(found.meta() | given))  # the caller's meta wins
        ingestor = Ingestor(self.settings, self.embedder, self.store)
        # chunking, embedding and entities: other writes go on meanwhile
        versions = entities_found(ingestor.prepare(doc))
        with self._write_lock:  # held only to store it and update the lexical index
            self.store.write(versions)
            self.lexical.catch_up()
        return self.store.metas([source])[source]

    @_reaching_store
    def ingest_documents(self, docs: Iterable[Document], *,
                         progress: Callable[[int], Progress] | None = None) -> int:
        """Make the store hold exactly ``docs`` (documents made in memory, e.g. a BEIR
        corpus): new and changed ones written in bulk, the others removed. Returns the
        number of chunks embedded."""
        with self._write_lock:
            known = self.store.hashes()
            docs = list(docs)
            fresh = [d for d in docs if known.get(d.meta.source) != d.meta.hash]
            tick = progress(len(fresh)) if progress and fresh else None
            ingestor = Ingestor(self.settings, self.embedder, self.store, find_entities=True)
            chunks = ingestor.write(fresh, tick)
            gone = set(known) - {d.meta.source for d in docs}
            for source in gone:
                self.store.delete(source)
            self.lexical.catch_up()
            return chunks

    @_reaching_store
    def refill_entities(self, *,
                        progress: Callable[[int], Progress] | None = None) -> int:
        """Store the entities of documents stored without them under the current rules
        (``store.entities.refill``), so no process runs spaCy for them on a question.
        Returns the number of documents done."""
        return refill(self.store, progress)

    @_reaching_store
    def delete_document(self, source: str) -> None:
        with self._write_lock:
            self.store.delete(source)
            self.lexical.catch_up()

    # -- reading ----------------------------------------------------------------------

    @_reaching_store
    def count(self) -> int:
        """The number of documents stored."""
        return self.store.count()

    @_reaching_store
    def has_document(self, source: str) -> bool:
        with concerning("source"):
            source = check_source(source)
        return self.store.has(source)

    @_reaching_store
    def passages(self) -> list[str]:
        """Every stored chunk's text (evaluation counts the passages holding an answer)."""
        return [text for _, texts in self.store.committed_chunks() for text in texts]

    @_reaching_store
    def retrieve(self, questions: Sequence[str], k: int,
                 mode: RetrievalMode | None = None) -> list[list[ScoredChunk]]:
        """The k best chunks for each question, embedded in one batch (no answer composed)."""
        vecs = self.embedder.embed_queries(list(questions))
        mode = mode or self.settings.retrieval_mode
        return [self.retriever.retrieve(q, v, k, mode) for q, v in zip(questions, vecs)]

    def derive(self, settings: CoreSettings) -> "Citebot":
        """A Citebot over other settings (another store) sharing this one's loaded model."""
        return Citebot(settings, embedder=self.embedder)

    @_reaching_store
    def documents(self, offset: int = 0, limit: int | None = None) -> list[DocumentMeta]:
        return self.store.list_documents(offset, limit)

    @_reaching_store
    def document(self, source: str) -> Document:
        return self.store.get(check_source(source))

    @_reaching_store
    def ask(self, question: str, *, top_k: int | None = None,
            history: Sequence[Turn] = (), mode: RetrievalMode | None = None) -> Answer:
        """Answer with verbatim sentences, or say plainly that the corpus has no answer.
        ``mode`` overrides CITEBOT_RETRIEVAL_MODE for this question (evaluation compares them)."""
        question = self.check_question(question)
        k = self.check_top_k(top_k)
        if other_language(question, self._archive_holds):
            return Answer(question=question, answer=OTHER_LANGUAGE, citations=[], found=False)
        turns = history[-self.settings.history_turns :] if self.settings.history_turns else ()
        for turn in turns:
            valid_field(turn.question, "history", "history question")
            valid_field(turn.answer, "history", "history answer")
        context = resolve(question, turns)
        vec = self.embedder.embed_queries([context.query])[0]
        read = self.store.passages(*self.retriever.choose(
            context.query, vec, k, mode or self.settings.retrieval_mode))
        return _identified(compose(
            question, self.ranked(question, context, vec, read.chunks, read.sentences),
            min_score=self.settings.min_score, max_sentences=self.settings.answer_sentences,
            unmentioned=unmentioned(question, read.chunks),
        ), read.documents)

    def ranked(self, question: str, context: Context, vec: np.ndarray,
               chunks: Sequence[ScoredChunk], found: Sentences | None = None) -> list[Candidate]:
        """The spans of ``chunks`` that may answer, likeliest first: what ``ask`` composes
        its answer from, and what ``evaluate/fit_weights.py`` fits the weights on.
        ``found``: the chunks' sentence records, when already read (``Store.passages``)."""
        kind = asked(question)
        qualifiers = qualified(question)
        if found is None:
            found = self.store.sentences(chunks)
        # entities only when they matter: stored with the chunk (or kept here) they are
        # read, a chunk without them costs ~10 ms of spaCy
        ents = (self.entities.of(chunks, found.entities) if kind or context.people
                or qualifiers else {})
        about = about_whom(context, question, chunks, ents)
        return candidates(question, chunks, found.vectors, vec,
                          self.lexical.idf(terms(about)), kind=kind, entities=ents,
                          qualifiers=qualifiers)

    def _archive_holds(self, words: Iterable[str]) -> set[str]:
        """Those of ``words`` whose stems the archive's text contains."""
        stems = {w: terms(w) for w in words}  # a stop word has none
        held = self.lexical.holds(set().union(*stems.values()))
        return {w for w, s in stems.items() if s and s <= held}

    @_reaching_store
    def verify(self, quote: str, speaker: str | None = None) -> Verdict:
        """Is the quote in the corpus as worded (and said by ``speaker``)? Raises InvalidInput
        for an empty quote, one with no words, or one over CITEBOT_MAX_QUESTION_CHARS."""
        quote, speaker = check_quote(quote, speaker, self.settings.max_question_chars)
        return verify_quote(quote, speaker, store=self.store, embedder=self.embedder,
                            lexical=self.lexical)

    def check_question(self, question: str) -> str:
        """The question, trimmed; the one check of it (the adapters pass it on as given)."""
        return check_question(question, self.settings.max_question_chars)

    def check_top_k(self, top_k: int | None) -> int:
        return check_top_k(top_k, self.settings.top_k, self.settings.max_top_k)


def _identified(answer: Answer, docs: Mapping[str, Document]) -> Answer:
    """The answer with each citation's article identified (outlet, date, first words,
    link): a reader cites the article onward, not a file name."""
    cited = [c.model_copy(update=identity(docs[c.source], c.text)) if c.source in docs else c
             for c in answer.citations]
    return answer.model_copy(update={"citations": cited})
