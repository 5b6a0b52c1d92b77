"""How many candidate spans are cited, and the short answer: always verbatim inside its
cited sentence."""

from citebot.evaluate.runs import read_questions
from citebot.index.ask.candidates import Candidate
from citebot.index.ask.compose import compose, pick, short
from citebot.index.service import Citebot
from citebot.index.text.entities import Entity
from tests.conftest import CORPUS, ROOT


def _cand(text: str, start: int, chance: float, answers: tuple[Entity, ...] = (),
          source: str = "a.txt") -> Candidate:
    return Candidate(source, None, start, start + len(text), text, 0.6, chance, answers, ())


def test_fewer_spans_when_the_best_clearly_answers() -> None:
    sure = _cand("It lies 18 kilometres off the coast.", 0, 0.95)
    rest = [_cand("Quokkas live there.", 40, 0.7, source="b.txt"),
            _cand("Rats do not.", 60, 0.2, source="c.txt")]
    assert pick([sure, *rest], 3) == [sure]
    unsure = _cand("It lies off the coast.", 0, 0.5)
    assert pick([unsure, *rest], 3) == [unsure, rest[0]]  # 0.2 is not close to 0.5
    inside = _cand("lies off", 3, 0.45)  # inside a span already cited: not again
    assert pick([unsure, inside, *rest], 3) == [unsure, rest[0]]


def test_short_answer_needs_exactly_one_of_the_kind() -> None:
    text = "Vlamingh landed in 1696, and left in 1697."
    one = _cand(text, 500, 0.9, (Entity(519, 523, "DATE"),))
    got = short(one)
    assert got is not None and (got.text, got.n, got.start, got.end) == ("1696", 1, 519, 523)
    two = _cand(text, 500, 0.9, (Entity(519, 523, "DATE"), Entity(537, 541, "DATE")))
    assert short(two) is None
    # two sentences holding two: the likeliest sentence inside that holds one decides
    first = _cand("Vlamingh landed in 1696,", 500, 0.8, (Entity(519, 523, "DATE"),))
    assert short(two, [two, first]).text == "1696"  # type: ignore[union-attr]
    assert short(_cand(text, 500, 0.9)) is None
    said = _cand("Sheldon Ungar's book says so.", 10, 0.9, (Entity(10, 25, "PERSON"),))
    got = short(said)
    assert got is not None and (got.text, got.start, got.end) == ("Sheldon Ungar", 10, 23)


def test_compose_says_why_it_found_nothing() -> None:
    weak = _cand("Quokkas live there.", 0, 0.9)
    assert not compose("Q?", [weak], min_score=0.7, max_sentences=3).found
    named = compose("Q?", [weak], min_score=0.1, max_sentences=3, unmentioned=["Peru"])
    assert not named.found and "“Peru”" in named.answer


def test_every_short_answer_is_verbatim_inside_its_cited_sentence(corpus_bot: Citebot) -> None:
    questions = [q.question for q in read_questions(ROOT / "tests" / "questions.jsonl")]
    given = 0
    for question in questions:
        answer = corpus_bot.ask(question)
        if answer.short is None:
            continue
        given += 1
        s = answer.short
        cited = answer.citations[s.n - 1]
        assert cited.start <= s.start < s.end <= cited.end, question
        assert (CORPUS / cited.source).read_text()[s.start : s.end] == s.text, question
        assert cited.text[s.start - cited.start : s.end - cited.start] == s.text
    assert given >= 10  # measured 18 of the file’s 55 questions
