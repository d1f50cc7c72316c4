"""Memory of processes, read from /proc (Linux): resident now (VmRSS) and at its highest (VmHWM)."""

from __future__ import annotations

import os
from pathlib import Path


def _status(pid: int | str) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _kb(value: str | None) -> float:
    return float(value.split()[0]) if value else 0.0


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now, in MB (MiB)."""
    return _kb(_status(pid).get("VmRSS")) / 1024


def memory(pid: int) -> dict[str, float]:
    """{"rss_mb": now, "peak_mb": highest so far} of one process; zeros if it is gone."""
    try:
        status = _status(pid)
    except OSError:
        return {"rss_mb": 0.0, "peak_mb": 0.0}
    return {"rss_mb": round(_kb(status.get("VmRSS")) / 1024, 1), "peak_mb": round(_kb(status.get("VmHWM")) / 1024, 1)}


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_status(entry.name).get("PPid", "0")) == pid:
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


def machine() -> dict:
    """What the figures were measured on: cores, memory, load."""
    meminfo = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, _, value = line.partition(":")
            meminfo[key] = value.strip()
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(_kb(meminfo.get("MemTotal")) / 1024 / 1024, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
