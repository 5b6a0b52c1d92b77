"""Names a question asks about that the retrieved passages never mention."""

from citebot.index.ask.answer import unmentioned
from citebot.index.models import Chunk, ScoredChunk, Span


def passages(*texts: str) -> list[ScoredChunk]:
    return [ScoredChunk(chunk=Chunk(source=f"{n}.txt", index=0, start=0, end=len(t), text=t,
                                    sentences=(Span(start=0, end=len(t)),)),
                        title=None, score=0.5, doc_hash="h") for n, t in enumerate(texts)]


def test_a_name_no_passage_mentions_is_reported() -> None:
    chunks = passages("Beijing summoned the ambassador on Tuesday.",
                      "The captured soldiers were shown on video.")
    assert unmentioned("What did Xi Jinping say about the captured soldiers?", chunks) == [
        "Xi Jinping"]
    assert unmentioned("Who summoned the ambassador?", chunks) == []  # names nothing


def test_spelling_variants_and_word_forms_count_as_mentioned() -> None:
    chunks = passages("Volodymyr Zelenskyy said Japanese and Chinese envoys met in 2023.")
    assert unmentioned("What did Zelensky say about Japan and China in 2023?", chunks) == []
    assert unmentioned("What did Zelensky say about India?", chunks) == ["India"]
    assert unmentioned("What happened in Kiev?", passages("Kyiv was quiet.")) == ["Kiev"]
