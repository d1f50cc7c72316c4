"""Rule-based language tools built from data files in the repo (no downloaded models)."""
