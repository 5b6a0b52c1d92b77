"""Follow-up questions: what a pronoun or "that" stands for comes from the earlier turn."""

from citebot.index.ask.followup import Context, resolve
from citebot.index.models import Turn
from citebot.index.service import Citebot

LIN_JIAN = Turn(
    question="What did Lin Jian say?",
    answer="Chinese Foreign Ministry spokesperson Lin Jian stated on April 9, “Let me stress "
    "that the Chinese government always asks Chinese nationals to stay away from areas of "
    "armed conflict.” [1]",
)


def test_resolve() -> None:
    assert resolve("Who summoned the ambassador?", [LIN_JIAN]) == Context(
        "Who summoned the ambassador?", "Who summoned the ambassador?")
    assert resolve("What did he say?", []).people == ()
    got = resolve("What did he say about weapons?", [LIN_JIAN])
    assert got.query.startswith("What did he say about weapons? (What did Lin Jian say?")
    assert got.people[0] == "Lin Jian"  # the earlier question's name first
    that = resolve("When did that happen?", [LIN_JIAN])
    assert that.people == () and "April" in that.about and "[1]" not in that.about


def test_a_pronoun_keeps_to_the_person_asked_about(corpus_bot: Citebot) -> None:
    answer = corpus_bot.ask("What did he say about weapons?", history=[LIN_JIAN])
    assert answer.found
    # Lin Jian's words, not whoever else speaks of weapons (Zelensky does, often)
    assert "never provided lethal weapons" in answer.citations[0].text
    assert all("Lin Jian" in c.text for c in answer.citations), answer.answer


def test_he_after_a_turn_about_zelensky_answers_with_zelenskys_words(
    corpus_bot: Citebot,
) -> None:
    first = corpus_bot.ask("What did Zelensky say about North Korean troops?")
    answer = corpus_bot.ask("What did he say about drones?",
                            history=[Turn(question=first.question, answer=first.answer)])
    best = answer.citations[0].text
    assert "drone" in best and "Zelensky" in best, answer.answer


def test_when_did_that_happen_after_the_donetsk_answer_gives_its_date(
    corpus_bot: Citebot,
) -> None:
    # issue 13's follow-up: "that" is the capture the earlier answer cited
    donetsk = Turn(
        question="Where were the Chinese soldiers captured?",
        answer="He added, “Our military captured two Chinese citizens who fought in the Russian "
        "army. This happened on the territory of Ukraine – in the Donetsk region.” [1]",
    )
    answer = corpus_bot.ask("And when did that happen?", history=[donetsk])
    assert answer.found and answer.short is not None, answer.answer
    assert answer.short.text in {"April 9", "Tuesday"}, answer.short
    assert "captured" in answer.citations[0].text


def test_when_did_that_happen_after_the_real_donetsk_answer(corpus_bot: Citebot) -> None:
    # the answer as citebot gives it: quotations that end a sentence ('… region.” He …')
    # once hid every name of it from the follow-up, which then cited a dateless sentence
    question = "Where were the Chinese soldiers captured?"
    first = corpus_bot.ask(question)
    assert "Donetsk" in first.citations[0].text
    answer = corpus_bot.ask("And when did that happen?",
                            history=[Turn(question=question, answer=first.answer)])
    assert answer.found and answer.short is not None, answer.answer
    assert answer.short.text in {"April 9", "Tuesday"}, answer.short
