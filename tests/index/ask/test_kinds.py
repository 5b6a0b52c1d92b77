"""What kind of thing a question asks for, and which entities of a sentence are of it."""

import pytest

from citebot.index.ask.kinds import asked, of_kind
from citebot.index.text.entities import Entity


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Where were the Chinese soldiers captured?", "place"),
        ("In which region were the two Chinese soldiers captured?", "place"),
        ("And when did that happen?", "time"),
        ("In what year did von Frisch share the Nobel Prize?", "time"),
        ("How many Chinese citizens are fighting for Russia according to Zelensky?", "number"),
        ("How much did trade grow?", "amount"),
        ("What percentage of Russia's microelectronics came from China?", "percentage"),
        ("What share of Russia's microelectronics came from China?", "percentage"),
        ("Who summoned the Chinese ambassador?", "who"),
        ("The Broncos defeated whom?", "who"),
        ("Which NFL team represented the AFC?", "who"),
        ("How far off the coast is Rottnest Island?", "measure"),
        # a "who" that opens a clause asks for nobody
        ("What did Zelensky say about the Chinese citizens who work at the drone factory?", None),
        ("What did he say about drones?", None),
        ("Why did China deny it?", None),
        ("Recommend a good pasta recipe", None),
        # asks what a named person or body is, not for another one
        ("Who is Lin Jian?", None),
        ("who was Philip I", None),
        ("Who was the hostage?", "who"),
        ("Who is the President?", "who"),
        ("Who is the president of Ukraine?", "who"),
        ("Who was Kennedy's vice president?", "who"),
        ("Who was the 2015 NFL MVP?", "who"),
    ],
)
def test_asked(question: str, kind: str | None) -> None:
    got = asked(question)
    assert (got.name if got else None) == kind


def test_how_much_is_not_a_bare_count() -> None:
    kind = asked("How much did Levi's Stadium cost?")
    assert kind is not None and "MONEY" in kind.labels and "CARDINAL" not in kind.labels


def test_of_kind_leaves_out_what_the_question_names() -> None:
    text = "Zelensky said 155 Chinese fought in the Donetsk region, not in Russia."
    ents = [Entity(0, 8, "PERSON"), Entity(14, 17, "CARDINAL"), Entity(18, 25, "NORP"),
            Entity(40, 54, "LOC"), Entity(63, 69, "GPE")]
    place = asked("Where in Russia did they fight?")
    assert [text[e.start : e.end] for e in of_kind(place, ents, text, 0, "Where in Russia?")] \
        == ["Donetsk region"]
    number = asked("How many fought?")
    # offsets are the document's: the text starts at 100 there
    shifted = [Entity(e.start + 100, e.end + 100, e.label) for e in ents]
    assert of_kind(number, shifted, text, 100, "How many fought?") == [shifted[1]]
    assert of_kind(None, ents, text, 0, "What did he say?") == []


def test_of_kind_sees_the_question_name_behind_an_article_or_a_possessive() -> None:
    text = "Tests ran at the Kennedy Space Center; ABC hired Frank Marx."
    ents = [Entity(13, 37, "FAC"), Entity(39, 42, "ORG"), Entity(49, 59, "PERSON")]
    where = asked("Where did the crew test at Kennedy Space Center?")
    assert of_kind(where, ents, text, 0, "Where did the crew test at Kennedy Space Center?") == []
    who = asked("Who was ABC's vice-president?")
    assert of_kind(who, ents, text, 0, "Who was ABC's vice-president?") == [ents[2]]


@pytest.mark.parametrize(("said", "kept"), [
    ("April 9", True), ("Tuesday", True), ("the 1990s", True), ("the Middle Ages", True),
    ("the eighteenth century", True), ("last year", True), ("early spring", True),
    ("three days later", True), ("the twentieth century", True), ("Christmas", True),
    ("the following year", True), ("that year", True), ("the nineties", True),
    ("the Ming dynasty", True), ("the weekend", True),
    ("the years", False), ("Days", False), ("the dynasty", False), ("annual", False),
    ("recent years", False),
])
def test_when_leaves_out_dates_that_name_no_time(said: str, kept: bool) -> None:
    text = f"It happened {said}."
    ents = [Entity(12, 12 + len(said), "DATE")]
    assert bool(of_kind(asked("When did it happen?"), ents, text, 0, "When?")) is kept


def test_how_long_keeps_every_duration() -> None:
    text = "It lasted the years of the war, then hours."
    ents = [Entity(10, 30, "DATE"), Entity(37, 42, "TIME")]
    assert of_kind(asked("How long did it last?"), ents, text, 0, "How long?") == ents


@pytest.mark.parametrize(("question", "said", "answer"), [
    ("In what year did Goodell call it important?", "early 2012", "2012"),
    ("What year did Doctor Who return?", "26 March 2005", "2005"),
    ("How old was Elway when he won?", "age 38", "38"),
    # nothing to cut, or more than one: the whole entity
    ("What year was the census?", "the 1990s", "the 1990s"),
    ("What year was it?", "2015 or 2016", "2015 or 2016"),
    ("When did Doctor Who return?", "26 March 2005", "26 March 2005"),
    ("How long did the war last?", "6 years", "6 years"),
])
def test_the_part_of_an_entity_that_answers(question: str, said: str, answer: str) -> None:
    text = f"So: {said}."
    ents = [Entity(104, 104 + len(said), "DATE")]  # the text starts at 100 in its document
    [got] = of_kind(asked(question), ents, text, 100, question)
    assert text[got.start - 100 : got.end - 100] == answer and got.label == "DATE"


def test_an_entity_run_on_across_a_dash_is_cut_there() -> None:
    text = "Trade reached around $240 billion—26% more than before."
    said = "around $240 billion—26%"
    ents = [Entity(text.index(said), text.index(said) + len(said), "MONEY")]
    question = "How much was trade worth?"
    [got] = of_kind(asked(question), ents, text, 0, question)
    assert text[got.start : got.end] == "around $240 billion" and got.label == "MONEY"


def test_a_long_capitalised_run_is_read_in_linear_time() -> None:
    # words must be spaced: a run of capitals was split every way before failing
    # (2^n steps: 0.6 s at 22 letters, minutes at 30)
    who = asked("Who said?")
    assert who is not None and who.name == "who"
    assert asked("Who is " + "A" * 5000 + "a!") == who
    assert asked("Who is " + "Ab " * 2000 + "said?") == who
