"""The action server keeps TensorFlow out of its process (bot/ops/actions_server.py) and its actions still work.

spaCy imports TensorFlow through thinc whenever it is installed; the job-offer reader needs spaCy, never
TensorFlow. In a fresh process set up as the action server sets itself up, every action module imports, the
job-offer reader reads every held-out labelled offer exactly as it does in a process with TensorFlow, and TensorFlow is
never imported. (How much memory that saves is for `make bench`, not for a test.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from tests.server import REPO


def readings() -> list[dict]:
    """What the reader (as the actions use it) makes of every held-out labelled offer, and the verdict for the first."""
    from actions.job_offer import _reader
    from bot.job_offer import build_result
    from bot.job_offer.labelled import held_out_offers

    reader = _reader()
    texts = [offer.text for offer in held_out_offers()]
    out = []
    for text in texts:
        reading = reader.read(text, None)
        out.append(
            {
                "language": reading.language,
                "flags": sorted(reading.flags),
                "absent": sorted(reading.absent),
                "evidence": {k: asdict(v) for k, v in sorted(reading.flags.items())},
            }
        )
    first = out[0]
    result = build_result(first["flags"], first["absent"], [], first["language"], "MX")
    out.append({"verdict": {"level": result.level, "text": result.text}})
    return out


def test_the_action_server_works_without_tensorflow(tmp_path: Path) -> None:
    out = tmp_path / "readings.json"
    script = (
        "import json, sys\n"
        "from bot.ops.actions_server import create_app, keep_unused_frameworks_out\n"
        "keep_unused_frameworks_out()\n"
        "create_app('actions')\n"
        "import actions.actions, actions.job_offer\n"
        "from tests.test_actions_server_footprint import readings\n"
        "result = readings()\n"
        "json.dump({'tensorflow': sys.modules.get('tensorflow') is not None, 'readings': result},"
        f" open({str(out)!r}, 'w'), default=str)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "BOT_ENV": "development"}
    subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, check=True, timeout=600)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["tensorflow"] is False
    assert result["readings"] == json.loads(json.dumps(readings(), default=str))


def test_tensorflow_cannot_be_imported_once_kept_out(tmp_path: Path) -> None:
    script = (
        "from bot.ops.actions_server import keep_unused_frameworks_out\n"
        "keep_unused_frameworks_out()\n"
        "try:\n"
        "    import tensorflow\n"
        "except ImportError:\n"
        "    print('kept out')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "kept out"
