"""`citebot chat`: questions line by line with the turns kept, from a pipe and a terminal."""

import json
import shutil
from pathlib import Path

from citebot.index.models import Answer, Turn, Verdict
from citebot.index.service import Citebot
from tests.cli.conftest import Terminal, run

QUESTION = "Who summoned the Chinese ambassador?"
FOLLOW_UP = "Where?"  # found only with the turn before it in mind
LIN_JIAN = "The Chinese side has never provided lethal weapons"


def test_a_pipe_gets_one_answer_per_question_and_follow_ups_use_the_turns(
    sample_data: Path, corpus_bot: Citebot
) -> None:
    lines = [QUESTION, FOLLOW_UP, "", "/reset", FOLLOW_UP]
    done = run(["chat", "--json"], sample_data, stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    answers = [Answer.model_validate_json(line) for line in done.stdout.splitlines()]
    assert [a.question for a in answers] == [QUESTION, FOLLOW_UP, FOLLOW_UP]  # blank: skipped
    first = corpus_bot.ask(QUESTION)
    expected = corpus_bot.ask(FOLLOW_UP, history=[Turn(question=QUESTION, answer=first.answer)])
    assert answers[1].found and answers[1].answer == expected.answer
    assert not answers[2].found  # after /reset the question stands alone
    assert answers[2].answer == corpus_bot.ask(FOLLOW_UP).answer
    assert done.stderr == "(earlier questions forgotten)\n"  # notices off stdout, no prompt


def test_text_answers_are_apart_and_verify_and_mistakes_do_not_stop_it(
    sample_data: Path
) -> None:
    lines = [QUESTION, f'/verify "{LIN_JIAN}" --speaker "Lin Jian"', "/verify", "/nonsense",
             "   ", "/help", QUESTION, "/quit", QUESTION]
    done = run(["chat"], sample_data, stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Ministry of Foreign Affairs summoned Chinese Ambassador") >= 2
    assert "VERIFIED: The words are in the archive as quoted." in done.stdout
    assert "said by Lin Jian" in done.stdout and "/verify WORDS [--speaker NAME]" in done.stdout
    assert "›" not in done.stdout
    assert done.stdout.count("\n[1] ") == 3  # two answers, one verdict: none after /quit
    assert done.stderr.splitlines() == [
        'citebot: put the words after /verify, e.g. /verify "The Chinese side has never '
        'provided lethal weapons" --speaker "Lin Jian"',
        "citebot: there is no command /nonsense: try /help",
    ]


def test_verify_in_chat_takes_the_speaker_and_json(sample_data: Path) -> None:
    done = run(["chat", "--json"], sample_data,
               stdin=f"/verify {LIN_JIAN} --speaker Zelensky\n/verify “{LIN_JIAN}”\n")
    verdicts = [Verdict.model_validate_json(line) for line in done.stdout.splitlines()]
    assert [(v.verdict, v.speaker) for v in verdicts] == [("misattributed", "Zelensky"),
                                                         ("verified", None)]
    assert verdicts[1].quote == f"“{LIN_JIAN}”"


def test_a_bad_question_is_named_and_the_next_one_answered(sample_data: Path) -> None:
    done = run(["chat", "--json"], sample_data, stdin=f"{'x' * 2001}\n{QUESTION}\n")
    assert done.returncode == 0
    assert done.stderr.startswith("citebot: the question is 2,001 characters; the limit is")
    assert json.loads(done.stdout)["found"]


def test_chat_on_an_empty_data_folder_says_to_ingest(tmp_path: Path) -> None:
    done = run(["chat"], tmp_path / "nothing", stdin=f"{QUESTION}\n")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("citebot: there is no index in")


def test_on_a_terminal_it_prompts_and_keeps_a_line_history(
    sample_data: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample_data, data)  # the history file is written next to the index
    term = Terminal(["chat"], data)
    at = term.expect("› ")
    assert "/help lists the commands, Ctrl-D leaves." in term.output
    term.send(QUESTION + "\r")
    at = term.expect("› ", after=term.expect("[1] ", after=at))
    term.send("\x1b[A\r")  # the up arrow recalls the question, Enter asks it again
    at = term.expect("› ", after=term.expect("[1] ", after=at))
    assert term.output.count("(001_7bffb0ae13b85e22.txt), characters 1758-2110") == 2
    term.send("\x04")  # Ctrl-D
    assert term.finish() == 0
    assert (data / "chat_history").read_text().splitlines()[-1] == QUESTION

    again = Terminal(["chat"], data)  # a new session recalls the last one's questions
    again.expect("› ")
    again.send("\x1b[A\r")
    again.expect("[1] ", after=again.expect(QUESTION))
    again.send("/quit\r")
    assert again.finish() == 0
