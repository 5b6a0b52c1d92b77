"""When two names are the same speaker."""

import pytest

from citebot.index.text.names import same_speaker


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
