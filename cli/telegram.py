"""``citebot telegram``: run the Telegram bot on its own.

The token comes from TELEGRAM_BOT_TOKEN (or CITEBOT_TELEGRAM_TOKEN); create a bot with
@BotFather to get one. Long polling by default; set CITEBOT_TELEGRAM_WEBHOOK_URL and
CITEBOT_TELEGRAM_WEBHOOK_SECRET for a webhook. An embedded Chroma store belongs to one
process (a second one on the same CITEBOT_DATA_DIR is refused): run the bot inside
`citebot serve` instead (it starts when a token is set), or point both at a Chroma server
(CITEBOT_CHROMA_HOST).

Examples:
    TELEGRAM_BOT_TOKEN=123456:ABC... citebot telegram
"""

import argparse
import asyncio
import logging
import sys

from telegram.error import InvalidToken, NetworkError

from citebot.cli.memory import return_large_blocks
from citebot.index.service import Citebot
from citebot.settings import get_settings

log = logging.getLogger("citebot.telegram")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    telegram = sub.add_parser("telegram", help="run the Telegram bot (long polling or webhook)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    telegram.set_defaults(run=run)


def run(bot: Citebot, args: argparse.Namespace) -> int:
    """citebot telegram"""
    from citebot.bot.app import build_application, check_token
    from citebot.bot.app import run as run_bot

    return_large_blocks()  # before the store and the lexical index load
    settings = get_settings()
    app = build_application(settings, bot)  # raises NotConfigured without a token
    bot.claim_data_folder()  # DataFolderBusy beside a server on the same embedded store
    try:
        username = asyncio.run(check_token(settings))
    except InvalidToken as e:
        print(f"citebot: Telegram refused the bot token ({e}); check TELEGRAM_BOT_TOKEN",
              file=sys.stderr)
        return 2
    except NetworkError as e:
        print(f"citebot: could not reach the Bot API at {settings.telegram_api_url} ({e}); "
              "check the network or CITEBOT_TELEGRAM_API_URL", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per long poll
    log.info("starting @%s: loading the model and opening the store", username)
    bot.warm_up()
    if bot.count() == 0:
        log.warning("no documents are indexed: run `citebot ingest` (the bot answers "
                    "'found nothing' until then)")
    run_bot(app, settings)
    return 0
