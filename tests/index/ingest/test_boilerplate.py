"""Web boilerplate lines are recognised (they are stored, never chunked)."""

from citebot.index.ingest.boilerplate import is_boilerplate


def test_boilerplate_lines() -> None:
    for line in ["READ ALSO: US Says Ukraine Peace Efforts ‘Hopefully Moving’", "Total Comments: 0",
                 "Para comentar, debés estar registrado", "3 days ago", "Comentarios",
                 "Por favor, iniciá sesión", "Puede interesarte"]:
        assert is_boilerplate(line), line
    assert not is_boilerplate("Volodymyr Zelenskyy")
    assert not is_boilerplate("Read the statement below, he said, and 3 days ago it changed.")
