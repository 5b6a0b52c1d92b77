"""Quote verification: are these words in the corpus, as worded, and said by whom?

1. Candidates come from the index: the documents of the chunks BM25 ranks highest for
   the quote and, unless those hold it verbatim, of the sentences closest to it in the
   dense index; no other document is read.
2. Each candidate is aligned with the quote word by word after normalisation (quotes.py):
   verbatim occurrences first (ellipses may skip words), else the closest passage.
3. Verbatim words are ``verified``, or ``misattributed`` when the corpus names someone
   else as their speaker (speakers.py), or ``unattributed`` when a speaker is given and the
   corpus names none for them (the writer's own narration cannot confirm a speaker); a
   close passage with changed words is ``altered`` (with the differences); anything else
   is ``not_found``.
"""

from collections.abc import Iterable, Sequence
from functools import lru_cache

from bm25s.stopwords import STOPWORDS_EN

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import InvalidInput
from citebot.index.ingest.loader import lines
from citebot.index.models import Document, Match, Verdict, VerdictKind
from citebot.index.store.chroma import Store
from citebot.index.store.ids import sources_of
from citebot.index.store.lexical import LexicalIndex
from citebot.index.text.checks import check_text, valid_field
from citebot.index.text.names import same_speaker
from citebot.index.text.sentences import sentences
from citebot.index.text.words import Words, segments
from citebot.index.verify.align import Alignment, Change, approximate, exact
from citebot.index.verify.anchors import context, identity
from citebot.index.verify.speakers import attribute

# candidates per quote: chunks from BM25 and from the dense index; at most
# MAX_DOCUMENTS of their documents from each are aligned in full
LEXICAL_CHUNKS = 10
DENSE_CHUNKS = 20
MAX_DOCUMENTS = 8
MAX_MATCHES = 5
MAX_VERBATIM = 25  # occurrences looked at for who said them
MAX_SPEAKER_CHARS = 200
# "altered" needs a passage that is recognisably the quote: most words the same, in order,
# with some run of them unbroken. Sharing topic words ("Chinese", "Russia", "drones") with
# an article gives low similarity and short runs, and is "not_found".
MIN_SIMILARITY = 0.6
MIN_RUN = 3
MIN_CONTENT_KEPT = 0.6
# BM25's English stop words, less the negations: "not" is what a misquote often changes
_STOPWORDS = frozenset(STOPWORDS_EN) - {"no", "not"}


def check_quote(quote: str, speaker: str | None, max_chars: int) -> tuple[str, str | None]:
    """The quote and speaker, trimmed; ``InvalidInput`` saying what to fix otherwise."""
    quote = check_text(quote, "quote", max_chars, over=": check a shorter passage",
                       empty="send the words to check, e.g. 'The Chinese side has never "
                             "provided lethal weapons'")
    if not segments(quote):
        raise InvalidInput("the quote has no words, only punctuation: send the words to check",
                           "quote")
    speaker = valid_field(speaker or "", "speaker").strip() or None
    if speaker and len(speaker) > MAX_SPEAKER_CHARS:
        raise InvalidInput(f"the speaker is {len(speaker):,} characters; the limit is "
                           f"{MAX_SPEAKER_CHARS}: send a name", "speaker")
    return quote, speaker


def verify_quote(
    quote: str, speaker: str | None, *, store: Store, embedder: Embedder, lexical: LexicalIndex
) -> Verdict:
    """The verdict on a checked quote (see ``check_quote``) with the passages that prove it.

    Verbatim words are found by BM25 alone (they share every term with their source), so a
    quote found there needs no embedding; otherwise the documents of the sentences closest
    in meaning are added, since a changed word can hide a passage from BM25.
    """
    parts = segments(quote)
    docs = _read(store, _lexical_sources(quote, store, lexical))
    if not any(exact(words, parts) for _, words in docs):
        seen = {doc.meta.source for doc, _ in docs}
        dense = [s for s in _dense_sources(quote, store, embedder) if s not in seen]
        docs += _read(store, dense)
    return judge(quote, speaker, docs)


def judge(quote: str, speaker: str | None, docs: Sequence[tuple[Document, Words]]) -> Verdict:
    """The verdict from aligning the quote with these documents (and their words)."""
    parts = segments(quote)
    verbatim = [(doc, words, a) for doc, words in docs for a in exact(words, parts)]
    if verbatim:
        verbatim = verbatim[:MAX_VERBATIM]  # a stock phrase can occur hundreds of times
        matches = _unique(_match(doc, words, a) for doc, words, a in verbatim)
        return _attribution(quote, speaker, matches)
    said = [w for p in parts for w in p.words]
    close = [(doc, words, approximate(words, parts)) for doc, words in docs]
    close = [found for found in close if _close_enough(found[2], said)]
    close.sort(key=lambda found: -found[2].similarity)
    if close:
        matches = _unique(_match(doc, words, a) for doc, words, a in close[:MAX_MATCHES])
        return Verdict(quote=quote, speaker=speaker, verdict="altered", matches=matches,
                       said_by_another=_another(speaker, matches))
    return Verdict(quote=quote, speaker=speaker, verdict="not_found")


def _lexical_sources(quote: str, store: Store, lexical: LexicalIndex) -> list[str]:
    """Documents of the chunks BM25 ranks highest for the quote's words."""
    return sources_of([i for i, _ in lexical.search(quote, LEXICAL_CHUNKS)])


def _dense_sources(quote: str, store: Store, embedder: Embedder) -> list[str]:
    """Documents of the chunks closest to the quote in meaning (one Chroma query). Chunks,
    not sentences: nothing else searches sentences by nearest neighbour, and an index entry
    per sentence cost most of the store's memory (benchmarks/verify.py: same verdicts)."""
    vec = embedder.embed_queries([quote])[0]
    return sources_of([i for i, _ in store.nearest(vec, DENSE_CHUNKS)])


def _read(store: Store, sources: list[str]) -> list[tuple[Document, Words]]:
    return [(doc, _words(doc.text)) for doc in store.get_many(sources[:MAX_DOCUMENTS])]


@lru_cache(maxsize=32)
def _words(text: str) -> Words:
    """Normalised words of a document text (cached: popular articles are checked often)."""
    return Words.of(text)


def _close_enough(a: Alignment, quote: Sequence[str]) -> bool:
    """Recognisably the quote: similar overall, a run of words unbroken, and most of its
    content words in place (a shared stock phrase such as "this is the first time" alone
    does not make a different statement an altered quote)."""
    content = {i for i, w in enumerate(quote) if w not in _STOPWORDS}
    kept = len(content.intersection(a.kept)) / len(content) if content else 1.0
    return (a.similarity >= MIN_SIMILARITY and a.longest_run >= min(MIN_RUN, len(quote))
            and kept >= MIN_CONTENT_KEPT)


def _match(doc: Document, words: Words, a: Alignment) -> Match:
    """The whole sentence(s) holding the aligned words, with speaker, anchor and link."""
    text = doc.text
    first, last = words.starts[a.first], words.ends[a.last - 1]
    start, end = _sentence_span(text, first, last)
    prefix, suffix = context(text, start, end)
    return Match(
        source=doc.meta.source,
        start=start,
        end=end,
        text=text[start:end],
        similarity=round(a.similarity, 4),
        speaker=attribute(text, first, last),
        differences=[_describe(c) for c in a.changes],
        prefix=prefix,
        suffix=suffix,
        **identity(doc, text[start:end]),
        quote_start=first,
        quote_end=last,
    )


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of the sentence holding ``start`` to the end of the one holding
    ``end`` (a fragment of a longer quote is shown in its whole sentence)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    spans = [
        s for a, b in lines(text[: len(text) if line_end < 0 else line_end], line_start)
        for s in sentences(text, a, b)
    ]
    begin = max((s.start for s in spans if s.start <= start), default=start)
    finish = min((s.end for s in spans if s.end >= end), default=end)
    return begin, finish


def _describe(change: Change) -> str:
    """``two → three`` (changed), ``- lethal`` (left out), ``+ any`` (added)."""
    source, said = (" ".join(words) for words in change)
    if source and said:
        return f"{source} → {said}"
    return f"- {source}" if source else f"+ {said}"


def _unique(matches: Iterable[Match]) -> list[Match]:
    seen: dict[tuple[str, int, int], Match] = {}
    for m in matches:
        seen.setdefault((m.source, m.start, m.end), m)
    return list(seen.values())


def _another(speaker: str | None, matches: list[Match]) -> str | None:
    """Who the closest passage names, when it is not ``speaker`` and no other passage names
    ``speaker`` either (as for ``misattributed``)."""
    if not speaker or any(m.speaker and same_speaker(speaker, m.speaker) for m in matches):
        return None
    return matches[0].speaker if matches and matches[0].speaker else None


def _attribution(quote: str, speaker: str | None, matches: list[Match]) -> Verdict:
    """Verbatim words are misattributed only when the corpus names someone else and never
    the given speaker; words it attributes to no one cannot contradict the speaker, nor
    confirm them: ``unattributed``."""
    verdict: VerdictKind = "verified"
    if speaker:
        agree = [m for m in matches if m.speaker and same_speaker(speaker, m.speaker)]
        other = [m for m in matches if m.speaker and not same_speaker(speaker, m.speaker)]
        if agree:
            matches = agree + [m for m in matches if m not in agree]
        elif other:
            verdict = "misattributed"
            matches = other + [m for m in matches if m not in other]
        else:
            verdict = "unattributed"
    return Verdict(quote=quote, speaker=speaker, verdict=verdict, matches=matches[:MAX_MATCHES])
