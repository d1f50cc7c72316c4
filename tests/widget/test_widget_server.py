"""The widget's static server: what a browser receives (headers, compression, the demo page's settings)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.widget import WidgetSettings, create_app
from bot.channels.widget.assets import MissingBuild
from bot.channels.widget.settings import SettingsError

ROOT = Path(__file__).resolve().parents[2]
WIDGET_JS = b"(function () { /* widget */ })();\n" * 50


@pytest.fixture()
def widget_dir(tmp_path: Path) -> Path:
    """A widget folder with a stand-in build and the real demo page."""
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "widget.js").write_bytes(WIDGET_JS)
    (tmp_path / "build" / "widget.css").write_text(".cta { color: #111; }\n")
    shutil.copytree(ROOT / "widget" / "demo", tmp_path / "demo")
    return tmp_path


async def client_for(settings: WidgetSettings) -> TestClient:
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    return client


async def test_demo_page_points_at_the_rasa_server_and_locks_down_the_page(widget_dir: Path):
    settings = WidgetSettings(
        rasa_url="https://chat.example.org", exit_url="https://weather.example/", widget_dir=widget_dir
    )
    client = await client_for(settings)
    try:
        response = await client.get("/")
        page = await response.text()
    finally:
        await client.close()
    assert response.status == 200
    assert 'data-server="https://chat.example.org"' in page
    assert 'data-exit-url="https://weather.example/"' in page
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://chat.example.org wss://chat.example.org;" in csp
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_widget_file_is_gzipped_cacheable_and_embeddable(widget_dir: Path):
    client = await client_for(WidgetSettings(widget_dir=widget_dir))
    try:
        response = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
        body = await response.read()
        again = await client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    finally:
        await client.close()
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == WIDGET_JS
    assert len(body) < len(WIDGET_JS) / 5
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"  # other sites may embed it
    assert again.status == 304


async def test_nothing_outside_the_widget_is_served(widget_dir: Path):
    client = await client_for(WidgetSettings(widget_dir=widget_dir))
    try:
        responses = [await client.get(path) for path in ("/../pyproject.toml", "/build/widget.js", "/src/widget.js")]
    finally:
        await client.close()
    assert [r.status for r in responses] == [404, 404, 404]
    assert all(r.headers["X-Content-Type-Options"] == "nosniff" for r in responses)


def test_missing_build_says_what_to_run(tmp_path: Path):
    shutil.copytree(ROOT / "widget" / "demo", tmp_path / "demo")
    with pytest.raises(MissingBuild, match="widget/build.sh"):
        create_app(WidgetSettings(widget_dir=tmp_path))


def test_settings_come_from_the_environment():
    settings = WidgetSettings.from_env(
        {"WIDGET_PORT": "9090", "RASA_PUBLIC_URL": "http://10.0.0.2:5005/", "WIDGET_EXIT_URL": "https://x.example/"}
    )
    assert (settings.port, settings.rasa_url, settings.exit_url) == (9090, "http://10.0.0.2:5005", "https://x.example/")
    assert WidgetSettings.from_env({}).rasa_url == "http://localhost:5005"


@pytest.mark.parametrize(
    "env",
    [
        {"WIDGET_PORT": "eighty"},
        {"WIDGET_PORT": "70000"},
        {"RASA_PUBLIC_URL": "javascript:alert(1)"},
        {"WIDGET_EXIT_URL": "javascript:alert(1)"},
    ],
)
def test_unusable_settings_are_refused(env):
    with pytest.raises(SettingsError):
        WidgetSettings.from_env(env)
