"""Start the assistant exactly as `make run` does (scripts/run.sh under supervisord), on free ports, for tests.

Everything the tests do goes through the public entry point, as a user would. The only door the tests have
besides it is the one a maintainer has: Rasa's HTTP API on loopback with RASA_ADMIN_TOKEN (to read a tracker
and check what was stored), and supervisorctl (to stop or kill a process).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
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
START_TIMEOUT_S = float(os.environ.get("ASSISTANT_START_TIMEOUT", "300"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Another website that embeds the widget (the browser tests serve one here): the assistant allows its origin.
OTHER_SITE_PORT = free_port()


def wait_for(url: str, timeout: float, alive=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            if alive is not None and not alive():
                raise RuntimeError(f"the assistant stopped while waiting for {url}") from None
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f}s")


@dataclass
class Assistant:
    """A running assistant; `workdir` holds its databases, logs and supervisor socket."""

    workdir: Path
    public_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    admin_token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The public entry point: the only address a user (or a browser) talks to."""
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_url(self) -> str:
        """Rasa itself, on loopback; its HTTP API needs the admin token."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.sqlite"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    @property
    def rasa_log(self) -> Path:
        return self.log_dir / "rasa.log"

    @property
    def conf(self) -> Path:
        return self.workdir / "run" / "supervisord.conf"

    def logs(self) -> str:
        """Every log line the processes wrote so far."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def _env(self) -> dict[str, str]:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
            "BOT_ENV": "production",
            "PUBLIC_PORT": str(self.public_port),
            "PUBLIC_URL": f"http://127.0.0.1:{self.public_port}",
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "RUN_DIR": str(self.workdir / "run"),
            "LOG_DIR": str(self.log_dir),
            "TRACKER_DB_DIALECT": "sqlite",
            "TRACKER_DB": str(self.tracker_db),
            "DATABASE_URL": f"sqlite:///{self.workdir / 'referrals.sqlite'}",
            "RASA_ADMIN_TOKEN": self.admin_token,
            "WIDGET_SESSION_KEY": secrets.token_hex(32),
            "MODEL": str(MODEL),
            "ALLOWED_ORIGINS": f"http://127.0.0.1:{OTHER_SITE_PORT}",
            "WIDGET_EXIT_URL": f"http://127.0.0.1:{OTHER_SITE_PORT}/",  # quick exit's neutral page
            # Every test talks from 127.0.0.1: the per-client limits are tested on their own (tests/security).
            "REST_PER_MINUTE": "1000000",
            "CONNECTS_PER_MINUTE": "1000000",
            "PYTHON": str(BIN / "python"),
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.env)
        return env

    def start(self) -> Assistant:
        with open(self.workdir / "run.log", "wb") as out:
            self.process = subprocess.Popen(
                ["bash", str(REPO / "scripts" / "run.sh")], cwd=REPO, env=self._env(),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for(f"{self.url}/readyz", START_TIMEOUT_S, alive=lambda: self.process.poll() is None)
        self.wait_for_actions()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    # --- a maintainer's doors ----------------------------------------------------------------------

    def supervisorctl(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(self.conf), *args], capture_output=True, text=True, timeout=60
        )
        return result.stdout + result.stderr

    def pid(self, program: str) -> int:
        return int(self.supervisorctl("pid", program).strip())

    def stop_actions(self) -> None:
        self.supervisorctl("stop", "actions")

    def start_actions(self) -> None:
        self.supervisorctl("start", "actions")

    def wait_for_actions(self) -> None:
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", timeout=120)

    def tracker(self, sender: str) -> dict:
        """The stored conversation, through Rasa's API with the admin token (loopback only)."""
        url = f"{self.rasa_url}/conversations/{sender}/tracker?token={self.admin_token}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    # --- what a user does --------------------------------------------------------------------------

    def say(self, sender: str, message: str, timeout: float = 30, message_id: str | None = None) -> list[dict]:
        """Send a message over the REST webhook, as the curl in the README does; return the bot's messages."""
        data = {"sender": sender, "message": message}
        if message_id is not None:
            data["message_id"] = message_id  # a client that retries sends the same id again
        body = json.dumps(data).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message))
