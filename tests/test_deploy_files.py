"""The deployment files for Docker Compose and Kubernetes (deploy/compose.yml, deploy/helm/). Neither Docker nor
Kubernetes runs on the development machine, so these were never deployed from here: this checks that the YAML
parses and says what docs/deploy.md promises (one public entry point, no Rasa API, no secret in a file, the
same channels and stores as the tested cluster)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from bot.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
HELM = DEPLOY / "helm"
SECRET_KEY = re.compile(r"password|secret|token|session_key", re.I)
# Keys that name a Kubernetes secret or a key inside one, rather than hold a secret.
SECRET_REFERENCE = re.compile(r"(secretName|existingSecret|EnvVarsSecret|Key)$")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def literal_secrets(node, path: str = "") -> list[str]:
    """Keys that look secret and carry a literal value (not an ${ENV} reference, not a secret's name)."""
    found = []
    if isinstance(node, dict):
        if "name" in node and "value" in node and SECRET_KEY.search(str(node["name"])) and node["value"]:
            found.append(f"{path}/{node['name']}")
        for key, value in node.items():
            here = f"{path}/{key}"
            if (SECRET_KEY.search(str(key)) and isinstance(value, str) and value and not value.startswith("${")
                    and not SECRET_REFERENCE.search(str(key))):  # fmt: skip
                found.append(here)
            found += literal_secrets(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += literal_secrets(item, f"{path}[{index}]")
    return found


FILES = sorted([*HELM.glob("*.yaml"), DEPLOY / "compose.yml", DEPLOY / "cluster" / "endpoints.yml"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_deployment_file_is_valid_yaml_without_a_secret(path: Path) -> None:
    data = load(path)
    assert isinstance(data, dict) and data
    assert literal_secrets(data) == []


def test_compose_publishes_only_nginx_and_keeps_the_rest_on_an_internal_network() -> None:
    compose = load(DEPLOY / "compose.yml")
    services = compose["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]
    assert compose["networks"]["internal"]["internal"] is True
    for name, service in services.items():
        if name != "nginx":
            assert service.get("networks") == ["internal"], name
    for name in ("rasa-a", "rasa-b"):
        command = services[name]["command"]
        assert "--enable-api" not in command and "deploy/cluster/endpoints.yml" in command
    assert services["edge-a"]["environment"]["RASA_INTERNAL_URL"].split() == ["http://rasa-a:5005", "http://rasa-b:5005"]
    assert (DEPLOY / "compose" / "nginx.conf").exists() and (DEPLOY / "compose" / "postgres-init.sh").exists()


def test_helm_rasa_exposes_only_the_entry_point() -> None:
    values = load(HELM / "values-rasa.yaml")
    settings = values["applicationSettings"]
    assert settings["enableAPI"] is False and values["nginx"]["enabled"] is False
    assert values["service"]["type"] == "ClusterIP"
    args = values["args"]
    assert args[args.index("--interface") + 1] == "127.0.0.1", "Rasa listens on the pod's loopback only"
    entry = next(c for c in values["extraContainers"] if c["name"] == "entry-point")
    env = {item["name"]: item.get("value") for item in entry["env"]}
    assert env["PUBLIC_PORT"] == str(settings["port"]), "the chart's Service port `http` is the entry point's"
    assert env["RASA_INTERNAL_URL"] == f"http://127.0.0.1:{args[args.index('--port') + 1]}"
    assert values["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_helm_uses_our_channels_and_stores() -> None:
    values = load(HELM / "values-rasa.yaml")
    channels = set(values["applicationSettings"]["credentials"]["additionalChannelCredentials"])
    assert channels == set(load(REPO_ROOT / "credentials.yml"))
    endpoints = values["applicationSettings"]["endpoints"]
    cluster = load(DEPLOY / "cluster" / "endpoints.yml")
    for helm_key, rasa_key in (("trackerStore", "tracker_store"), ("lockStore", "lock_store")):
        assert endpoints[helm_key]["type"] == cluster[rasa_key]["type"]
        module, _, name = endpoints[helm_key]["type"].rpartition(".")
        assert hasattr(importlib.import_module(module), name)


def test_helm_action_server_and_data_stores_stay_inside() -> None:
    actions = load(HELM / "values-action-server.yaml")
    assert actions["service"]["type"] == "ClusterIP" and actions["ingress"]["enabled"] is False
    assert "--host" in actions["command"]
    for name in ("values-postgresql.yaml", "values-redis.yaml"):
        values = load(HELM / name)
        assert values["networkPolicy"]["allowExternal"] is False
    images = {load(HELM / n)["image"]["repository"] for n in ("values-rasa.yaml", "values-action-server.yaml")}
    assert len(images) == 1
