"""Response headers that keep the demo page and the widget files from loading or leaking anything.

The browser may only connect to this server and to the Rasa server (socket.io over http(s) and ws(s));
no page we serve sends a Referer, so neither the Rasa server nor a linked site learns which page a person
read. Widget files may be loaded by other sites (that is what embedding means), everything else may not.
"""

from __future__ import annotations

from bot.channels.widget.settings import WidgetSettings, http_origin


def content_security_policy(settings: WidgetSettings) -> str:
    """CSP for our pages: own files only, plus the Rasa server for the chat connection."""
    rasa = http_origin(settings.rasa_url, "RASA_PUBLIC_URL")
    rasa_ws = "ws" + rasa[len("http") :]  # http->ws, https->wss
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {rasa} {rasa_ws}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def common_headers(settings: WidgetSettings) -> dict[str, str]:
    """Headers for every response."""
    return {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "X-Frame-Options": "DENY",
    }


def embeddable_headers() -> dict[str, str]:
    """Extra headers for widget.js / widget.css, which any NGO's site may load."""
    return {
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Access-Control-Allow-Origin": "*",
    }
