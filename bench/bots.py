"""The two bots `make bench` talks to over REST.

* **This assistant**, started exactly as `make run` starts it (scripts/run.sh under supervisord, through
  tests/server.py's launcher): the public entry point on a free port, Rasa and the action server on loopback, the
  tracker in SQLite. Messages go to the entry point, as a person's would.
* **Rasa's stock starter bot**: `rasa init --no-prompt` in a temporary folder (which also trains it), served with
  `rasa run` on loopback with the files `rasa init` wrote (REST channel, in-memory tracker store, no action
  server). Nothing of it is kept.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.procs import children

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REST = "/webhooks/rest/webhook"

# What people write to this assistant: questions, a job offer (which starts the job-offer check), a country (which
# calls the action server and the referral directory), danger, chat. Conversations take consecutive messages.
ASSISTANT_MESSAGES = [
    "hola",
    "¿qué es la trata de personas?",
    "what is forced labour?",
    "me ofrecieron trabajo en canada pero me piden 500 dolares para la visa, es normal?",
    "no sé",
    "sí",
    "where can I get help in Mexico?",
    "gracias",
    "they took my passport and won't let me leave",
    "I'm safe, I have a question",
    "what are my rights as a domestic worker?",
    "ok",
    "how do traffickers recruit people online?",
    "estoy en Guatemala, necesito un abogado",
    "thanks, bye",
]
# What the stock bot understands (its greet, mood, affirm/deny, bot_challenge and goodbye examples).
STOCK_MESSAGES = [
    "hello",
    "I am sad",
    "yes",
    "hi there",
    "great",
    "are you a bot?",
    "I am feeling very good",
    "no",
    "very sad",
    "goodbye",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, sender: str, message: str, timeout: float = 60) -> tuple[int, list]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"[]")
    except urllib.error.HTTPError as error:
        return error.code, []


def wait_for_answer(url: str, started: float, timeout: float, alive) -> float:
    """Seconds from `started` until the bot answers a message with 200 and at least one reply."""
    while time.monotonic() - started < timeout:
        try:
            status, replies = post(url, "bench-first-answer", "hola", timeout=30)
            if status == 200 and replies:
                return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        if not alive():
            raise RuntimeError(f"the bot behind {url} stopped before answering")
        time.sleep(0.25)
    raise TimeoutError(f"{url} gave no answer within {timeout:.0f} s")


def _env(checkout: Path = REPO) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        # The stack's processes are started by `rasa` and `python -m`, whose first import path is not this folder:
        # without this they would import the checkout the virtualenv was installed from.
        "PYTHONPATH": str(checkout) + (os.pathsep + path if path else ""),
    }


def _launcher(checkout: Path):
    """The checkout's own tests/server.py (its Assistant starts scripts/run.sh of that checkout)."""
    if checkout.resolve() == REPO:
        from tests import server

        return server
    path = checkout / "tests" / "server.py"
    spec = importlib.util.spec_from_file_location(f"bench_launcher_{abs(hash(str(checkout)))}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


class Assistant:
    """This assistant (or another checkout of it, `make bench`'s baseline), as `make run` starts it."""

    name = "assistant"
    messages = ASSISTANT_MESSAGES

    def __init__(self, workdir: Path, model: Path, checkout: Path = REPO) -> None:
        if not (checkout / "widget" / "build" / "widget.js").exists():
            raise FileNotFoundError(f"{checkout}: the widget is not built (run `bash widget/build.sh` there)")
        env = {k: v for k, v in _env(checkout).items() if k in ("PYTHONPATH", "RASA_TELEMETRY_ENABLED")}
        # make run opens no Rasa HTTP API; the test launcher opens it for the tests' maintainer door.
        env.update({"RASA_ADMIN_TOKEN": "", "MODEL": str(model)})
        self.stack = _launcher(checkout).Assistant(workdir, env=env)
        self.model = model

    @property
    def url(self) -> str:
        return self.stack.url + REST

    def start(self, timeout: float = 900) -> float:
        """Starts the stack; returns seconds from start to the first answer through the entry point."""
        started = time.monotonic()
        self.stack.start()
        return wait_for_answer(self.url, started, timeout, lambda: self.stack.process.poll() is None)

    def processes(self) -> dict[str, int]:
        names = {"rasa": "Rasa server", "actions": "action server", "edge": "entry point"}
        return {label: self.stack.pid(program) for program, label in names.items()}

    def stop(self) -> None:
        self.stack.stop()


class StockBot:
    """Rasa's starter bot, made and trained by `rasa init --no-prompt` in a temporary folder."""

    name = "stock bot"
    messages = STOCK_MESSAGES

    def __init__(self, workdir: Path) -> None:
        self.project = workdir / "stock"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / "stock-rasa.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{REST}"

    @property
    def model(self) -> Path:
        models = sorted((self.project / "models").glob("*.tar.gz"))
        if not models:
            raise FileNotFoundError(f"no model in {self.project / 'models'}")
        return models[-1]

    def build(self) -> float:
        """`rasa init --no-prompt` (scaffolds and trains); returns its seconds."""
        self.project.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        command = [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(self.project)]
        with open(self.log.with_name("stock-init.log"), "wb") as out:
            # Its training cache in the project, where `rasa train --finetune` (bench/training.py) finds it.
            env = {**_env(), "RASA_CACHE_DIRECTORY": str(self.project / ".rasa" / "cache")}
            subprocess.run(command, cwd=self.project.parent, env=env, stdout=out, stderr=out, check=True)
        return time.monotonic() - started

    def start(self, timeout: float = 600) -> float:
        command = [
            str(BIN / "rasa"), "run", "--model", str(self.model), "--interface", "127.0.0.1", "--port", str(self.port),
            "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
        ]  # fmt: skip
        started = time.monotonic()
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=self.project, env=_env(), stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        return wait_for_answer(self.url, started, timeout, lambda: self.process.poll() is None)

    def processes(self) -> dict[str, int]:
        pids = {"Rasa server": self.process.pid}
        for index, pid in enumerate(children(self.process.pid)):
            pids[f"child {index + 1}"] = pid
        return pids

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def temporary_folder(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
