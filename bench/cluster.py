"""`python -m bench.cluster`: the scale-out load test, run by `make cluster-test` against the running cluster.

20 simulated people (by default) talk to the cluster's one public address for 3 minutes, each from an address of
their own on loopback (127.0.0.10, .11, ...: nginx and the entry points see 20 visitors, not one), in English
and Spanish: questions answered by cards, job-offer checks, finding help in a country, danger messages, and
"forget me". Half-way through, one Rasa replica is killed with SIGKILL; supervisord starts it again.

How a person's client behaves (what the widget's retry does): a message gets an id (`message_id`). When the
answer is a 5xx or the connection fails, the client sends the same message, with the same id, again (after
0.5, 1, 2, 4, 4... s) for at most RETRY_WINDOW seconds. Rasa's REST channel (bot/channels/rest.py) processes a
message id once: a retry of a message that a replica stored before it died gets the stored turn's replies,
and is not processed a second time. The client sends the next message only after an answer.

Afterwards every conversation is read back from PostgreSQL, as a maintainer would (SQL on loopback), and
checked: every turn stored once (none lost, none doubled), in the order sent, each followed by exactly the
replies the person received (masked as stored); conversations that asked to be forgotten have no row left. Every danger
message must have had the emergency number in the first answer the person got (from Rasa, or the entry
point's 503 with the numbers when Rasa failed). Figures are printed; the exit status is 1 if anything was
lost or wrong. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

EMERGENCY = "911"  # the number every danger reply (and the entry point's fallback) gives first when no country
RETRY_WINDOW_S = 60.0
REQUEST_TIMEOUT_S = 40.0  # above the entry point's own 30 s limit on Rasa
JOB_OFFER_END = ("another offer", "otra oferta")

EN_OFFER = "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
ES_OFFER = "me ofrecieron un trabajo en canada, es seguro?"


@dataclass(frozen=True)
class Say:
    text: str
    danger: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    language: str
    says: tuple[Say, ...]
    job_offer: bool = False  # after the says, answer "no" until the verdict (at most 10 times)
    forget: bool = False  # the last message asks to be forgotten: nothing may be left stored


def _s(*texts: str, danger: tuple[int, ...] = ()) -> tuple[Say, ...]:
    return tuple(Say(text, index in danger) for index, text in enumerate(texts))


SCENARIOS = [
    Scenario("faq", "en", _s("hi", "what is human trafficking?",
                             "what is the difference between smuggling and trafficking", "thanks")),
    Scenario("faq", "es", _s("hola", "¿qué es la trata de personas?",
                             "¿cuál es la diferencia entre tráfico de migrantes y trata?", "gracias")),
    Scenario("job_offer", "en", _s(EN_OFFER), job_offer=True),
    Scenario("job_offer", "es", _s(ES_OFFER), job_offer=True),
    Scenario("find_help", "en", _s("I need help", "Honduras")),
    Scenario("find_help", "en", _s("I'm in the United States, who can I call about trafficking?")),
    Scenario("find_help", "es", _s("necesito ayuda", "Guatemala")),
    Scenario("find_help", "es", _s("donde puedo pedir ayuda en México")),
    Scenario("danger", "en", _s("they took my passport and won't let me leave", "Honduras", danger=(0,))),
    Scenario("danger", "es", _s("me quitaron el pasaporte y no me dejan salir", "México", danger=(0,))),
    Scenario("danger", "en", _s("hello", "what is forced labour?", "my boss took my passport and locks us in at night",
                                danger=(2,))),
    Scenario("danger", "es", _s("hola", "ya estoy aqui y me quitaron el pasaporte, no me dejan salir", danger=(1,))),
    Scenario("forget", "en", _s("hi, my number is +1 555 123 4567", "what is trafficking?", "forget me"), forget=True),
    Scenario("forget", "es", _s("hola, mi numero es +504 9999-9999", "borra mis datos"), forget=True),
]  # fmt: skip


@dataclass
class Attempt:
    status: int | None  # None: no HTTP answer (connection failed or timed out)
    error: str | None
    seconds: float
    emergency: bool  # the answer's first text carries the emergency number


@dataclass
class Turn:
    message_id: str
    text: str
    danger: bool
    attempts: list[Attempt] = field(default_factory=list)
    replies: list[dict] | None = None  # the 200 answer
    total_s: float = 0.0  # first send to the 200 answer (retries included)
    first_answer_s: float | None = None  # first send to the first HTTP answer of any status

    @property
    def ok(self) -> bool:
        return self.replies is not None


@dataclass
class Conversation:
    sender: str
    scenario: str
    language: str
    forget: bool  # the scenario ends with "forget me"
    planned: int  # messages in the scenario's script
    turns: list[Turn] = field(default_factory=list)

    @property
    def forgotten(self) -> bool:
        """It got as far as "forget me", and that was answered."""
        return self.forget and len(self.turns) == self.planned and all(turn.ok for turn in self.turns)


@dataclass
class Run:
    url: str
    users: int
    duration: float
    retry_window: float
    conversations: list[Conversation] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    kill: dict[str, Any] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)  # 1-minute load average at the start and at the end


def reply_texts(replies: list[dict] | None) -> list[str]:
    return [r["text"] for r in replies or [] if isinstance(r, dict) and isinstance(r.get("text"), str)]


def first_text(payload: Any) -> str:
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return str(payload[0].get("text") or "")
    return ""


async def send(session: aiohttp.ClientSession, run: Run, conversation: Conversation, say: Say) -> Turn:
    """One message, retried with the same id on a 5xx or a failed connection, within the retry window."""
    turn = Turn(message_id=uuid.uuid4().hex, text=say.text, danger=say.danger)
    conversation.turns.append(turn)
    body = {"sender": conversation.sender, "message": say.text, "message_id": turn.message_id,
            "metadata": {"language": conversation.language}}  # fmt: skip
    start = time.monotonic()
    delay = 0.5
    while True:
        sent = time.monotonic()
        status, payload, error = None, None, None
        try:
            async with session.post(run.url + "/webhooks/rest/webhook", json=body) as response:
                status = response.status
                payload = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
            error = type(failure).__name__
        now = time.monotonic()
        turn.attempts.append(Attempt(status, error, now - sent, EMERGENCY in first_text(payload)))
        if status is not None and turn.first_answer_s is None:
            turn.first_answer_s = now - start
        if status == 200 and isinstance(payload, list):
            turn.replies, turn.total_s = payload, now - start
            return turn
        if status == 429 and isinstance(payload, dict):
            await asyncio.sleep(float(payload.get("retry_after", 1)))
            continue
        if status is not None and status < 500:
            return turn  # a refusal (4xx) is not retried: it is a bug in the test or the entry point
        if now - start + delay > run.retry_window:
            return turn
        await asyncio.sleep(delay)
        delay = min(delay * 2, 4.0)


def says_for(scenario: Scenario, conversation: Conversation) -> Iterator[Say]:
    yield from scenario.says
    if scenario.job_offer:
        answer = "no"
        for _ in range(10):
            last = conversation.turns[-1] if conversation.turns else None
            if last is None or not last.ok or any(end in text for text in reply_texts(last.replies)
                                                  for end in JOB_OFFER_END):  # fmt: skip
                return
            yield Say(answer)


async def user(index: int, run: Run, deadline: float, seed: int, think: tuple[float, float]) -> None:
    """One person: conversation after conversation until the deadline, from 127.0.0.(10 + index)."""
    rng = random.Random(seed * 1000 + index)
    connector = aiohttp.TCPConnector(local_addr=(f"127.0.0.{10 + index}", 0), limit=2)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        number = 0
        while time.monotonic() < deadline:
            scenario = rng.choice(SCENARIOS)
            number += 1
            conversation = Conversation(f"load-{seed}-{index}-{number}-{uuid.uuid4().hex[:6]}", scenario.name,
                                        scenario.language, scenario.forget, len(scenario.says))  # fmt: skip
            run.conversations.append(conversation)
            for say in says_for(scenario, conversation):
                if time.monotonic() >= deadline:
                    break
                turn = await send(session, run, conversation, say)
                if not turn.ok:
                    break  # the person gives up on this conversation; the turn counts as lost
                await asyncio.sleep(rng.uniform(*think))


def supervisor_pid(env: dict[str, str], program: str) -> int:
    ctl = Path(sys.executable).parent / "supervisorctl"
    out = subprocess.run([str(ctl), "-c", env["SUPERVISOR_CONF"], "pid", program], capture_output=True, text=True,
                         timeout=30).stdout.strip()  # fmt: skip
    return int(out) if out.isdigit() else 0


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/webhooks/socketio/ready", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def answers(url: str) -> bool:
    """The restarted replica itself answers a new conversation (on loopback, as a maintainer would try it)."""
    body = json.dumps({"sender": f"after-restart-{uuid.uuid4().hex}", "message": "hola",
                       "message_id": uuid.uuid4().hex}).encode()  # fmt: skip
    request = urllib.request.Request(url + "/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200 and bool(reply_texts(json.loads(response.read())))
    except (OSError, ValueError):
        return False


async def kill_replica(run: Run, env: dict[str, str], name: str, at: float, deadline: float) -> None:
    """SIGKILL Rasa replica `name` at `at` seconds, then watch supervisord start it and its model load."""
    await asyncio.sleep(at)
    program = f"rasa-{name}"
    pid = await asyncio.to_thread(supervisor_pid, env, program)
    if not pid:
        run.kill = {"program": program, "error": "no pid from supervisorctl"}
        return
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    run.kill = {"program": program, "pid": pid, "at_s": round(killed - run.started, 1)}
    url = env[f"RASA_{name.upper()}_URL"]
    while time.monotonic() < deadline + 600:
        new_pid = await asyncio.to_thread(supervisor_pid, env, program)
        if new_pid and new_pid != pid and await asyncio.to_thread(ready, url):
            run.kill.update(new_pid=new_pid, back_after_s=round(time.monotonic() - killed, 1))
            run.kill["answers"] = await asyncio.to_thread(answers, url)
            return
        await asyncio.sleep(1)
    run.kill["back_after_s"] = None


# --- checks against PostgreSQL ---------------------------------------------------------------------


def stored_turns(cursor, sender: str) -> tuple[list[str | None], list[list[str]], int]:
    """User message ids in stored order, the bot texts after each, and the number of rows for `sender`."""
    cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
    rows = cursor.fetchall()
    ids: list[str | None] = []
    texts: list[list[str]] = []
    for type_name, data in rows:
        event = json.loads(data)
        if type_name == "user":
            ids.append(event.get("message_id"))
            texts.append([])
        elif type_name == "bot" and texts and event.get("text"):
            texts[-1].append(event["text"])
    return ids, texts, len(rows)


def same_replies(received: list[str], stored: list[str]) -> bool:
    """What the person got equals what was stored, once masked (Rasa's REST channel sends each paragraph of a
    reply as its own message, and the store masks phone numbers)."""
    from bot.privacy.masking import mask_text

    def paragraphs(texts: list[str]) -> list[str]:
        return [part.strip() for text in texts for part in text.split("\n\n") if part.strip()]

    return paragraphs([mask_text("\n\n".join(received))]) == paragraphs(stored)


def check(run: Run, env: dict[str, str]) -> dict[str, Any]:
    import psycopg2

    problems: list[str] = []
    checked = 0
    forgotten_ok = 0
    connection = psycopg2.connect(host="127.0.0.1", port=int(env["PG_PORT"]), user=env["TRACKER_DB_USER"],
                                  password=env["TRACKER_DB_PASSWORD"], dbname=env["TRACKER_DB"])  # fmt: skip
    try:
        with connection.cursor() as cursor:
            for conversation in run.conversations:
                for turn in conversation.turns:
                    if not turn.ok:
                        statuses = [a.status or a.error for a in turn.attempts]
                        problems.append(f"{conversation.sender}: no answer within the retry window for a turn "
                                        f"({len(turn.attempts)} attempts: {statuses})")  # fmt: skip
                    if turn.danger and not (turn.attempts and turn.attempts[0].emergency):
                        problems.append(f"{conversation.sender}: danger message without the emergency number in "
                                        "the first answer")  # fmt: skip
                ids, texts, rows = stored_turns(cursor, conversation.sender)
                if conversation.forgotten:
                    if rows:
                        problems.append(f"{conversation.sender}: asked to be forgotten, {rows} rows still stored")
                    else:
                        forgotten_ok += 1
                    checked += len(conversation.turns)
                    continue
                expected = [turn.message_id for turn in conversation.turns]
                if len(set(ids)) != len(ids):
                    problems.append(f"{conversation.sender}: a turn is stored twice")
                missing = [mid for mid in expected if mid not in ids]
                extra = [mid for mid in ids if mid not in expected]
                if missing:
                    problems.append(f"{conversation.sender}: {len(missing)} turn(s) lost (not stored)")
                if extra:
                    problems.append(f"{conversation.sender}: {len(extra)} stored turn(s) nobody sent")
                if not missing and not extra and ids != expected:
                    problems.append(f"{conversation.sender}: turns stored out of order")
                for turn in conversation.turns:
                    if turn.ok and turn.message_id in ids:
                        stored = texts[ids.index(turn.message_id)]
                        if not same_replies(reply_texts(turn.replies), stored):
                            problems.append(f"{conversation.sender}: the replies stored for a turn differ from the "
                                            f"ones received ({len(stored)} stored)")  # fmt: skip
                        else:
                            checked += 1
    finally:
        connection.close()
    return {"problems": problems, "turns_checked": checked, "forgotten_verified": forgotten_ok}


# --- figures ---------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def figures(run: Run, result: dict[str, Any]) -> dict[str, Any]:
    turns = [turn for conversation in run.conversations for turn in conversation.turns]
    answered = [turn for turn in turns if turn.ok]
    attempts = [attempt for turn in turns for attempt in turn.attempts]
    elapsed = run.ended - run.started
    danger = [turn for turn in turns if turn.danger]
    to_numbers = [turn.first_answer_s for turn in danger if turn.first_answer_s is not None]
    per_language = {lang: sum(1 for c in run.conversations if c.language == lang) for lang in ("en", "es")}
    per_scenario: dict[str, int] = {}
    for conversation in run.conversations:
        per_scenario[conversation.scenario] = per_scenario.get(conversation.scenario, 0) + 1
    return {
        "users": run.users,
        "load_average_1min_start_end": run.load,
        "duration_s": round(elapsed, 1),
        "conversations": len(run.conversations),
        "conversations_per_language": per_language,
        "conversations_per_kind": per_scenario,
        "turns_sent": len(turns),
        "turns_answered": len(answered),
        "throughput_turns_per_s": round(len(answered) / elapsed, 2) if elapsed else 0.0,
        "latency_p50_s": round(percentile([t.total_s for t in answered], 0.5), 3),
        "latency_p95_s": round(percentile([t.total_s for t in answered], 0.95), 3),
        "latency_max_s": round(max((t.total_s for t in answered), default=float("nan")), 3),
        "requests": len(attempts),
        "errors_5xx": sum(1 for a in attempts if a.status is not None and a.status >= 500),
        "errors_connection": sum(1 for a in attempts if a.status is None),
        "errors_429": sum(1 for a in attempts if a.status == 429),
        "turns_retried": sum(1 for t in turns if len(t.attempts) > 1),
        "turns_failed_after_retry_window": sum(1 for t in turns if not t.ok),
        "danger_turns": len(danger),
        "danger_first_answer_had_number": sum(1 for t in danger if t.attempts and t.attempts[0].emergency),
        "danger_first_answer_p95_s": round(percentile(to_numbers, 0.95), 3),
        "danger_first_answer_max_s": round(max(to_numbers, default=float("nan")), 3),
        "kill": run.kill,
        "turns_checked_in_postgresql": result["turns_checked"],
        "forgotten_conversations_verified_empty": result["forgotten_verified"],
        "problems": len(result["problems"]),
    }


def print_figures(numbers: dict[str, Any], problems: list[str]) -> None:
    kill = numbers["kill"]
    print()
    print(f"== scale-out load test: {numbers['users']} users for {numbers['duration_s']} s "
          f"({os.cpu_count()} CPUs; load average {numbers['load_average_1min_start_end'][0]} at the start, "
          f"{numbers['load_average_1min_start_end'][1]} at the end)")
    print(f"conversations      {numbers['conversations']} (en {numbers['conversations_per_language']['en']}, "
          f"es {numbers['conversations_per_language']['es']}; {numbers['conversations_per_kind']})")
    print(f"turns              {numbers['turns_answered']} answered of {numbers['turns_sent']} sent; "
          f"throughput {numbers['throughput_turns_per_s']} turns/s")
    print(f"latency            p50 {numbers['latency_p50_s']} s, p95 {numbers['latency_p95_s']} s, "
          f"max {numbers['latency_max_s']} s (first send to answer, retries included)")
    print(f"errors             {numbers['errors_5xx']} x 5xx, {numbers['errors_connection']} failed connections, "
          f"{numbers['errors_429']} x 429 in {numbers['requests']} requests; {numbers['turns_retried']} turns "
          f"retried; {numbers['turns_failed_after_retry_window']} unanswered after the retry window")
    print(f"danger             {numbers['danger_first_answer_had_number']} of {numbers['danger_turns']} had the "
          f"emergency number in the first answer; first answer p95 {numbers['danger_first_answer_p95_s']} s, "
          f"max {numbers['danger_first_answer_max_s']} s")
    if kill.get("pid"):
        back = "NOT back"
        if kill.get("back_after_s"):
            answering = "answering again" if kill.get("answers") else "NOT answering"
            back = f"back (model loaded) after {kill['back_after_s']} s, {answering}"
        print(f"crash              {kill['program']} SIGKILLed at {kill['at_s']} s; {back}")
    else:
        print(f"crash              none ({kill.get('error', 'not asked for')})")
    print(f"checked            {numbers['turns_checked_in_postgresql']} turns read back from PostgreSQL; "
          f"{numbers['forgotten_conversations_verified_empty']} forgotten conversations left no row")
    if problems:
        print(f"PROBLEMS ({len(problems)}):")
        for problem in problems[:40]:
            print(f"  - {problem}")
    else:
        print("result             nothing lost, doubled or out of order")


async def main_async(args: argparse.Namespace) -> int:
    from bot.ops.cluster import read_env

    env = read_env(args.cluster_dir, with_secrets=True)
    run = Run(url=args.url or env["PUBLIC_URL"], users=args.users, duration=args.duration,
              retry_window=args.retry_window)  # fmt: skip
    print(f"== load test: {args.users} users, {args.duration:.0f} s, at {run.url}; "
          f"{'killing rasa-' + args.kill + ' with SIGKILL half-way' if args.kill else 'no crash'}")
    run.started = time.monotonic()
    run.load = [round(os.getloadavg()[0], 1)]  # the machine may be shared: say how busy it was
    deadline = run.started + args.duration
    tasks = [asyncio.create_task(user(i, run, deadline, args.seed, (args.think_min, args.think_max)))
             for i in range(args.users)]  # fmt: skip
    killer = None
    if args.kill:
        killer = asyncio.create_task(kill_replica(run, env, args.kill, args.duration * args.kill_at, deadline))
    await asyncio.gather(*tasks)
    run.ended = time.monotonic()
    run.load.append(round(os.getloadavg()[0], 1))
    if killer is not None:
        print("== waiting for the killed replica to be back")
        await killer
    result = check(run, env)
    numbers = figures(run, result)
    print_figures(numbers, result["problems"])
    if args.report:
        report = {"figures": numbers, "problems": result["problems"],
                  "conversations": [asdict(c) for c in run.conversations]}  # fmt: skip
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    failed = bool(result["problems"]) or (args.kill and not (run.kill.get("back_after_s") and run.kill.get("answers")))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds (default 180)")
    parser.add_argument("--kill", default="a", help="Rasa replica to SIGKILL half-way ('' for none)")
    parser.add_argument("--kill-at", type=float, default=0.5, help="when, as a share of the duration")
    parser.add_argument("--retry-window", type=float, default=RETRY_WINDOW_S)
    parser.add_argument("--think-min", type=float, default=0.5, help="seconds between a reply and the next message")
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--url", help="public address (default: the cluster's)")
    parser.add_argument("--cluster-dir", help="default: $CLUSTER_DIR or build/cluster")
    parser.add_argument("--report", help="write every conversation and the figures to this JSON file")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 200:
        parser.error("--users must be between 1 and 200")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
