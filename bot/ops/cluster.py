"""`python -m bot.ops.cluster configure`: the scale-out test cluster's files (make cluster-test, scripts/cluster/).

Several Rasa replicas behind one address, on this one machine, the way Rasa scales: the conversations in
PostgreSQL (our PrivateSQLTrackerStore, a subclass of Rasa's SQLTrackerStore), Rasa's Redis lock store so two
replicas never process the same conversation at once, and a load balancer in front. One supervisord (the
configuration comes from bot/ops/supervisor.py) runs it all, every port on 127.0.0.1, all data under one
throw-away directory (`CLUSTER_DIR`, default build/cluster):

    nginx :BASE  (the one public address; deploy/cluster/nginx.conf.template)
      /socket.io/ ─ sticky by client address ─┐   everything else ─ least busy ─┐
                                               ▼                                  ▼
      edge-a :BASE+10 (python -m bot.edge) ─▶ rasa-a :BASE+20 ┐   edge-b :BASE+11 ─▶ rasa-b :BASE+21
          (each entry point keeps every protection of `make run`; it uses the other Rasa only when its own
           refuses connections, i.e. is down or restarting)
      rasa-* ─▶ nginx :BASE+1 (internal) ─▶ actions-a :BASE+30 / actions-b :BASE+31
      rasa-* ─▶ PostgreSQL :BASE+40 (tracker store; referral directory for the actions)
      rasa-* ─▶ Redis :BASE+41 (lock store; no persistence: locks are only worth something while they last)
    healthwatch: restarts a process that runs but stops answering

Why nginx in front of two entry points rather than nginx doing the path filtering itself: the entry point's
protections are more than paths (a JSON check of every REST body, conversations of other channels refused, a
reply with the emergency numbers in the person's language when Rasa fails, per-visitor limits, the widget's
files with their security headers). Written again in nginx they would drift from what `make run` runs and
what the tests check; behind nginx they are the same code. nginx adds what one process cannot: one address
for several replicas, sticky socket.io, and failing over to the other entry point when one is down.

Secrets (database, Redis and widget keys) are made once, at random, in CLUSTER_DIR/secrets.env (mode 0600)
and reach the processes through supervisord's environment; the Redis configuration holding its password is
mode 0600 too. Nothing secret is written anywhere else.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import secrets
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.ops.supervisor import Layout, command_line, render
from bot.paths import REPO_ROOT

TEMPLATES = REPO_ROOT / "deploy" / "cluster"
ENDPOINTS = TEMPLATES / "endpoints.yml"
SECRET_NAMES = ("TRACKER_DB_PASSWORD", "REFERRALS_DB_PASSWORD", "REDIS_PASSWORD", "WIDGET_SESSION_KEY")
# Rasa's lock lifetime: a replica that dies while holding a conversation's lock blocks that conversation for
# at most this long. It must stay above the longest a message can take (the action calls are cut at
# ACTIONS_TIMEOUT_S by the internal nginx) so that a live replica's lock never runs out under it.
TICKET_LOCK_LIFETIME_S = 20
ACTIONS_TIMEOUT_S = 10
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Cluster:
    """Where everything is: directories, ports, programs."""

    directory: Path
    base_port: int = 18400
    replicas: int = 2
    model: str = "models/assistant.tar.gz"
    python: str = sys.executable
    pg_bin: Path = Path("/usr/lib/postgresql/15/bin")
    public_host: str = "127.0.0.1"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Cluster:
        env = os.environ if env is None else env
        replicas = int(env.get("CLUSTER_REPLICAS", "2"))
        if not 1 <= replicas <= 9:
            raise ValueError(f"CLUSTER_REPLICAS must be between 1 and 9, not {replicas}")
        base = int(env.get("CLUSTER_BASE_PORT", "18400"))
        if not 1024 <= base <= 65000:
            raise ValueError(f"CLUSTER_BASE_PORT must be between 1024 and 65000, not {base}")
        return cls(
            directory=Path(env.get("CLUSTER_DIR", str(REPO_ROOT / "build" / "cluster"))).resolve(),
            base_port=base,
            replicas=replicas,
            model=env.get("MODEL", "models/assistant.tar.gz"),
            python=env.get("PYTHON", sys.executable),
            pg_bin=Path(env.get("PG_BIN", "/usr/lib/postgresql/15/bin")),
            public_host=env.get("PUBLIC_HOST", "127.0.0.1"),
        )

    # --- names and ports ---------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return [chr(ord("a") + index) for index in range(self.replicas)]

    @property
    def public_port(self) -> int:
        return self.base_port

    @property
    def actions_pool_port(self) -> int:
        return self.base_port + 1

    def edge_port(self, name: str) -> int:
        return self.base_port + 10 + self.names.index(name)

    def rasa_port(self, name: str) -> int:
        return self.base_port + 20 + self.names.index(name)

    def actions_port(self, name: str) -> int:
        return self.base_port + 30 + self.names.index(name)

    @property
    def pg_port(self) -> int:
        return self.base_port + 40

    @property
    def redis_port(self) -> int:
        return self.base_port + 41

    def ports(self) -> list[int]:
        return [self.public_port, self.actions_pool_port, self.pg_port, self.redis_port] + [
            port(name) for name in self.names for port in (self.edge_port, self.rasa_port, self.actions_port)
        ]

    # --- directories -------------------------------------------------------------------------------

    @property
    def run_dir(self) -> Path:
        return self.directory / "run"

    @property
    def log_dir(self) -> Path:
        return self.directory / "logs"

    @property
    def pg_data(self) -> Path:
        return self.directory / "pg" / "data"

    @property
    def pg_socket_dir(self) -> Path:
        return self.directory / "pg" / "socket"

    @property
    def redis_dir(self) -> Path:
        return self.directory / "redis"

    @property
    def nginx_dir(self) -> Path:
        return self.directory / "nginx"

    @property
    def secrets_file(self) -> Path:
        return self.directory / "secrets.env"

    @property
    def env_file(self) -> Path:
        return self.directory / "cluster.env"

    # --- what runs ---------------------------------------------------------------------------------

    def rasa_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa_port(name)}"

    def rasa_urls_for(self, name: str) -> list[str]:
        """Entry point `name`'s Rasa first, then the others in order (its fallbacks)."""
        return [self.rasa_url(name)] + [self.rasa_url(other) for other in self.names if other != name]

    def health_checks(self) -> list[str]:
        checks = []
        for name in self.names:
            checks += [
                f"actions-{name}=http://127.0.0.1:{self.actions_port(name)}/health@60",
                f"rasa-{name}={self.rasa_url(name)}/webhooks/rest/@300",
                f"edge-{name}=http://127.0.0.1:{self.edge_port(name)}/healthz@60",
            ]
        return checks

    def programs(self, as_root: bool) -> dict[str, dict[str, str]]:
        python = self.python
        out: dict[str, dict[str, str]] = {
            "postgres": {
                "command": command_line([
                    str(self.pg_bin / "postgres"), "-D", str(self.pg_data), "-p", str(self.pg_port),
                    "-k", str(self.pg_socket_dir), "-c", "listen_addresses=127.0.0.1",
                ]),  # fmt: skip
                "priority": "10",
                "stopsignal": "INT",  # PostgreSQL's "fast" shutdown
                "stopwaitsecs": "30",
                **({"user": "postgres"} if as_root else {}),
            },
            "redis": {
                "command": command_line(["redis-server", str(self.redis_dir / "redis.conf")]),
                "priority": "10",
                **({"user": redis_user()} if as_root else {}),
            },
        }
        for name in self.names:
            out[f"actions-{name}"] = {
                "command": command_line(
                    [python, "-m", "bot.ops.actions_server", "--port", str(self.actions_port(name))]
                ),
                "priority": "20",
                "autostart": "false",
            }
        for name in self.names:
            out[f"rasa-{name}"] = {
                "command": command_line([
                    python, "-m", "bot.ops.rasa_server", "run", "--interface", "127.0.0.1", "--port",
                    str(self.rasa_port(name)), "--model",
                    self.model, "--credentials", "credentials.yml", "--endpoints", str(ENDPOINTS),
                ]),  # fmt: skip
                "priority": "30",
                "autostart": "false",
                "stopwaitsecs": "30",
                "environment": _environment({
                    "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_pool_port}/webhook",
                    "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME_S),
                }),  # fmt: skip
            }
        for name in self.names:
            out[f"edge-{name}"] = {
                "command": command_line([python, "-m", "bot.edge"]),
                "priority": "40",
                "autostart": "false",
                "environment": _environment({
                    "PUBLIC_HOST": "127.0.0.1",
                    "PUBLIC_PORT": str(self.edge_port(name)),
                    "RASA_INTERNAL_URL": " ".join(self.rasa_urls_for(name)),
                    # nginx in front sets X-Forwarded-For to the visitor's address (it never passes one on).
                    "TRUST_X_FORWARDED_FOR": "true",
                }),  # fmt: skip
            }
        out["nginx"] = {
            "command": command_line(["nginx", "-c", str(self.nginx_dir / "nginx.conf"), "-p", str(self.nginx_dir),
                             "-g", "daemon off;"]),  # fmt: skip
            "priority": "50",
            "autostart": "false",
        }
        out["healthwatch"] = {
            "command": command_line([python, "-m", "bot.ops.healthwatch", str(self.run_dir / "supervisor.sock"),
                             *self.health_checks()]),  # fmt: skip
            "priority": "60",
            "autostart": "false",
        }
        return out

    # --- files -------------------------------------------------------------------------------------

    def template_values(self, as_root: bool, redis_password: str) -> dict[str, str]:
        values = {
            "dir": str(self.directory),
            "nginx_dir": str(self.nginx_dir),
            "log_dir": str(self.log_dir),
            "redis_dir": str(self.redis_dir),
            "public_host": self.public_host,
            "public_port": str(self.public_port),
            "actions_pool_port": str(self.actions_pool_port),
            "actions_timeout": f"{ACTIONS_TIMEOUT_S}s",
            "redis_port": str(self.redis_port),
            "redis_password": redis_password,
            "nginx_user": "user www-data;" if as_root and _user_exists("www-data") else "",
            "edge_servers": _servers([self.edge_port(name) for name in self.names]),
            "actions_servers": _servers([self.actions_port(name) for name in self.names]),
        }
        return values

    def env_text(self) -> str:
        """cluster.env: what the scripts and the load test need to know (no secrets)."""
        public = f"http://127.0.0.1:{self.public_port}"
        values = {
            "CLUSTER_DIR": str(self.directory),
            "CLUSTER_REPLICAS": str(self.replicas),
            "CLUSTER_NAMES": " ".join(self.names),
            "PUBLIC_URL": public,
            "ALLOWED_ORIGINS": f"http://localhost:{self.public_port}",
            "PG_PORT": str(self.pg_port),
            "PG_SOCKET_DIR": str(self.pg_socket_dir),
            "PG_DATA": str(self.pg_data),
            "REDIS_PORT": str(self.redis_port),
            "SUPERVISOR_CONF": str(self.run_dir / "supervisord.conf"),
            "TRACKER_DB_DIALECT": "postgresql",
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(self.pg_port),
            "TRACKER_DB": "rasa",
            "TRACKER_DB_USER": "rasa",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_DB": "1",
            "CLUSTER_PORTS": " ".join(str(port) for port in self.ports()),
        }
        for name in self.names:
            upper = name.upper()
            values[f"RASA_{upper}_URL"] = self.rasa_url(name)
            values[f"EDGE_{upper}_URL"] = f"http://127.0.0.1:{self.edge_port(name)}"
            values[f"ACTIONS_{upper}_URL"] = f"http://127.0.0.1:{self.actions_port(name)}"
        lines = ["# GENERATED by `python -m bot.ops.cluster configure`: the cluster's addresses (no secrets)."]
        lines += [f"{key}={shlex.quote(value)}" for key, value in values.items()]
        return "\n".join(lines) + "\n"

    def configure(self) -> None:
        """Write secrets (first time only), the supervisord, nginx and Redis configurations and cluster.env."""
        as_root = os.geteuid() == 0
        self.directory.mkdir(parents=True, exist_ok=True)
        # Servers that drop to their own user (postgres, redis, nginx's workers) must pass through; nobody may
        # list or read what is here.
        self.directory.chmod(0o711)
        for private in (self.run_dir, self.log_dir):
            private.mkdir(exist_ok=True)
            private.chmod(0o700)
        secret_values = ensure_secrets(self.secrets_file)
        values = self.template_values(as_root, secret_values["REDIS_PASSWORD"])

        (self.nginx_dir / "tmp").mkdir(parents=True, exist_ok=True)
        _write(self.nginx_dir / "nginx.conf", fill((TEMPLATES / "nginx.conf.template").read_text(), values), 0o644)

        self.redis_dir.mkdir(exist_ok=True)
        _write(self.redis_dir / "redis.conf", fill((TEMPLATES / "redis.conf.template").read_text(), values), 0o600)
        if as_root:
            user = pwd.getpwnam(redis_user())
            for path in (self.redis_dir, self.redis_dir / "redis.conf"):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.redis_dir.chmod(0o700)

        layout = Layout(run_dir=self.run_dir, log_dir=self.log_dir, python=self.python, model=self.model)
        conf = render(
            layout, self.programs(as_root), daemon=True,
            generator="`python -m bot.ops.cluster configure` (scripts/cluster/start.sh)", source="bot/ops/cluster.py",
        )  # fmt: skip
        _write(self.run_dir / "supervisord.conf", conf, 0o600)
        _write(self.env_file, self.env_text(), 0o600)


def fill(template: str, values: Mapping[str, str]) -> str:
    """`{{ name }}` placeholders replaced; an unknown name is an error (a template and its values drifted)."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"template placeholder {{{{ {name} }}}} has no value")
        return values[name]

    return _PLACEHOLDER.sub(one, template)


def ensure_secrets(path: Path) -> dict[str, str]:
    """Random secrets, made once and kept in `path` (0600); later runs reuse them."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if key in SECRET_NAMES and value:
                values[key] = value
    missing = [name for name in SECRET_NAMES if name not in values]
    if missing:
        for name in missing:
            values[name] = secrets.token_hex(32)
        lines = ["# Random secrets of the throw-away test cluster (bot/ops/cluster.py). Never commit, never reuse."]
        lines += [f"{name}={values[name]}" for name in SECRET_NAMES]
        _write(path, "\n".join(lines) + "\n", 0o600)
    return values


def read_env(directory: Path | str | None = None, with_secrets: bool = False) -> dict[str, str]:
    """A running cluster's cluster.env (and secrets.env), for the load test and the cluster tests."""
    directory = Path(directory or os.environ.get("CLUSTER_DIR") or REPO_ROOT / "build" / "cluster")
    values: dict[str, str] = {}
    for name in ("cluster.env", "secrets.env") if with_secrets else ("cluster.env",):
        for line in (directory / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key] = shlex.split(value)[0] if value else ""
    return values


def redis_user() -> str:
    """Debian's redis-server package creates `redis`; without it, `nobody`."""
    return "redis" if _user_exists("redis") else "nobody"


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _servers(ports: list[int]) -> str:
    # A server that failed is left alone for 5 s (nginx's passive health check), then tried again.
    return "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)


def _environment(values: Mapping[str, str]) -> str:
    # supervisord's environment= syntax; no secrets here (they come from supervisord's own environment).
    return ",".join(f'{key}="{value}"' for key, value in values.items()).replace("%", "%%")


def _write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["configure"])
    args = parser.parse_args(argv)
    try:
        cluster = Cluster.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "configure":
        cluster.configure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
