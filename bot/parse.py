"""What a user's message asks for: the command's argument, the question, the quote.

Pure functions over strings, tested directly.
"""

import re

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
# The quote in “…”, "…", „…“ or «…»; greedy, so quotation marks inside it survive.
_QUOTED = re.compile(r"^[\"“”„«](?P<quote>.+)[\"“”»](?P<rest>[^\"“”»]*)$", re.DOTALL)
# What may separate the quote from its speaker: dashes, a comma or colon, or "by".
_SEPARATOR = re.compile(r"^(?:[—–\-,:]+|by\b)\s*", re.IGNORECASE)
# Without quotation marks only a spaced dash separates: "by" is too common inside quotes.
_UNQUOTED = re.compile(r"^(?P<quote>.+)\s[—–-]\s+(?P<speaker>[^—–]+)$", re.DOTALL)


def command_argument(text: str) -> str:
    """The text after a leading ``/command`` or ``/command@bot``."""
    return _COMMAND.sub("", text.strip(), count=1).strip()


def strip_mention(text: str, username: str) -> str:
    """The question in a group message that mentions the bot: the mention taken out."""
    without = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return without.strip(" \t\n,:;")


def has_words(text: str) -> bool:
    """Whether there is anything to search for: a letter or a digit, not just emoji."""
    return any(ch.isalnum() for ch in text)


def quote_and_speaker(text: str) -> tuple[str, str | None]:
    """Split ``“QUOTE” — SPEAKER`` (speaker optional; curly or straight quotation marks;
    ``—``, ``–``, ``-`` or ``by`` between them) into the quote and the speaker."""
    text = text.strip()
    if quoted := _QUOTED.match(text):
        quote = quoted["quote"].strip()
        speaker = _SEPARATOR.sub("", quoted["rest"].strip(), count=1)
    elif unquoted := _UNQUOTED.match(text):
        quote, speaker = unquoted["quote"].strip(), unquoted["speaker"]
    else:
        return text, None
    speaker = speaker.strip().rstrip(".")
    return quote, speaker or None
