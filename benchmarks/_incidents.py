"""Fixed-seed incident records for the SLA benchmarks (the documented record shape).

Each incident opens at a random instant in 2024-2026 (Moscow time) and then
alternates customer messages and agent replies with random gaps, sometimes a
``pending`` and a ``resolved``/``closed`` at the end, so evaluation sees several
reaction cycles, pauses and breaches, as real helpdesk logs do.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from _workload import FIRST_START, LAST_START, ZONE

_SPAN_S = int((LAST_START - FIRST_START).total_seconds())
_TYPES = ("failure", "module_failure", "consultation")
_CHANNELS = ("portal", "remote", "phone")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def records(n: int, *, events: int = 6, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``n`` incident records of about ``events`` events each (opened counts as one)."""
    rng = random.Random(seed)
    for number in range(n):
        at = FIRST_START + timedelta(seconds=rng.randrange(_SPAN_S))
        at = at.astimezone(ZONE)
        log = [{"type": "opened", "at": _stamp(at)}]
        waiting = True  # a reply is owed
        count = max(2, events + rng.choice((-1, 0, 0, 1)))
        while len(log) < count - 1:
            at += timedelta(minutes=rng.randint(5, 60 * 30))
            if waiting:
                kind = "agent_reply" if rng.random() < 0.8 else "customer_message"
            else:
                kind = rng.choice(("customer_message", "customer_message", "pending"))
            log.append({"type": kind, "at": _stamp(at)})
            if kind == "agent_reply":
                waiting = False
            elif kind == "customer_message":
                waiting = True
        at += timedelta(minutes=rng.randint(5, 60 * 48))
        log.append(
            {"type": "resolved" if rng.random() < 0.7 else "customer_message", "at": _stamp(at)}
        )
        yield {
            "id": f"INC-{number}",
            "type": rng.choice(_TYPES),
            "channel": rng.choice(_CHANNELS),
            "third_party": rng.random() < 0.1,
            "events": log,
        }


def write_jsonl(path: str, n: int, *, events: int = 6, seed: int = 7) -> int:
    """Write ``n`` records as JSON Lines; returns the bytes written."""
    size = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in records(n, events=events, seed=seed):
            line = json.dumps(record, separators=(",", ":")) + "\n"
            handle.write(line)
            size += len(line)
    return size
