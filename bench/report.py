"""Figures from a `make bench` run: the table it prints, results/bench.json and the chart."""

from __future__ import annotations

import math
from pathlib import Path

from bench.load import median, percentile

OURS, BASELINE, STOCK = "assistant", "baseline", "stock bot"
TITLES = {OURS: "this assistant", BASELINE: "baseline", STOCK: "stock bot"}
# Issue 23's targets, printed beside the figures (nothing is asserted).
TARGETS = {
    "throughput_1": "≥ 0.8× stock",
    "throughput_8": "≥ 0.8× stock",
    "p95_1": "≤ 80 ms",
    "cost": "flat 10 → 200",
    "Rasa server": "≤ 1300 MB",
    "action server": "≤ 200 MB",
    "model": "≤ 50 MB",
    "full_training": "≤ 480 s",
    "first_answer": "≤ 20 s",
}


def bots_in(results: dict) -> list[str]:
    """The bots of a run, in column order: this assistant, the baseline when there is one, the stock bot."""
    return [name for name in (OURS, BASELINE, STOCK) if name in results.get("bots", [OURS, STOCK])]


def summarise(phases: list[dict], users: list[int], bots: list[str]) -> dict:
    """Per bot and number of users: every round's throughput, their median, and percentiles over all messages."""
    out: dict = {}
    for bot in bots:
        out[bot] = {}
        for count in users:
            mine = [p for p in phases if p["bot"] == bot and p["users"] == count]
            if not mine:
                continue
            latencies = [x for p in mine for x in p["latencies_ms"]]
            rounds = [p["throughput_msg_s"] for p in mine]
            out[bot][str(count)] = {
                "throughput_msg_s": round(median(rounds), 2),
                "throughput_rounds": rounds,
                "messages": len(latencies),
                "errors": sum(p["errors"] for p in mine),
                **{f"p{q}_ms": round(percentile(latencies, q), 1) for q in (50, 95, 99)},
            }
    return out


def ratio(ours: float | None, stock: float | None) -> float | None:
    if ours is None or stock is None or not stock or any(map(math.isnan, (ours, stock))):
        return None
    return round(ours / stock, 2)


def _fmt(value, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, int | float) else str(value)


def _pair(figures: dict | None, first: str, second: str, digits: int = 0) -> str:
    if not figures:
        return ""
    return f"{_fmt(figures.get(first), digits)} / {_fmt(figures.get(second), digits)}"


def table(results: dict) -> list[tuple[str, ...]]:
    """Rows: what, one column per bot, the ratio this assistant / stock bot, issue 23's target."""
    bots = bots_in(results)
    options = results["options"]
    rows: list[tuple[str, ...]] = []

    def add(label: str, value, digits: int = 0, target: str = "", ratio_digits: int = 2, text=None) -> None:
        """`value(bot)` gives a number (formatted, and the ratio computed) or, with `text`, a ready string."""
        cells = [text(bot) if text else _fmt(value(bot), digits) for bot in bots]
        first = ratio(value(OURS), value(STOCK)) if value else None
        rows.append((label, *cells, _fmt(first, ratio_digits) if value else "", target))

    summary = results.get("summary", {})
    for count in options["users"]:
        def at(bot, key, count=count):
            return summary.get(bot, {}).get(str(count), {}).get(key)

        users = f"{count} user{'s' if count > 1 else ''}"
        target = TARGETS.get(f"throughput_{count}", "")
        add(f"throughput, {users} (msg/s)", lambda b: at(b, "throughput_msg_s"), 1, target)
        add("   each round", None, text=lambda b: " ".join(_fmt(x, 1) for x in at(b, "throughput_rounds") or []))
        for q in (50, 95, 99):
            add(f"   p{q} (ms)", lambda b, q=q: at(b, f"p{q}_ms"), 0, TARGETS.get(f"p{q}_{count}", ""))
        if any(at(b, "errors") for b in bots):
            add("   errors (not 200)", lambda b: at(b, "errors"))
    lengths = results.get("conversation_length", {})
    for length in options["lengths"]:
        target = TARGETS["cost"] if length == options["lengths"][-1] else ""
        add(f"cost per message, turns {max(1, length - 9)}-{length} (ms)",
            lambda b, length=length: lengths.get(b, {}).get("cost_ms", {}).get(str(length)), 0, target)  # fmt: skip
    memory = results.get("memory_mb", {})
    for name in ("Rasa server", "action server", "entry point"):
        def process(bot, name=name):
            return memory.get(bot, {}).get(name)

        if any(process(b) for b in bots):
            add(f"{name} memory, now / peak (MB)", lambda b, process=process: (process(b) or {}).get("rss_mb"),
                target=TARGETS.get(name, ""), text=lambda b, process=process: _pair(process(b), "rss_mb", "peak_mb"))
    model = results.get("model", {})
    add("model, packed / unpacked (MB)", lambda b: (model.get(b) or {}).get("packed_mb"), target=TARGETS["model"],
        ratio_digits=1, text=lambda b: _pair(model.get(b), "packed_mb", "unpacked_mb", 1))  # fmt: skip
    training = results.get("training_s", {})

    def trained(bot, key):
        return (training.get(bot) or {}).get(key)

    add("full training (s)", lambda b: trained(b, "full_s"), 0, TARGETS["full_training"], 1)
    add("incremental training, --finetune (s)", lambda b: trained(b, "incremental_s"), 0, "", 1,
        text=lambda b: "failed" if trained(b, "incremental_error") else _fmt(trained(b, "incremental_s")))  # fmt: skip
    add("   retrain with Rasa's cache instead (s)", lambda b: trained(b, "cached_retrain_s"), 0, "", 1)
    first = results.get("start_to_first_answer_s", {})
    add("start to first answer (s)", lambda b: first.get(b), 1, TARGETS["first_answer"], 1)
    return rows


def print_table(results: dict) -> None:
    header = ("", *(TITLES[b] for b in bots_in(results)), "ratio", "target (issue 23)")
    rows = [header, *table(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    print("ratio = this assistant / stock bot. Latencies are per message over REST, each user waiting for its answer.")


def chart(results: dict, path: Path) -> Path:
    """Four panels: latency percentiles, throughput, cost per turn along a long conversation, memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {OURS: "#1f6f8b", BASELINE: "#8fb8c9", STOCK: "#c2703d"}
    bots = bots_in(results)
    width = 0.8 / len(bots)
    offsets = [(i - (len(bots) - 1) / 2) * width for i in range(len(bots))]
    figure, axes = plt.subplots(2, 2, figsize=(13, 9))
    summary = results.get("summary", {})
    users = [str(u) for u in results["options"]["users"]]

    ax = axes[0][0]
    labels = [f"p{q}, {u} user{'s' if u != '1' else ''}" for u in users for q in (50, 95, 99)]
    positions = range(len(labels))
    for offset, bot in zip(offsets, bots, strict=True):
        values = [summary.get(bot, {}).get(u, {}).get(f"p{q}_ms", 0) for u in users for q in (50, 95, 99)]
        ax.bar([p + offset for p in positions], values, width=width, label=bot, color=colours[bot])
    ax.set_xticks(list(positions), labels, rotation=30, ha="right")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Latency per message over REST")
    ax.legend()

    ax = axes[0][1]
    for offset, bot in zip(offsets, bots, strict=True):
        values = [summary.get(bot, {}).get(u, {}).get("throughput_msg_s", 0) for u in users]
        ax.bar([i + offset for i in range(len(users))], values, width=width, label=bot, color=colours[bot])
    ax.set_xticks(range(len(users)), [f"{u} user{'s' if u != '1' else ''}" for u in users])
    ax.set_ylabel("messages per second")
    ax.set_title("Throughput")
    ax.legend()

    ax = axes[1][0]
    for bot in bots:
        conversations = results.get("conversation_length", {}).get(bot, {}).get("per_turn", [])
        turns = min((len(c) for c in conversations), default=0)
        series = [median([c[i][0] for c in conversations]) for i in range(turns)]
        if series:
            smooth = [median(series[max(0, i - 9) : i + 1]) for i in range(len(series))]
            ax.plot(range(1, len(series) + 1), series, color=colours[bot], alpha=0.25, linewidth=0.8)
            ax.plot(range(1, len(series) + 1), smooth, color=colours[bot], label=f"{bot} (median of 10 turns)")
    ax.set_xlabel("turn of the conversation")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Cost of a message as the conversation grows")
    ax.legend()

    ax = axes[1][1]
    memory = results.get("memory_mb", {})
    names, values, colour = [], [], []
    for bot in bots:
        for name, figures in memory.get(bot, {}).items():
            names.append(f"{name}\n({bot})")
            values.append(figures.get("rss_mb", 0))
            colour.append(colours[bot])
    ax.bar(range(len(names)), values, color=colour)
    ax.set_xticks(range(len(names)), names, fontsize=8)
    ax.set_ylabel("resident memory (MB)")
    ax.set_title("Memory of each process after the load")

    meta = results.get("meta", {})
    figure.suptitle(f"make bench, {meta.get('date', '')}, commit {meta.get('commit', '')[:10]}"
                    f"{' (quick run)' if results['options'].get('quick') else ''}; "
                    f"load average at start {meta.get('machine_before', {}).get('load_average')}")  # fmt: skip
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
