"""Scale-out pieces that need no running cluster: the cluster's generated files, the health watch's checks, and
how the REST channel finds the replies of a message it already processed. (tests/cluster runs the real thing.)"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.rest import replies_after, valid_message_id
from bot.ops.cluster import SECRET_NAMES, Cluster, fill, read_env
from bot.ops.healthwatch import Check, parse_checks
from bot.ops.supervisor import Layout, render


@pytest.fixture
def configured(tmp_path) -> Cluster:
    cluster = Cluster.from_env({"CLUSTER_DIR": str(tmp_path / "cluster"), "CLUSTER_BASE_PORT": "28000"})
    cluster.configure()
    return cluster


def test_the_generated_files_hold_no_secret_and_listen_on_loopback_only(configured: Cluster) -> None:
    secrets = read_env(configured.directory, with_secrets=True)
    values = [secrets[name] for name in SECRET_NAMES]
    assert all(len(value) == 64 for value in values) and len(set(values)) == len(values)
    conf = (configured.run_dir / "supervisord.conf").read_text()
    nginx = (configured.nginx_dir / "nginx.conf").read_text()
    for value in values:
        assert value not in conf and value not in nginx and value not in configured.env_file.read_text()
    assert secrets["REDIS_PASSWORD"] in (configured.redis_dir / "redis.conf").read_text()
    for private in (configured.secrets_file, configured.redis_dir / "redis.conf",
                    configured.run_dir / "supervisord.conf"):  # fmt: skip
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    assert re.findall(r"listen ([\d.]+):", nginx) == ["127.0.0.1", "127.0.0.1"]
    assert "bind 127.0.0.1\n" in (configured.redis_dir / "redis.conf").read_text()
    assert conf.count("--interface 127.0.0.1") == 2 and conf.count('PUBLIC_HOST="127.0.0.1"') == 2
    assert "listen_addresses=127.0.0.1" in conf
    assert "--enable-api" not in conf, "no Rasa HTTP API in the cluster"


def test_each_entry_point_uses_its_own_rasa_first(configured: Cluster) -> None:
    conf = (configured.run_dir / "supervisord.conf").read_text()
    assert 'RASA_INTERNAL_URL="http://127.0.0.1:28020 http://127.0.0.1:28021"' in conf  # edge-a
    assert 'RASA_INTERNAL_URL="http://127.0.0.1:28021 http://127.0.0.1:28020"' in conf  # edge-b
    assert len(set(configured.ports())) == len(configured.ports()) == 4 + 3 * 2


def test_configuring_again_keeps_the_secrets(configured: Cluster) -> None:
    before = read_env(configured.directory, with_secrets=True)
    configured.configure()
    assert read_env(configured.directory, with_secrets=True) == before


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (make cluster-test installs it)")
def test_nginx_accepts_the_generated_configuration(configured: Cluster) -> None:
    result = subprocess.run(
        ["nginx", "-t", "-c", str(configured.nginx_dir / "nginx.conf"), "-p", str(configured.nginx_dir)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_template_placeholder_without_a_value_is_an_error() -> None:
    assert fill("port {{ port }};", {"port": "80"}) == "port 80;"
    with pytest.raises(KeyError):
        fill("port {{ prot }};", {"port": "80"})


def test_make_runs_supervisor_configuration_is_unchanged_by_the_cluster_options(tmp_path) -> None:
    text = render(Layout(run_dir=tmp_path))
    assert "nodaemon=true" in text and "priority=" not in text and "user=" not in text
    assert text.count("autostart=true") == len(re.findall(r"^\[program:", text, re.M))


def test_health_checks_from_the_command_line() -> None:
    assert parse_checks(["rasa-a=http://127.0.0.1:1/webhooks/rest/@300"]) == [
        Check("rasa-a", "http://127.0.0.1:1/webhooks/rest/", 300.0)
    ]
    for bad in ("rasa-a", "rasa-a=http://x", "=http://x@3", "rasa-a=ftp://x@3"):
        with pytest.raises(ValueError):
            parse_checks([bad])


def test_the_replies_of_a_stored_message_are_found_by_its_id() -> None:
    tracker = DialogueStateTracker.from_events("s", [
        UserUttered("hola", message_id="m1"), BotUttered("Hola"), ActionExecuted("action_listen"),
        UserUttered("¿qué es la trata?", message_id="m2"), BotUttered("La trata..."), BotUttered("Fuente: OIM"),
        ActionExecuted("action_listen"),
    ])  # fmt: skip
    assert [event.text for event in replies_after(tracker, "m1")] == ["Hola"]
    assert [event.text for event in replies_after(tracker, "m2")] == ["La trata...", "Fuente: OIM"]
    assert replies_after(tracker, "m3") is None


@pytest.mark.parametrize(("value", "ok"), [("m-1", True), ("a" * 64, True), ("5f3c.7:x_y", True), ("", False),
                                           ("a" * 65, False), ("with space", False), (12, False), (None, False)])
def test_message_ids(value, ok) -> None:
    assert valid_message_id(value) is ok
