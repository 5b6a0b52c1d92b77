from collections.abc import Iterable

import pytest

from citebot.index.text.language import other_language

ARCHIVE = {"china", "russia", "zelensky", "ambassador", "drones", "putin", "weapons"}


def holds(words: Iterable[str]) -> set[str]:
    return {w for w in words if w in ARCHIVE}


@pytest.mark.parametrize("question", [
    "¿Qué dijo China sobre Rusia?",
    "¿Quién convocó al embajador chino?",
    "Wer hat den chinesischen Botschafter einbestellt?",
    "Qui a convoqué l'ambassadeur chinois ?",
    "Chi ha convocato l'ambasciatore cinese?",
    "Кто вызвал посла Китая?",
    "谁召见了中国大使？",
])
def test_questions_in_other_languages(question: str) -> None:
    assert other_language(question, holds)


@pytest.mark.parametrize("question", [
    "Who summoned the Chinese ambassador?",
    "What did he say about weapons?",
    "Zelensky drones China",  # keywords: no function words, but the archive's words
    "Who is Halyna Zelenska's sister?",  # English about names the archive lacks
    "Kamala Harris",
    "Rusia",  # one unknown word is not a language: the answer says which name is missing
    "Was Putin in China?",  # "was" is German too; the archive holds the rest
])
def test_english_questions_and_keywords(question: str) -> None:
    assert not other_language(question, holds)
