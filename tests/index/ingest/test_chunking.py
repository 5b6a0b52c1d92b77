from citebot.index.embed.embedder import Embedder
from citebot.index.ingest.chunking import chunk
from citebot.index.ingest.loader import discover, load, make_document
from tests.conftest import CORPUS


def test_chunks_are_verbatim_sentence_runs_within_the_model_limit(embedder: Embedder) -> None:
    for file in discover([CORPUS]):
        doc = load(file)
        chunks = chunk(doc, embedder.count_tokens, limit=200, overlap=1)
        assert chunks
        for c in chunks:
            assert c.text == doc.text[c.start : c.end]
            assert c.sentences[0].start == c.start and c.sentences[-1].end == c.end
            assert embedder.count_tokens([c.text])[0] <= 254
            for s in c.sentences:
                assert doc.text[s.start : s.end].strip() == doc.text[s.start : s.end]
        joined = " ".join(c.text for c in chunks)
        for junk in ("READ ALSO", "Total Comments", "Para comentar", "3 days ago"):
            assert junk not in joined


def test_overlap_repeats_one_sentence(embedder: Embedder) -> None:
    text = "\n".join(f"Sentence number {i} talks about the war in some detail." for i in range(60))
    chunks = chunk(make_document("x.txt", text), embedder.count_tokens, limit=60, overlap=1)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert a.sentences[-1] == b.sentences[0]


def test_an_overlong_sentence_is_cut_at_spaces(embedder: Embedder) -> None:
    text = "word " * 600 + "end."
    chunks = chunk(make_document("x.txt", text), embedder.count_tokens, limit=100, overlap=0)
    assert len(chunks) >= 6
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert embedder.count_tokens([c.text])[0] <= 100
