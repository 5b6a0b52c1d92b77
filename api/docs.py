"""``/docs``: Swagger UI served from the installed ``swagger-ui-bundle-v2`` package, so the
page works offline (FastAPI's default loads it from a CDN, and is blank without one); and
``state_limits``, which writes the deployment's limits into ``/openapi.json``.

The package ships Swagger UI's release files with its Apache-2.0 licence; they are served
under ``/docs/assets``. Swagger UI 5 is needed: FastAPI writes OpenAPI 3.1, which 4 cannot
read. ReDoc has no such package, so ``/redoc`` is off rather than blank.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from citebot.api.schemas import upload_schema
from citebot.settings import Settings

ASSETS = "/docs/assets"


def install(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` for ``app``'s OpenAPI document (create the app with
    ``docs_url=None`` and ``redoc_url=None``)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        assert app.openapi_url is not None
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )


def state_limits(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``schema`` (FastAPI's OpenAPI document) with ``settings``' limits on the request
    fields: the core checks them (the request models do not restate them), and clients
    generating requests from the schema need them. Idempotent: it only sets values."""
    models = schema["components"]["schemas"]
    ask, verify = models["AskRequest"]["properties"], models["VerifyRequest"]["properties"]
    ask["question"]["maxLength"] = verify["quote"]["maxLength"] = settings.max_question_chars
    top_k = next(s for s in ask["top_k"]["anyOf"] if s.get("type") == "integer")
    top_k.update(minimum=1, maximum=settings.max_top_k)
    body = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    body["application/json"]["schema"]["properties"]["text"]["maxLength"] = (
        settings.max_document_chars)
    body["multipart/form-data"]["schema"] = upload_schema(settings.max_document_chars)
    return schema
