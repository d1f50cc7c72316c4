"""`python -m bot.ops.healthwatch SOCKET [NAME=URL@GRACE ...]`: restarts a process that runs but no longer answers.

supervisord restarts a process that exits; a process that hangs (a stuck event loop, a server that stopped
accepting connections) stays "RUNNING" forever. This watch, itself run by supervisord, asks each process's
health URL every `INTERVAL_S` seconds once the process has had time to start, and after `FAILURES` failed
answers in a row restarts it through supervisord's own interface (its unix socket, mode 0700).
"""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from dataclasses import dataclass

logger = logging.getLogger("bot.ops.healthwatch")

INTERVAL_S = 10.0
FAILURES = 3


@dataclass(frozen=True)
class Check:
    program: str
    url: str
    grace_s: float  # time a process may take to start answering (Rasa loads its model first)


def checks_from_env(env: dict[str, str] | None = None) -> list[Check]:
    env = dict(os.environ if env is None else env)
    return [
        Check("actions", f"http://127.0.0.1:{env.get('ACTIONS_PORT', '5055')}/health", 60),
        Check("rasa", f"http://127.0.0.1:{env.get('RASA_PORT', '5006')}/webhooks/rest/", 300),
        Check("edge", f"http://127.0.0.1:{env.get('PUBLIC_PORT', '5005')}/healthz", 60),
    ]


def answers(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def supervisor(socket_path: str):
    """An XML-RPC proxy to supervisord over its unix socket."""
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{socket_path}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor


def watch(socket_path: str, checks: list[Check], interval: float = INTERVAL_S, rounds: int | None = None) -> None:
    """Runs the checks forever (or `rounds` times, for tests)."""
    failures = {check.program: 0 for check in checks}
    done = 0
    while rounds is None or done < rounds:
        done += 1
        time.sleep(interval)
        try:
            rpc = supervisor(socket_path)
            infos = {info["name"]: info for info in rpc.getAllProcessInfo()}
        except (OSError, xmlrpc.client.Error) as error:
            logger.warning("cannot reach supervisord (%s)", type(error).__name__)
            continue
        for check in checks:
            info = infos.get(check.program)
            if not info or info["statename"] != "RUNNING" or info["now"] - info["start"] < check.grace_s:
                failures[check.program] = 0
                continue
            if answers(check.url):
                failures[check.program] = 0
                continue
            failures[check.program] += 1
            logger.warning("%s did not answer its health check (%d in a row)", check.program, failures[check.program])
            if failures[check.program] >= FAILURES:
                logger.error("restarting %s: it runs but no longer answers", check.program)
                try:
                    rpc.stopProcess(check.program, True)
                    rpc.startProcess(check.program, False)
                except xmlrpc.client.Error as error:
                    logger.error("could not restart %s (%s)", check.program, error)
                failures[check.program] = 0


def parse_checks(items: list[str]) -> list[Check]:
    """`NAME=URL@GRACE_S` items (bot/ops/cluster.py passes one per process) as checks."""
    checks = []
    for item in items:
        name, _, rest = item.partition("=")
        url, _, grace = rest.rpartition("@")
        if not name or not url.startswith("http") or not grace.replace(".", "", 1).isdigit():
            raise ValueError(f"a check is NAME=URL@GRACE_SECONDS, not {item!r}")
        checks.append(Check(name, url, float(grace)))
    return checks


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m bot.ops.healthwatch SUPERVISOR_SOCKET [NAME=URL@GRACE_SECONDS ...]", file=sys.stderr)
        return 2
    try:
        checks = parse_checks(args[1:]) if len(args) > 1 else checks_from_env()
    except ValueError as error:
        print(f"healthwatch: {error}", file=sys.stderr)
        return 2
    from bot.logging_setup import process_logging

    process_logging()
    watch(args[0], checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
