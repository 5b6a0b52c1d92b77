"""Split a document into sentence-aligned chunks that record their character offsets.

Sentences come from ``citebot.index.text.sentences``. The packing is ours rather than
llama-index's ``SentenceSplitter``: that splitter counts tiktoken tokens (not the embedding
model's word pieces, so its chunks get truncated) and locates chunks with ``str.find``,
which loses offsets once text is stripped or repeated.
"""

from collections.abc import Callable, Iterator

from citebot.index.ingest.boilerplate import is_boilerplate
from citebot.index.ingest.loader import front_matter_end, lines
from citebot.index.models import Chunk, Document, Span
from citebot.index.text.sentences import sentences

TokenCounter = Callable[[list[str]], list[int]]


def blocks(text: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of content lines; boilerplate lines and front matter separate them."""
    block: list[tuple[int, int]] = []
    for start, end in lines(text, front_matter_end(text)):
        line = text[start:end]
        if not line.strip():
            continue
        if is_boilerplate(line):
            if block:
                yield block
            block = []
        else:
            block.append((start, end))
    if block:
        yield block


def _split_long(text: str, span: Span, tokens: int, limit: int) -> list[Span]:
    """Cut a sentence longer than the model reads at white space into near-equal parts."""
    parts = -(-tokens // limit) + 1
    step = (span.end - span.start) / parts
    cuts = [span.start]
    for i in range(1, parts):
        target = int(span.start + i * step)
        space = text.rfind(" ", cuts[-1] + 1, target + 1)
        if space > cuts[-1]:
            cuts.append(space)
    cuts.append(span.end)
    return [Span(start=a if a == span.start else a + 1, end=b) for a, b in zip(cuts, cuts[1:])]


def chunk(doc: Document, count_tokens: TokenCounter, limit: int, overlap: int) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``limit`` word pieces."""
    text = doc.text
    chunks: list[Chunk] = []
    for block in blocks(text):
        spans = [s for line in block for s in sentences(text, *line)]
        counts = count_tokens([text[s.start : s.end] for s in spans])
        units: list[tuple[Span, int]] = []
        for span, n in zip(spans, counts):
            if n <= limit:
                units.append((span, n))
            else:
                pieces = _split_long(text, span, n, limit)
                piece_counts = count_tokens([text[p.start : p.end] for p in pieces])
                units.extend(zip(pieces, piece_counts))
        for group in _pack(units, limit, overlap):
            start, end = group[0].start, group[-1].end
            chunks.append(
                Chunk(
                    source=doc.meta.source,
                    index=len(chunks),
                    start=start,
                    end=end,
                    text=text[start:end],
                    sentences=tuple(group),
                )
            )
    return chunks


def _pack(units: list[tuple[Span, int]], limit: int, overlap: int) -> Iterator[list[Span]]:
    i = 0
    while i < len(units):
        group: list[Span] = []
        used, j = 0, i
        # +1 per sentence for the line break or space the model sees between them
        while j < len(units) and (not group or used + units[j][1] + 1 <= limit):
            group.append(units[j][0])
            used += units[j][1] + 1
            j += 1
        yield group
        if j >= len(units):
            return
        i = max(j - overlap, i + 1)
