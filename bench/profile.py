"""`python -m bench.profile`: where the time and the memory of a message go (the figures behind docs/performance.md).

In-process, with the trained model (nothing here is a server):

* `load`: memory and time each component of the model takes to load;
* `parse`: time per message of each component of the NLU pipeline, and the functions that take it (cProfile);
* `turn`: the cost of a whole turn (load the conversation, parse, predict, run actions, save) as a conversation
  grows, with the tracker store loading the whole session (Rasa's way) and the window, message by message in turn,
  split into its phases, and a cProfile of the last turn;
* `store`: the tracker store alone: saving and loading a session of N events, whole or windowed;
* `actions`: what the action server's process holds once it has read a job offer, with and without TensorFlow
  kept out.

Figures go to stdout and results/profile.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bots import ASSISTANT_MESSAGES, REPO, _env
from bench.components import MESSAGES
from bench.procs import rss_mb

SECTIONS = ("load", "parse", "turn", "store", "actions")


def _top(profile: cProfile.Profile, sort: str, limit: int) -> list[str]:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(sort).print_stats(limit)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return [line.replace(str(REPO) + "/", "").replace(sys.prefix + "/lib/python3.10/site-packages/", "")
            for line in lines[start:]]  # fmt: skip


def _load_agent(model: Path, figures: dict, tracker_store=None, action_endpoint=None):
    """Loads the model, timing and measuring every component as the graph loads it."""
    import rasa.engine.graph as graph
    from rasa.core.agent import Agent

    per_component = figures.setdefault("components", {})
    original = graph.GraphNode._load_component

    def measured(self, **kwargs):
        before, started = rss_mb(), time.perf_counter()
        try:
            return original(self, **kwargs)
        finally:
            seconds, added = round(time.perf_counter() - started, 2), round(rss_mb() - before)
            per_component[self._node_name] = {"seconds": seconds, "rss_added_mb": added}

    graph.GraphNode._load_component = measured
    try:
        before, started = rss_mb(), time.perf_counter()
        agent = Agent.load(str(model), tracker_store=tracker_store, action_endpoint=action_endpoint)
        figures["seconds"] = round(time.perf_counter() - started, 1)
        figures["rss_before_mb"], figures["rss_after_mb"] = round(before), round(rss_mb())
    finally:
        graph.GraphNode._load_component = original
    return agent


def section_load(model: Path, results: dict):
    """Memory and time per component, lean loading on (this process) and off (a process of its own)."""
    figures = results["load"] = {}
    agent = _load_agent(model, figures)
    print(f"model load {figures['seconds']} s, RSS {figures['rss_before_mb']} -> {figures['rss_after_mb']} MB")
    for name, one in sorted(figures["components"].items(), key=lambda kv: -kv[1]["rss_added_mb"]):
        if one["rss_added_mb"] or one["seconds"] >= 0.1:
            print(f"   {name:<52} +{one['rss_added_mb']:5d} MB  {one['seconds']:6.2f} s")
    script = (
        "import json, pathlib; from bench.profile import _load_agent; f = {}; "
        f"_load_agent(pathlib.Path({str(model)!r}), f); print('RESULT' + json.dumps(f))"
    )
    env = {**_env(), "BOT_LEAN_MODEL_LOAD": "0", "BOT_ENV": "development"}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
    if line:
        rasa_way = results["load_rasa_way"] = json.loads(line[len("RESULT"):])
        print(f"the same model loaded the way Rasa loads it (BOT_LEAN_MODEL_LOAD=0): {rasa_way['seconds']} s, "
              f"RSS {rasa_way['rss_before_mb']} -> {rasa_way['rss_after_mb']} MB")  # fmt: skip
        for name in ("run_DIETClassifier8", "run_ResponseSelector9", "run_TEDPolicy2"):
            lean, full = figures["components"].get(name), rasa_way["components"].get(name)
            if lean and full:
                print(f"   {name:<52} +{full['rss_added_mb']:5d} MB -> +{lean['rss_added_mb']:5d} MB, "
                      f"{full['seconds']:5.1f} s -> {lean['seconds']:5.1f} s")  # fmt: skip
    return agent


def section_parse(agent, results: dict, rounds: int) -> None:
    import rasa.engine.graph as graph

    loop = asyncio.new_event_loop()
    for text in MESSAGES:  # warm up (lazily built models)
        loop.run_until_complete(agent.parse_message(text))
    timings: dict[str, list[float]] = {}
    original = graph.GraphNode.__call__

    def timed(self, *args):
        started = time.perf_counter()
        try:
            return original(self, *args)
        finally:
            timings.setdefault(self._node_name, []).append(time.perf_counter() - started)

    graph.GraphNode.__call__ = timed
    started = time.perf_counter()
    try:
        for _ in range(rounds):
            for text in MESSAGES:
                loop.run_until_complete(agent.parse_message(text))
    finally:
        graph.GraphNode.__call__ = original
    whole = (time.perf_counter() - started) / (rounds * len(MESSAGES)) * 1000
    per = {name: round(statistics.mean(values) * 1000, 2) for name, values in timings.items()}
    results["parse"] = {"mean_ms": round(whole, 1), "components_ms": per}
    print(f"NLU parse: {whole:.1f} ms per message on average ({rounds * len(MESSAGES)} messages)")
    for name, value in sorted(per.items(), key=lambda kv: -kv[1]):
        if value >= 0.05:
            print(f"   {name:<52} {value:7.2f} ms")
    profile = cProfile.Profile()
    profile.enable()
    for text in MESSAGES * 3:
        loop.run_until_complete(agent.parse_message(text))
    profile.disable()
    results["parse"]["profile_tottime"] = _top(profile, "tottime", 20)
    print("   functions with the most time of their own (cProfile, 24 parses):")
    print("\n".join("   " + line for line in results["parse"]["profile_tottime"]))


def section_turn(model: Path, results: dict, turns: int) -> None:
    """Two stores (whole session / window) on one agent, one long conversation each, message by message in turn."""
    from rasa.core import processor as processor_module
    from rasa.core.processor import MessageProcessor

    from bot.privacy.tracker_store import PrivateSQLTrackerStore

    folder = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    agent = _load_agent(model, {})
    stores = {
        "whole session": PrivateSQLTrackerStore(agent.domain, db=str(folder / "whole.sqlite"), window_turns=0),
        "window": PrivateSQLTrackerStore(agent.domain, db=str(folder / "window.sqlite")),
    }
    phases = {"load": "get_tracker", "parse": "parse_message", "predict": "_predict_next_with_tracker",
              "actions": "_run_action", "save": "save_tracker"}  # fmt: skip
    spent: dict[str, float] = {}

    def wrap(name: str, method: str) -> None:
        original = getattr(MessageProcessor, method)
        if asyncio.iscoroutinefunction(original):
            async def timed(self, *args, **kwargs):
                started = time.perf_counter()
                try:
                    return await original(self, *args, **kwargs)
                finally:
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        else:
            def timed(self, *args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(self, *args, **kwargs)
                finally:
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        setattr(processor_module.MessageProcessor, method, timed)

    for name, method in phases.items():
        wrap(name, method)
    loop = asyncio.new_event_loop()
    series: dict[str, list[dict]] = {name: [] for name in stores}
    profiles = {}
    for turn in range(turns):
        message = ASSISTANT_MESSAGES[turn % len(ASSISTANT_MESSAGES)]
        for name, store in stores.items():
            agent.tracker_store = agent.processor.tracker_store = store
            spent.clear()
            profile = cProfile.Profile() if turn == turns - 1 else None
            started = time.perf_counter()
            if profile:
                profile.enable()
            loop.run_until_complete(agent.handle_text(message, sender_id="profile"))
            if profile:
                profile.disable()
                profiles[name] = profile
            total = (time.perf_counter() - started) * 1000
            series[name].append({"total_ms": round(total, 1), **{k: round(v * 1000, 1) for k, v in spent.items()}})
    out = results["turn"] = {"turns": turns, "series": series, "at": {}}
    print(f"a turn, in-process (no HTTP), along one conversation of {turns} messages; ms, median of 10 turns:")
    print(f"   {'turns':<10} {'store':<14} {'total':>7} " + " ".join(f"{p:>8}" for p in phases))
    for length in (10, 50, 100, 200, 400):
        if length > turns:
            continue
        for name in stores:
            window = series[name][length - 10 : length]
            row = {key: round(statistics.median(t.get(key, 0.0) for t in window), 1)
                   for key in ("total_ms", *phases)}  # fmt: skip
            out["at"].setdefault(str(length), {})[name] = row
            print(f"   {length - 9:>3}-{length:<6} {name:<14} {row['total_ms']:7.1f} "
                  + " ".join(f"{row[p]:8.1f}" for p in phases))
    for name, profile in profiles.items():
        out[f"profile_{name}"] = _top(profile, "cumulative", 25)
    print(f"   cProfile of turn {turns} with the whole session (cumulative):")
    print("\n".join("   " + line for line in out["profile_whole session"][:25]))


async def _store_figures(results: dict, sizes: list[int]) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

    from bot.privacy.tracker_store import PrivateSQLTrackerStore

    domain = Domain.from_yaml(
        'version: "3.1"\nintents: [faq]\nslots:\n  language:\n    type: text\n    mappings: [{type: custom}]\n'
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    out = results["store"] = {}
    print("tracker store alone (SQLite), ms: turns  events  save-one-turn  load-Rasa's  load-whole  load-window")
    for turns in sizes:
        stores = {w: PrivateSQLTrackerStore(domain, db=str(folder / f"{turns}-{w}.sqlite"), background=False,
                                            window_turns=w) for w in (0, 10)}  # fmt: skip
        for store in stores.values():
            tracker = await store.get_or_create_tracker("x", append_action_listen=False)
            for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
                tracker.update(event)
            await store.save(tracker)
            saves = []
            for turn in range(turns):
                tracker = await store.retrieve("x")
                parse = {"intent": {"name": "faq", "confidence": 0.99},
                         "intent_ranking": [{"name": f"intent_{i}", "confidence": 0.01} for i in range(10)],
                         "entities": [], "text": f"what is trafficking, question {turn}?"}  # fmt: skip
                reply = ActionExecuted("utter_faq", policy="RulePolicy", confidence=1.0)
                for event in (UserUttered(parse["text"], parse["intent"], [], parse), SlotSet("language", "en"),
                              reply, BotUttered("card " * 40), ActionExecuted("action_listen")):  # fmt: skip
                    tracker.update(event)
                started = time.perf_counter()
                await store.save(tracker)
                saves.append(time.perf_counter() - started)
        loads = {}
        ways = {"rasa": lambda s=stores: SQLTrackerStore._retrieve(s[0], "x", fetch_events_from_all_sessions=False),
                0: lambda s=stores: s[0].retrieve("x"), 10: lambda s=stores: s[10].retrieve("x")}  # fmt: skip
        for way, load in ways.items():
            samples = []
            for _ in range(10):
                started = time.perf_counter()
                loaded = await load()
                samples.append(time.perf_counter() - started)
            loads[way] = (round(statistics.median(samples) * 1000, 1), len(loaded.events))
        out[str(turns)] = {
            "save_ms": round(statistics.median(saves[-10:]) * 1000, 1), "load_rasa_ms": loads["rasa"][0],
            "load_whole_ms": loads[0][0], "load_window_ms": loads[10][0], "events": loads[0][1],
            "window_events": loads[10][1],
        }  # fmt: skip
        row = out[str(turns)]
        print(f"   {turns:5d}  {row['events']:6d}  {row['save_ms']:13.1f}  {row['load_rasa_ms']:10.1f}  "
              f"{row['load_whole_ms']:10.1f}  {row['load_window_ms']:11.1f} ({row['window_events']} events)")


ACTIONS_SCRIPT = """
import json, sys, time
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) / 1024
started = time.perf_counter()
from bot.ops import actions_server
if sys.argv[1] == 'kept-out':
    actions_server.keep_unused_frameworks_out()
actions_server.create_app('actions')
after_start = (rss(), time.perf_counter() - started)
import actions.job_offer as job_offer, actions.actions as help_actions
job_offer._reader().read('me ofrecieron trabajo en canada pero me piden 500 dolares para la visa', 'es')
help_actions._need_finder().find('necesito un abogado')
after_offer = (rss(), time.perf_counter() - started)
print('RESULT' + json.dumps({'after_start_mb': round(after_start[0]), 'start_s': round(after_start[1], 1),
      'after_first_offer_mb': round(after_offer[0]), 'first_offer_s': round(after_offer[1], 1),
      'tensorflow_imported': sys.modules.get('tensorflow') is not None,
      'heaviest_modules': sorted({m.split('.')[0] for m, module in sys.modules.items() if module is not None})}))
"""


def section_actions(results: dict) -> None:
    out = results["actions"] = {}
    print("action server process (python -m bot.ops.actions_server's set-up, then one job offer read):")
    for mode in ("as before", "kept-out"):
        env = {**_env(), "BOT_ENV": "development"}
        done = subprocess.run([sys.executable, "-c", ACTIONS_SCRIPT, mode], cwd=REPO, env=env, capture_output=True,
                              text=True)  # fmt: skip
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT")), None)
        if not line:
            print(f"   {mode}: failed\n{done.stderr[-2000:]}")
            continue
        figures = out[mode] = json.loads(line[len("RESULT"):])
        tops = [m for m in ("tensorflow", "spacy", "thinc", "sklearn", "scipy", "sqlalchemy", "rasa", "rasa_sdk")
                if m in figures["heaviest_modules"]]  # fmt: skip
        label = "TensorFlow kept out" if mode == "kept-out" else "TensorFlow importable (before)"
        print(f"   {label:<32} after start {figures['after_start_mb']:4d} MB ({figures['start_s']} s); after the "
              f"first job offer {figures['after_first_offer_mb']:4d} MB ({figures['first_offer_s']} s); "
              f"imported: {', '.join(tops)}")  # fmt: skip


def quiet_rasa() -> None:
    """Rasa's structured log prints every parse at debug level unless its CLI configured it: warnings only."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", default=list(SECTIONS), help=f"any of {', '.join(SECTIONS)}")
    parser.add_argument("--model", type=Path, default=REPO / "models" / "assistant.tar.gz")
    parser.add_argument("--turns", type=int, default=200, help="length of the conversation in `turn`")
    parser.add_argument("--rounds", type=int, default=10, help="rounds over the messages in `parse`")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "profile.json")
    args = parser.parse_args(argv)
    os.environ.setdefault("BOT_ENV", "development")
    quiet_rasa()
    results: dict = {"sections": args.sections}
    agent = None
    if "load" in args.sections:
        print("== load")
        agent = section_load(args.model, results)
    if "parse" in args.sections:
        print("== parse")
        section_parse(agent or _load_agent(args.model, {}), results, args.rounds)
    if "turn" in args.sections:
        print("== turn")
        section_turn(args.model, results, args.turns)
    if "store" in args.sections:
        print("== store")
        asyncio.run(_store_figures(results, [10, 50, 200, 400]))
    if "actions" in args.sections:
        print("== actions")
        section_actions(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    args.out.write_text(json.dumps({**previous, **results}, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
