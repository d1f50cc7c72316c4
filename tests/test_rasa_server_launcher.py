"""The Rasa server runs through bot/ops/rasa_server.py: Rasa's own command line, without jax.

TensorFlow imports jax whenever it can, and nothing here uses it (about 64 MB per Rasa server). The launcher must
be `rasa` in every other way: the supervisor starts it (so every end-to-end test runs through it), it passes the
arguments through and returns Rasa's exit code, and TensorFlow and Rasa's agent still import with jax kept out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.ops.supervisor import Layout, programs
from tests.server import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_the_launcher_is_rasa_s_command_line() -> None:
    version = _run("-m", "bot.ops.rasa_server", "--version")
    assert version.returncode == 0, version.stderr
    assert "Rasa Version      :         3.6.21" in version.stdout
    wrong = _run("-m", "bot.ops.rasa_server", "no-such-command")
    assert wrong.returncode != 0
    assert "invalid choice" in wrong.stderr


def test_tensorflow_and_rasa_load_without_jax() -> None:
    probe = (
        "import json, sys\n"
        "from bot.ops.rasa_server import keep_unused_libraries_out\n"
        "keep_unused_libraries_out()\n"
        "import tensorflow as tf\n"
        "from rasa.core.agent import Agent\n"
        "print(json.dumps({'jax': sys.modules.get('jax') is not None, 'sum': float(tf.reduce_sum([1.0, 2.0]))}))\n"
    )
    result = _run("-c", probe)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"jax": False, "sum": 3.0}


def test_the_supervisor_starts_rasa_through_the_launcher(tmp_path: Path) -> None:
    layout = Layout.from_env(tmp_path, {"WIDGET_SESSION_KEY": "x" * 64})
    command = programs(layout)["rasa"]["command"]
    assert "-m bot.ops.rasa_server run" in command
    assert "--interface 127.0.0.1" in command
