"""The FastAPI app: ``create_app(settings, citebot)`` builds one per process.

The model and the store are created once, in the lifespan, and shared by every request
through ``CitebotDep``. Loading the model (and, for ``citebot serve``, indexing an empty
corpus) runs in a background thread after the server starts listening, so ``/healthz``
answers at once and ``/readyz`` says 503 until the core is ready. Once ready, the store's
leftovers are cleaned every ``CLEAN_SECONDS``, not only at start.

Other long-running services can share the process and its ``Citebot``: pass
``companions`` (async context managers entered at startup and exited at shutdown). This is
the hook for running the Telegram bot inside ``citebot serve``.

Run with uvicorn directly (settings from the environment):
    uvicorn --factory api.app:create_app --host 127.0.0.1 --port 8000
"""

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse

from citebot.api import ask, docs, documents, errors, health, logs, verify
from citebot.api.head import HeadAsGet
from citebot.api.limits import BodyLimit
from citebot.api.routing import CheckedBodyRoute
from citebot.api.state import AppState
from citebot.index import offline  # noqa: F401  (before anything imports transformers)
from citebot.index.errors import CitebotError
from citebot.index.service import LEFTOVER_SECONDS, Citebot
from citebot.settings import Settings, get_settings

log = logging.getLogger("citebot.api")
CLEAN_SECONDS = LEFTOVER_SECONDS  # how often a serving process removes leftovers
STATIC = Path(__file__).parent / "static"

Companion = Callable[[Citebot], AbstractAsyncContextManager[object]]
Prepare = Callable[[Citebot], object]


class App(FastAPI):
    """FastAPI whose ``/openapi.json`` states the deployment's limits (``docs.state_limits``)."""

    def openapi(self) -> dict[str, Any]:
        state: AppState = self.state.citebot_state
        return docs.state_limits(super().openapi(), state.settings)


async def _start(state: AppState, bot: Citebot, prepare: Prepare | None) -> None:
    """Load the model, run ``prepare`` (e.g. index an empty corpus), then mark ready."""
    try:
        state.detail = "loading the embedding model"
        await anyio.to_thread.run_sync(bot.warm_up)
        state.model_loaded = True
        if prepare is not None:
            state.detail = "preparing the index"
            await anyio.to_thread.run_sync(prepare, bot)
        count = await anyio.to_thread.run_sync(bot.count)
    except Exception as e:  # reported by /readyz; the process stays up to say why
        log.exception("citebot failed to start")
        state.status, state.detail = "failed", f"startup failed: {type(e).__name__}: {e}"
        return
    state.status, state.detail = "ready", f"{count} documents indexed"
    log.info("citebot is ready: %s", state.detail)


async def _clean_periodically(state: AppState, bot: Citebot) -> None:
    """Remove what killed or failed writes left (``Citebot.clean_up``) while serving: on a
    shared Chroma server a replica killed mid-upload leaves chunks no other process would
    otherwise remove until one restarts or ingests. Invisible to answers meanwhile (they
    check committed versions), but they hold disk and memory. Cheap when nothing was
    written (the change log's head is read by id)."""
    while True:
        await anyio.sleep(CLEAN_SECONDS)
        if state.status != "ready":
            continue
        try:
            removed = await anyio.to_thread.run_sync(bot.clean_up)
        except CitebotError as e:  # a store that went away: the next round tries again
            log.warning("cleaning leftovers failed (will retry): %s", e)
            continue
        except Exception:  # never the server's end: the task group would take it down
            log.exception("cleaning leftovers failed (will retry)")
            continue
        if removed:
            log.info("removed %d chunks a killed or failed write left behind", removed)


def create_app(
    settings: Settings | None = None,
    citebot: Citebot | None = None,
    *,
    prepare: Prepare | None = None,
    companions: Sequence[Companion] = (),
) -> FastAPI:
    """The API for one ``Citebot``; built from ``settings`` (default: the environment) in
    the lifespan unless one is given (tests pass one that shares their loaded model)."""
    if settings is None:  # a Citebot built with the whole settings object brings it along
        given = citebot.settings if citebot else None
        settings = given if isinstance(given, Settings) else get_settings()
    state = AppState(settings=settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.install()  # here: uvicorn has configured its loggers by now
        bot = citebot or Citebot(settings)  # cheap: the model and store load in _start
        state.citebot = bot
        async with anyio.create_task_group() as tasks, AsyncExitStack() as stack:
            tasks.start_soon(_start, state, bot, prepare)
            tasks.start_soon(_clean_periodically, state, bot)
            for companion in companions:
                await stack.enter_async_context(companion(bot))
            yield
            # a thread cannot be interrupted: shutdown waits for one running to finish
            tasks.cancel_scope.cancel()
        await anyio.to_thread.run_sync(bot.close)  # saves the lexical index's cache

    app = App(
        title="citebot",
        summary="Answers from a news archive, made of its own sentences, each cited verbatim.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by docs.install from the package, not a CDN
        redoc_url=None,
    )
    app.router.route_class = CheckedBodyRoute
    app.state.citebot_state = state
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    for module in (health, ask, verify, documents):
        app.include_router(module.router)
    docs.install(app)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        """A small page to ask questions and read the cited passages in context."""
        return FileResponse(STATIC / "index.html")

    return app
