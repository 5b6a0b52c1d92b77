"""What one server process holds: its settings, its ``Citebot`` and how far startup got."""

from dataclasses import dataclass
from typing import Literal

from citebot.index.service import Citebot
from citebot.settings import Settings

Status = Literal["starting", "ready", "failed"]


@dataclass
class AppState:
    settings: Settings
    citebot: Citebot | None = None
    status: Status = "starting"
    detail: str = "starting up"
    model_loaded: bool = False
