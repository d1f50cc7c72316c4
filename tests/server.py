"""Start the real assistant (Rasa server + action server) on free loopback ports for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "models" / "assistant.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f}s")


@dataclass
class Assistant:
    """A running assistant; `workdir` holds its tracker database and logs."""

    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    rasa: subprocess.Popen | None = None
    actions: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.sqlite"

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    def _env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "TRACKER_DB_DIALECT": "sqlite",
            "TRACKER_DB": str(self.tracker_db),
            "TRACKER_DB_HOST": "",
            "TRACKER_DB_PORT": "",
            "TRACKER_DB_USER": "",
            "TRACKER_DB_PASSWORD": "",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'referrals.sqlite'}",
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.env)
        return env

    def start(self) -> Assistant:
        env = self._env()
        subprocess.run([str(BIN / "python"), "-m", "bot", "referrals", "import"], cwd=REPO, env=env, check=True)
        self.start_actions()
        with open(self.rasa_log, "wb") as log:
            self.rasa = subprocess.Popen(
                [str(BIN / "rasa"), "run", "--enable-api", "--port", str(self.rasa_port), "-i", "127.0.0.1",
                 "-m", str(MODEL), "--credentials", str(REPO / "credentials.yml"),
                 "--endpoints", str(REPO / "endpoints.yml")],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(f"{self.url}/status", timeout=240)
        self.wait_for_actions()
        return self

    def wait_for_actions(self) -> None:
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", timeout=120)

    def start_actions(self) -> None:
        with open(self.workdir / "actions.log", "ab") as log:
            self.actions = subprocess.Popen(
                [str(BIN / "rasa"), "run", "actions", "--port", str(self.actions_port), "--actions", "actions"],
                cwd=REPO, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def stop_actions(self) -> None:
        if self.actions and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(timeout=30)

    def stop(self) -> None:
        self.stop_actions()
        if self.rasa and self.rasa.poll() is None:
            self.rasa.terminate()
            try:
                self.rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.rasa.kill()

    def say(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        """Send a message over the REST channel, as the curl in the README does; return the bot's messages."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message))
