"""Where the repository's data lives, so code run from any working directory finds it."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BUILD_DIR = REPO_ROOT / "build"
