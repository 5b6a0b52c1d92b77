"""The people and bodies a document names resolve pronouns, roles and short names."""

from citebot.index.verify.people import context
from citebot.index.verify.subjects import Subject

TEXT = ("Ukrainian President Volodymyr Zelenskyy spoke in Kyiv.\n"
        "The Ministry of Foreign Affairs of Ukraine summoned the ambassador.\n"
        "Zelensky said the talks failed. Later the president added more.")


def test_a_short_name_resolves_to_the_longest_form_used() -> None:
    assert context(TEXT).full_name("Zelensky") == "Volodymyr Zelenskyy"


def test_a_role_and_a_pronoun_resolve_to_the_person_named_before() -> None:
    people = context(TEXT)
    at = TEXT.index("Later")
    assert people.resolve(Subject("role", ("the", "president"), ("president",)), at) == \
        "Volodymyr Zelenskyy"
    assert people.resolve(Subject("pronoun", ("he",)), at) == "Volodymyr Zelenskyy"


def test_a_body_resolves_to_its_full_name() -> None:
    people = context(TEXT)
    subject = Subject("body", ("the", "ministry"), ("ministry",))
    assert people.resolve(subject, len(TEXT)) == "The Ministry of Foreign Affairs of Ukraine"
