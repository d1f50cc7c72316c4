"""Where the repository's data lives, so code run from any working directory finds it.

`BOT_DATA_DIR` points every reader at another data folder (a deployment that keeps its data apart from the
code, or a test that edits a copy while the assistant runs); by default it is the repository's data/.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ["BOT_DATA_DIR"]).resolve() if os.environ.get("BOT_DATA_DIR") else REPO_ROOT / "data"
BUILD_DIR = REPO_ROOT / "build"
