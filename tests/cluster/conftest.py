"""The scale-out cluster's tests run against a cluster that is already up (scripts/cluster/test.sh starts it for
`make cluster-test`); without one they are skipped, so `make test` is unaffected."""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class RunningCluster:
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.env["PUBLIC_URL"]

    @property
    def names(self) -> list[str]:
        return self.env["CLUSTER_NAMES"].split()

    def rasa(self, name: str) -> str:
        return self.env[f"RASA_{name.upper()}_URL"]

    def edge(self, name: str) -> str:
        return self.env[f"EDGE_{name.upper()}_URL"]

    def connect(self):
        """PostgreSQL as a maintainer: the tracker database's role, over loopback."""
        import psycopg2

        env = self.env
        return psycopg2.connect(host="127.0.0.1", port=int(env["PG_PORT"]), user=env["TRACKER_DB_USER"],
                                password=env["TRACKER_DB_PASSWORD"], dbname=env["TRACKER_DB"])  # fmt: skip

    def rows(self, sender: str) -> list[tuple[str, dict]]:
        import json

        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
                return [(type_name, json.loads(data)) for type_name, data in cursor.fetchall()]
        finally:
            connection.close()

    def supervisorctl(self, *args: str) -> str:
        import subprocess
        import sys

        ctl = Path(sys.executable).parent / "supervisorctl"
        result = subprocess.run([str(ctl), "-c", self.env["SUPERVISOR_CONF"], *args], capture_output=True,
                                text=True, timeout=120)  # fmt: skip
        return result.stdout + result.stderr


@pytest.fixture(scope="session")
def cluster() -> RunningCluster:
    from bot.ops.cluster import read_env

    # Only when asked (scripts/cluster/test.sh sets CLUSTER_DIR): some tests stop and start processes.
    if not os.environ.get("CLUSTER_DIR"):
        pytest.skip("cluster tests run in make cluster-test (CLUSTER_DIR not set)")
    directory = Path(os.environ["CLUSTER_DIR"])
    if not (directory / "cluster.env").exists():
        pytest.skip(f"no cluster in {directory} (make cluster-test starts one)")
    env = read_env(directory, with_secrets=True)
    try:
        with urllib.request.urlopen(env["PUBLIC_URL"] + "/readyz", timeout=5) as response:
            assert response.status == 200
    except (OSError, AssertionError):
        pytest.skip("the cluster in build/cluster is not answering (make cluster-test starts one)")
    return RunningCluster(env)
