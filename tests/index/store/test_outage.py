"""``index/store/outage.py``: a Chroma server that does not answer becomes
``StoreUnavailable``, with one log line when the outage starts and one when it ends. The
failures are real: connections to a loopback port where nothing listens."""

import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import chromadb
import httpx
import pytest
from chromadb.config import Settings

from citebot.index.errors import StoreUnavailable
from citebot.index.store.outage import Outages


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fail(outages: Outages, port: int) -> StoreUnavailable:
    with pytest.raises(StoreUnavailable) as caught, outages.guard():
        httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=5)
    return caught.value


def _lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "citebot.store"]


def test_an_outage_is_logged_when_it_starts_and_when_it_ends(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="citebot.store")
    where = f"127.0.0.1:{closed_port}"
    outages = Outages(where)
    with outages.guard():
        pass  # reachable from the start: nothing to say
    error = _fail(outages, closed_port)
    assert str(error) == (f"the archive's store is unreachable (the Chroma server at {where} "
                          "does not answer); try again shortly")
    assert isinstance(error.__cause__, httpx.ConnectError)
    _fail(outages, closed_port)  # the same outage: no second line
    [(level, line)] = _lines(caplog)
    assert level == logging.ERROR
    assert line.startswith(f"the Chroma server at {where} is unreachable (ConnectError: ")
    assert line.endswith("requests that need the store fail until it is back")

    with outages.guard():
        pass  # a call that succeeds ends the outage
    with outages.guard():
        pass
    assert [level for level, _ in _lines(caplog)] == [logging.ERROR, logging.WARNING]
    assert _lines(caplog)[1][1].startswith(f"the Chroma server at {where} is reachable again "
                                           "after ")
    _fail(outages, closed_port)  # a new outage gets a line of its own
    assert [level for level, _ in _lines(caplog)] == [logging.ERROR, logging.WARNING,
                                                      logging.ERROR]


def test_chromas_could_not_connect_error_is_an_outage_too(closed_port: int) -> None:
    # Chroma's client, when created, turns the connection error into a ValueError
    outages = Outages(f"127.0.0.1:{closed_port}")
    with pytest.raises(StoreUnavailable) as caught, outages.guard():
        chromadb.HttpClient(host="127.0.0.1", port=closed_port,
                            settings=Settings(anonymized_telemetry=False))
    assert isinstance(caught.value.__cause__, ValueError)
    assert "Could not connect to a Chroma server" in str(caught.value.__cause__)


def test_other_errors_pass_through_untouched(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    outages = Outages(f"127.0.0.1:{closed_port}")
    with pytest.raises(ValueError, match="^a bug$"), outages.guard():
        raise ValueError("a bug")
    # a server that answers, even with an error, is not an outage
    answered = httpx.Response(500, request=httpx.Request("GET", "http://127.0.0.1/"))
    with pytest.raises(httpx.HTTPStatusError), outages.guard():
        answered.raise_for_status()
    assert _lines(caplog) == []


def test_failing_at_once_from_many_threads_logs_one_line(
    closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    outages = Outages(f"127.0.0.1:{closed_port}")
    with ThreadPoolExecutor(8) as pool:
        errors = list(pool.map(lambda _: _fail(outages, closed_port), range(16)))
    assert all(isinstance(e, StoreUnavailable) for e in errors)
    assert len(_lines(caplog)) == 1
