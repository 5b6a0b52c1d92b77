"""``/docs``: Swagger UI served from the installed ``swagger-ui-bundle-v2`` package, so the
page works offline (FastAPI's default loads it from a CDN, and is blank without one).

The package ships Swagger UI's release files with its Apache-2.0 licence; they are served
under ``/docs/assets``. Swagger UI 5 is needed: FastAPI writes OpenAPI 3.1, which 4 cannot
read. ReDoc has no such package, so ``/redoc`` is off rather than blank.
"""

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

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
