"""Names: what a question names, full names in a text, when two names are the same speaker."""

import pytest

from citebot.index.text.names import full_names, named, same_speaker


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Zelensky", "Volodymyr Zelenskyy", True),
        ("Zelenskiy", "Zelenskyy", True),
        ("President Zelensky", "Volodymyr Zelensky", True),
        ("Zelensky’s", "Zelensky", True),
        ("Lin", "Lin Jian", True),
        ("Ukraine's foreign ministry", "Ukraine’s Ministry of Foreign Affairs", True),
        ("Olena Zelenska", "Volodymyr Zelenskyy", False),
        ("Lin Jian", "Volodymyr Zelensky", False),
        ("Andrii Sybiha", "Dmytro Kuleba", False),
        ("", "Zelensky", False),
    ],
)
def test_same_speaker(a: str, b: str, same: bool) -> None:
    assert same_speaker(a, b) is same
    assert same_speaker(b, a) is same


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
        # a sentence that ends inside a quotation still ends: "In" starts the next one
        ("He said, “We won.” In a social media post, Zelensky stated it.", ["Zelensky"]),
        ("He added, “Our military is strong,” and Lin Jian agreed.", ["Lin Jian"]),
        ("(It was late.) Then Lin Jian spoke.", ["Lin Jian"]),
        ("", []),
    ],
)
def test_named(question: str, names: list[str]) -> None:
    assert named(question) == names


def test_full_names_are_runs_of_two_to_four_capitalised_words() -> None:
    text = ("Ukrainian President Volodymyr Zelensky said so. Lin Jian denied it, and "
            "Zelensky replied. Lin Jian spoke again.")
    assert full_names(text) == ["Ukrainian President Volodymyr Zelensky", "Lin Jian"]
    assert full_names("no names here, only Kyiv") == []
