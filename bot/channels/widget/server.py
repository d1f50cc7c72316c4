"""aiohttp application serving the widget files and the demo page."""

from __future__ import annotations

from aiohttp import web

from bot.channels.widget.assets import Asset, load_assets
from bot.channels.widget.security import common_headers, embeddable_headers
from bot.channels.widget.settings import WidgetSettings

# Client addresses and user agents are left out of the access log on purpose: a person's visit to a
# counter-trafficking chat should not be traceable from our logs.
ACCESS_LOG_FORMAT = '"%r" %s %b %Tfs'


def create_app(settings: WidgetSettings, runtime: dict | None = None) -> web.Application:
    """Build the app; the files are read now, so a missing build fails at start, not on first request."""
    app = web.Application(middlewares=[security_headers_middleware(common_headers(settings))])
    add_widget_routes(app, load_assets(settings, runtime))
    return app


def security_headers_middleware(headers: dict[str, str]):
    """Adds the security headers to every response, errors included."""

    @web.middleware
    async def security_headers(request: web.Request, handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return security_headers


def add_widget_routes(app: web.Application, assets: dict[str, Asset]) -> None:
    """The widget's files, the demo page and a health check; every other path is 404."""

    async def serve(request: web.Request) -> web.StreamResponse:
        asset = assets.get(request.path)
        if asset is None:
            raise web.HTTPNotFound(text="not found")
        return asset_response(request, asset)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def no_favicon(_: web.Request) -> web.Response:
        return web.Response(status=204)  # browsers ask for it; answering saves a 404 in every console

    app.router.add_get("/healthz", health)
    app.router.add_get("/favicon.ico", no_favicon)
    app.router.add_get("/{path:.*}", serve)


def asset_response(request: web.Request, asset: Asset) -> web.Response:
    """Serve an asset: gzip when the browser takes it, 304 when its copy is still current."""
    headers = {
        "ETag": asset.etag,
        # Revalidate every time (a 304 is tiny), so an updated widget reaches phones at once.
        "Cache-Control": "no-cache",
        "Vary": "Accept-Encoding",
    }
    if asset.embeddable:
        headers.update(embeddable_headers())
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = asset.content_type
    return web.Response(body=body, headers=headers)


def run(settings: WidgetSettings) -> None:
    """Serve until interrupted."""
    app = create_app(settings)
    print(f"widget: demo page at http://{settings.host}:{settings.port}/ (Rasa at {settings.rasa_url})", flush=True)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log_format=ACCESS_LOG_FORMAT,
        print=None,
    )
