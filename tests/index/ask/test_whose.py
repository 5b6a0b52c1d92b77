"""Whose thing a sentence names: the question's "Chinese soldiers" are not "North Korean
soldiers"."""

from citebot.index.ask.whose import others, qualified
from citebot.index.text.entities import Entity

KURSK = ("Ukrainian forces captured two injured North Korean soldiers in the Kursk region, "
         "after the Chinese fighters.")
# document offsets: the sentence starts at 1000
KURSK_ENTS = [Entity(1000, 1009, "NORP"), Entity(1038, 1050, "NORP"),
              Entity(1066, 1078, "LOC"), Entity(1090, 1097, "NORP")]


def test_the_question_names_its_nouns_modifier() -> None:
    assert qualified("Where were the Chinese soldiers captured?") == {"soldier": "chinese"}
    assert qualified("Which North Korean unit fought?") == {"unit": "north korean"}
    # the question's first word is not a modifier, nor a name with nothing behind it
    assert qualified("Soldiers of which army were captured?") == {}
    assert qualified("Who met Zelensky?") == {}
    # a name before a verb is taken too: harmless, as only a sentence with the verb right
    # behind another nationality or place ("the Ukrainian speak…") would not share it
    assert qualified("Where did Zelensky speak?") == {"speak": "zelensky"}


def test_a_noun_only_behind_another_nationality_is_not_shared() -> None:
    asked = qualified("Where were the Chinese soldiers captured?")
    assert KURSK[38:50] == "North Korean"
    assert others(KURSK, 1000, KURSK_ENTS, asked) == {"soldier"}


def test_a_noun_behind_the_same_modifier_or_none_is_shared() -> None:
    asked = qualified("Where were the Chinese soldiers captured?")
    text = "Two Chinese soldiers were captured; the soldiers spoke Mandarin."
    assert others(text, 0, [Entity(4, 11, "NORP")], asked) == set()
    mixed = "North Korean soldiers and other soldiers were captured."
    assert others(mixed, 0, [Entity(0, 12, "NORP")], asked) == set()  # one is not theirs
    assert others("No such word here.", 0, [], asked) == set()
    # the same country in another form is the same
    china = qualified("Where were China's soldiers captured?")
    assert others(text, 0, [Entity(4, 11, "NORP")], china) == set()
    assert others(KURSK, 1000, KURSK_ENTS, china) == {"soldier"}
