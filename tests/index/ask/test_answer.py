"""What a question names (the words an answer's passages must mention)."""

import pytest

from citebot.index.ask.answer import named


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What did Xi Jinping say?", ["Xi Jinping"]),
        ("Who is Xi Jinping?", ["Xi Jinping"]),
        ("Where is Wuhan Tongsheng Technology based?", ["Wuhan Tongsheng Technology"]),
        ("How many Chinese soldiers died in Mali?", ["Chinese", "Mali"]),
        ("What did Zelenskyy's office say about Kyiv’s plans?", ["Zelenskyy", "Kyiv"]),
        ("How much did trade grow from $5 billion in 2023?", ["5", "2023"]),
        ("What is the story behind 'Millions buy MP3 players in US'?",
         ["Millions", "MP3", "US"]),  # no closing quote in "US"
        ("Quick question: Who summoned the ambassador? Please cite your sources.", []),
        ("I'd like to know: what did NATO call China?", ["NATO", "China"]),
        ("WHO SENT THE ENVOY IN 2023?", ["2023"]),  # shouting: capitals name nothing
        ("What Did Lin Jian Say About Lethal Weapons?", []),  # title case, likewise
        ("what did xi jinping say", []),
        ("", []),
    ],
)
def test_named(question: str, names: list[str]) -> None:
    assert named(question) == names
