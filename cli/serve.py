"""``citebot serve``: the HTTP API and its web page on uvicorn (and the Telegram bot, when
CITEBOT_TELEGRAM_TOKEN or TELEGRAM_BOT_TOKEN is set).

On start it indexes ``corpus/`` (CITEBOT_CORPUS_DIR) when the store is empty, then prints a
``curl`` command to try. The embedded Chroma store belongs to one process: a second
``citebot serve`` (or ``citebot ask``) on the same CITEBOT_DATA_DIR refuses to start, saying
so; to run several, point every process at a Chroma server (CITEBOT_CHROMA_HOST).

Examples:
    citebot serve
    CITEBOT_API_KEY=secret citebot serve --host 0.0.0.0 --port 8080
"""

import argparse
import copy
import json
import shlex
from functools import partial
from typing import Any

from citebot.cli.memory import return_large_blocks
from citebot.index.service import Citebot
from citebot.settings import get_settings

EXAMPLE_QUESTION = "Who summoned the Chinese ambassador?"


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    serve = sub.add_parser("serve", help="run the HTTP API and web page (uvicorn)",
                           description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--host", help="interface to listen on (CITEBOT_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (CITEBOT_PORT, 8000)")
    serve.set_defaults(run=run)


def curl_example(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    body = json.dumps({"question": EXAMPLE_QUESTION})
    return (f"curl -s http://{shown}:{port}/v1/ask -H 'Content-Type: application/json' "
            f"-d {shlex.quote(body)}")


def prepare(bot: Citebot, *, host: str, port: int) -> None:
    """Runs in the server's startup thread, after the model is loaded."""
    if removed := bot.clean_up():
        print(f"Removed {removed} chunks a killed write left behind.", flush=True)
    if bot.count() == 0:
        print(f"Indexing {bot.settings.corpus_dir} (the store is empty)…", flush=True)
        report = bot.ingest()
        for problem in report.problems:
            print(f"skipped: {problem}", flush=True)
        print(report.summary(), flush=True)
    print(f"citebot is ready at http://{host}:{port}/ — try:\n  {curl_example(host, port)}",
          flush=True)


def run(bot: Citebot, args: argparse.Namespace) -> int:
    """citebot serve [--host 127.0.0.1] [--port 8000]"""
    import uvicorn

    from citebot.api.app import create_app
    from citebot.bot.app import companion as telegram_companion

    return_large_blocks()  # before the store and the lexical index load
    settings = get_settings()
    # before listening: a second server on the same embedded store is refused at once
    bot.claim_data_folder()
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    app = create_app(
        settings, bot, prepare=partial(prepare, host=host, port=port),
        # the Telegram bot shares this process, its model and its store when a token is set
        companions=(partial(telegram_companion, settings=settings),)
        if settings.telegram_token else (),
    )
    uvicorn.run(app, host=host, port=port, log_config=log_config())
    return 0


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with citebot's own loggers (readiness, a lost store) beside it."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["citebot"] = {"handlers": ["default"], "level": "INFO",
                                    "propagate": False}
    return config
