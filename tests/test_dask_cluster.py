"""A real cluster: two worker processes evaluate a generated log, and the tables equal one process's.

Everything a worker gets travels pickled (the catalog, its calendars and tiers,
the events), so this checks the values that travel as much as the partition
functions.  Sized to run in well under a minute on a busy two-core machine; CI runs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import slaclock
from slaclock import analysis
from slaclock.analysis import dask as sd
from slaclock.analysis._frames import Kind, conform, tables

# The dask extra is in the test extra: this test runs in CI, never skipped.
pd: Any = importlib.import_module("pandas")
dd: Any = importlib.import_module("dask.dataframe")
distributed: Any = importlib.import_module("distributed")

CATALOG = slaclock.default_catalog()


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="2GiB",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_two_worker_processes_give_the_one_process_tables(client: Any, tmp_path: Path) -> None:
    incidents = list(analysis.sample(900, seed=2026))
    workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert len({w["host"] + str(w.get("pid", w["id"])) for w in workers.values()}) == 2
    # Event tables as Parquet partitions, read back indexed by incident id.
    events = dd.from_pandas(sd.event_frame(incidents), npartitions=6)
    events.to_parquet(tmp_path / "events", write_index=False)
    indexed = dd.read_parquet(tmp_path / "events").set_index("incident")
    at = incidents[len(incidents) // 2].events[0].at
    got_summary, got_clocks = dd.compute(
        sd.summaries(indexed, CATALOG, at=at, order="seq"),
        sd.clocks(indexed, CATALOG, at=at, order="seq"),
    )
    # JSON Lines logs, one partition per file, through dask.bag.
    for n in range(3):
        slaclock.write_incidents(tmp_path / f"log-{n}.jsonl", incidents[n * 300 : (n + 1) * 300])
    from_logs = sd.read_jsonl(str(tmp_path / "log-*.jsonl"), CATALOG, at=at).compute()
    # The same tables in this process, without Dask.
    checks: list[tuple[Kind, Any]] = [
        ("summary", got_summary),
        ("clocks", got_clocks),
        ("summary", from_logs),
    ]
    for kind, got in checks:
        one = conform(
            tables(
                kind, incidents, CATALOG, tier=None, at=at, cycle_rule=None, pause=None
            ).to_pandas(),
            sd.frame_meta(kind),
            0,
        )
        keys = ["incident"] if kind == "summary" else ["incident", "kind", "cycle"]
        assert len(got) == len(one)
        pd.testing.assert_frame_equal(
            got.sort_values(keys).reset_index(drop=True),
            one.sort_values(keys).reset_index(drop=True),
        )
    assert got_summary["breached"].any() and not got_summary["breached"].all()


def test_a_worker_error_reaches_the_client_with_its_place(client: Any) -> None:
    incidents = list(analysis.sample(40, seed=7))
    frame = sd.event_frame(incidents).drop(columns=["at"])
    indexed = dd.from_pandas(frame, npartitions=2).set_index("incident")
    with pytest.raises(slaclock.errors.PartitionError) as caught:
        sd.summaries(indexed, CATALOG).compute()
    assert caught.value.column == "at"
    assert caught.value.partition in (0, 1)
