"""`make bench` (`python -m bench`): speed and footprint of this assistant beside Rasa's stock starter bot.

In one run, on the same machine and the same Rasa install:

1. the per-component timings (bench/components.py, in a process of its own);
2. the stock bot is made and trained by `rasa init --no-prompt` in a temporary folder (its full training time);
3. both bots are started (this assistant as `make run` starts it, through its public entry point; the stock bot
   with `rasa run` on loopback), each timed from start to its first answer;
4. interleaved rounds over REST, each bot in turn: throughput and p50/p95/p99 latency with 1 and with 8 users,
   each user holding conversations of `--turns` messages;
5. one long conversation per bot, message by message in turn: the cost of a message at 10, 50 and 200 turns;
6. the resident memory of every process (now and at its peak), and the size of each model;
7. with `--training`: full and incremental (`rasa train --finetune` after an examples-only change) training of
   this assistant on a copy of its data in a temporary folder (tens of minutes), and the stock bot's incremental
   training.

It prints the figures and their ratio to the stock bot beside issue 23's targets, writes results/bench.json and
results/bench.png, and asserts nothing. On a busy machine the figures move from run to run: compare runs made on a
quiet one. `--quick` makes a run of a few minutes (one round, fewer messages, rule components only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import report, training
from bench.bots import REPO, Assistant, StockBot, remove, temporary_folder
from bench.load import cost_at, long_conversations, phase, warm_up
from bench.procs import machine, memory


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.replace(",", " ").split()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of a few minutes (one round, fewer messages)")
    parser.add_argument("--training", action="store_true", help="also time full and incremental training (long)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, quick 1)")
    parser.add_argument("--users", type=_ints, default=[1, 8], help="concurrent users per phase (default 1,8)")
    parser.add_argument("--messages", type=int, help="messages per user and phase (default 40 alone, 20 each of 8)")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation in the load phases")
    parser.add_argument("--lengths", type=_ints, default=[10, 50, 200], help="conversation lengths to cost")
    parser.add_argument("--model", type=Path, default=REPO / "models" / "assistant.tar.gz")
    parser.add_argument("--baseline", type=Path, help="another checkout of this assistant to run beside it")
    parser.add_argument("--baseline-model", type=Path, help="the baseline's model (default: --model)")
    parser.add_argument("--no-components", action="store_true", help="skip the per-component timings")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "bench.json")
    parser.add_argument("--chart", type=Path, default=REPO / "results" / "bench.png")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, stock bot)")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    return args


def messages_per_user(args: argparse.Namespace, users: int) -> int:
    """How many messages each user sends in one phase: about 40 per phase with one user, 160 with eight."""
    if args.messages:
        return args.messages
    if users == 1:
        return 20 if args.quick else 40
    return 8 if args.quick else 20


def _commit() -> tuple[str, bool]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    return git("rev-parse", "HEAD"), bool(git("status", "--porcelain", "--untracked-files=no"))


def components(args: argparse.Namespace, workdir: Path) -> dict:
    out = workdir / "components.json"
    command = [sys.executable, "-m", "bench.components", "--json", str(out), "--model", str(args.model)]
    if args.quick:
        command += ["--no-model", "--rounds", "20"]
    subprocess.run(command, cwd=REPO, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> dict:
    commit, dirty = _commit()
    results: dict = {
        "meta": {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "commit": commit,
            "uncommitted_changes": dirty,
            "machine_before": machine(),
            "python": sys.version.split()[0],
        },
        "options": {
            "quick": args.quick, "rounds": args.rounds, "users": args.users, "turns": args.turns,
            "lengths": args.lengths, "training": args.training, "model": str(args.model),
            "messages_per_user": {str(u): messages_per_user(args, u) for u in args.users},
        },
    }  # fmt: skip
    if not args.model.exists():
        raise SystemExit(f"no model at {args.model}: run `make train` first")
    if args.baseline and not (args.baseline / "widget" / "build" / "widget.js").exists():
        raise SystemExit(f"{args.baseline}: the widget is not built (run `bash widget/build.sh` there)")
    workdir = temporary_folder("bench-")
    print(f"== make bench: this assistant beside Rasa's stock bot (work folder {workdir})", flush=True)
    ours, stock = Assistant(workdir / "assistant", args.model), StockBot(workdir)
    (workdir / "assistant").mkdir()
    bots = {report.OURS: ours}
    if args.baseline:
        (workdir / "baseline").mkdir()
        bots[report.BASELINE] = Assistant(workdir / "baseline", args.baseline_model or args.model, args.baseline)
    bots[report.STOCK] = stock
    results["bots"] = list(bots)
    try:
        if not args.no_components:
            print("== per-component timings (in a process of their own)", flush=True)
            results["components"] = components(args, workdir)

        print("== the stock bot: rasa init --no-prompt (scaffolds and trains)", flush=True)
        results["training_s"] = {report.STOCK: {"full_s": round(stock.build(), 1)}, report.OURS: None}

        print("== starting both bots", flush=True)
        first = results["start_to_first_answer_s"] = {}
        first[report.STOCK] = round(stock.start(), 1)
        print(f"   stock bot answered {first[report.STOCK]} s after start", flush=True)
        for name, bot in bots.items():
            if name != report.STOCK:
                first[name] = round(bot.start(), 1)
                print(f"   {report.TITLES[name]} answered {first[name]} s after start (make run's stack)", flush=True)
        for bot in bots.values():
            warm_up(bot.url, bot.messages)

        print("== interleaved rounds over REST", flush=True)
        phases = results["phases"] = []
        for number in range(1, args.rounds + 1):
            order = list(bots) if number % 2 else list(reversed(bots))
            for users in args.users:
                for name in order:
                    bot = bots[name]
                    tag = f"r{number}-{users}-{name.split()[0]}"
                    done = phase(bot.url, name, bot.messages, users, messages_per_user(args, users), args.turns, tag)
                    phases.append({"round": number, "bot": name, **done.summary(), "latencies_ms": done.latencies_ms})
                    s = done.summary()
                    errors = f"   errors {s['errors']}" if s["errors"] else ""
                    print(f"   round {number}, {users} user(s), {name:<14} {s['throughput_msg_s']:6.1f} msg/s   "
                          f"p50 {s['p50_ms']:7.0f}   p95 {s['p95_ms']:7.0f}   p99 {s['p99_ms']:7.0f} ms{errors}",
                          flush=True)  # fmt: skip
        results["summary"] = report.summarise(phases, args.users, list(bots))

        longest = max(args.lengths)
        print(f"== {args.rounds} conversation(s) of {longest} messages per bot, message by message in turn", flush=True)
        held: dict[str, list] = {name: [] for name in bots}
        for number in range(1, args.rounds + 1):
            series = long_conversations([(n, b.url, b.messages) for n, b in bots.items()], longest, f"long{number}")
            for name, values in series.items():
                held[name].append(values)
        results["conversation_length"] = {
            name: {"cost_ms": cost_at(conversations, args.lengths), "per_turn": conversations}
            for name, conversations in held.items()
        }

        results["memory_mb"] = {name: {label: memory(pid) for label, pid in bot.processes().items()}
                                for name, bot in bots.items()}  # fmt: skip
    finally:
        for bot in bots.values():
            bot.stop()

    results["model"] = {name: training.model_size(bot.model) for name, bot in bots.items() if name != report.STOCK}
    try:
        results["model"][report.STOCK] = training.model_size(stock.model)
    except FileNotFoundError:
        pass
    try:
        if args.training:
            print("== training times (on copies of the data in the work folder)", flush=True)
            for name, timing in ((report.STOCK, lambda: training.stock(stock.project, workdir)),
                                 (report.OURS, lambda: training.assistant(workdir))):  # fmt: skip
                try:
                    results["training_s"][name] = {**(results["training_s"][name] or {}), **timing()}
                except training.TrainingFailed as failure:
                    print(f"   {name}: {failure}", flush=True)
                    results["training_s"][name] = {**(results["training_s"][name] or {}), "error": str(failure)}
    finally:
        results["meta"]["machine_after"] = machine()
        if args.keep:
            print(f"kept {workdir}")
        else:
            remove(workdir)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    results = run(args)
    results["meta"]["seconds"] = round(time.monotonic() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    chart = report.chart(results, args.chart)
    print()
    report.print_table(results)
    before, after = results["meta"]["machine_before"], results["meta"]["machine_after"]
    print(f"\n{before['cpus']} cores; load average {before['load_average']} at the start, {after['load_average']} at "
          f"the end. On a shared or busy machine these figures move from run to run: take final figures on a quiet "
          f"machine.")  # fmt: skip
    print(f"Wrote {args.out} and {chart} ({results['meta']['seconds']} s).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
