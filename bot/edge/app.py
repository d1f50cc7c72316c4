"""The entry point's aiohttp application: widget files, the forwarded paths, limits and headers."""

from __future__ import annotations

from aiohttp import web

from bot.channels.widget.assets import load_assets
from bot.channels.widget.security import common_headers
from bot.channels.widget.server import ACCESS_LOG_FORMAT, add_widget_routes, security_headers_middleware
from bot.edge.proxy import FORGET_PATH, REST_PATH, SOCKET_PATH, Proxy, error
from bot.edge.settings import EdgeSettings

SETTINGS = web.AppKey("settings", EdgeSettings)
# Headers for the forwarded answers: they are data, never to be sniffed, framed or sent on with a Referer.
FORWARD_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def unavailable_text(language: str | None) -> str:
    """The fixed text with the emergency numbers, in the person's language or, if unknown, in every one."""
    from bot.emergency import directory

    book = directory()
    codes = list(book.labels["unavailable"])
    if language in codes:
        return book.unavailable(language)
    return "\n\n".join(book.unavailable(code) for code in codes)


@web.middleware
async def limits(request: web.Request, handler) -> web.StreamResponse:
    """A body over the limit gets a 413 that says what the limit is, whatever the handler."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[SETTINGS].max_body
        return error(413, f"The request is too large: the limit is {limit // 1024} KB. Send a shorter message.")


def headers_for(widget_headers: dict[str, str]):
    """The widget's pages get their content security policy; forwarded answers get the data headers."""
    forwarded_paths = (REST_PATH, FORGET_PATH, SOCKET_PATH, "/webhooks/", "/readyz")
    widget = security_headers_middleware(widget_headers)
    forwarded = security_headers_middleware(FORWARD_HEADERS)

    @web.middleware
    async def choose(request: web.Request, handler) -> web.StreamResponse:
        if request.path.startswith(forwarded_paths):
            return await forwarded(request, handler)
        return await widget(request, handler)

    return choose


def create_app(settings: EdgeSettings, runtime: dict | None = None) -> web.Application:
    """Every path the outside world may reach; anything else is 404 (Rasa's API included)."""
    proxy = Proxy(settings, unavailable_text)
    app = web.Application(middlewares=[headers_for(common_headers(settings.widget)), limits])
    app[SETTINGS] = settings
    app.on_startup.append(proxy.start)
    app.on_cleanup.append(proxy.stop)

    app.router.add_post(REST_PATH, proxy.rest)
    app.router.add_route("OPTIONS", REST_PATH, proxy.preflight)
    app.router.add_get("/webhooks/rest/", proxy.rest_health)
    app.router.add_post(FORGET_PATH, proxy.forget)
    app.router.add_route("OPTIONS", FORGET_PATH, proxy.preflight)
    app.router.add_route("*", SOCKET_PATH, proxy.socketio)
    app.router.add_get("/readyz", proxy.ready)

    add_widget_routes(app, load_assets(settings.widget, runtime))  # last: it ends with a catch-all GET
    return app


def run(settings: EdgeSettings) -> None:
    """Serve until interrupted (SIGINT/SIGTERM)."""
    app = create_app(settings)
    print(f"entry point: http://{settings.host}:{settings.port}/ (Rasa inside at {settings.rasa_url})", flush=True)
    web.run_app(app, host=settings.host, port=settings.port, access_log_format=ACCESS_LOG_FORMAT, print=None)
