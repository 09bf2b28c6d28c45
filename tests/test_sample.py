"""analysis.sample: realistic histories, the same for a seed, valid, and varied as real logs are."""

from __future__ import annotations

import collections
import json
from datetime import date, timedelta

import pytest

import slaclock
from slaclock import analysis
from slaclock.errors import SlaclockError

CATALOG = slaclock.default_catalog()


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    return list(analysis.sample_records(3_000, seed=11))


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    one = list(analysis.sample_records(200, seed=3))
    assert one == list(analysis.sample_records(200, seed=3))
    assert one != list(analysis.sample_records(200, seed=4))
    # A longer sample starts with the shorter one: n only says where to stop.
    assert list(analysis.sample_records(300, seed=3))[:200] == one


def test_every_record_is_valid_and_read_back_as_written(records) -> None:
    text = "".join(json.dumps(record) + "\n" for record in records)
    incidents = list(slaclock.read_incidents(text.splitlines()))
    assert len(incidents) == len(records)
    for incident, record in zip(incidents, records, strict=True):
        assert [e.kind for e in incident.events] == [e["type"] for e in record["events"]]
        assert [e.at for e in incident.events] == [
            slaclock.parse_instant(e["at"]) for e in record["events"]
        ]
        assert incident.customer == record["customer"]
        assert incident.contract == record.get("contract")
        assert incident.attributes == record["attributes"]
        assert incident.tier in CATALOG.tiers


def test_sample_builds_the_incidents_of_sample_records() -> None:
    incidents = analysis.sample(100, seed=5)
    assert incidents == [
        slaclock.Incident.from_dict(r) for r in analysis.sample_records(100, seed=5)
    ]


def test_contracts_where_the_tier_requires_one(records) -> None:
    for record in records:
        tier = CATALOG.tiers[record["tier"]]
        assert ("contract" in record) == tier.contract_required, record["id"]
    customers = {record["customer"] for record in records}
    contracts = {record.get("contract") for record in records} - {None}
    assert len(customers) >= 15 and len(contracts) >= 8
    # One tier and one contract per customer, as a helpdesk's customer records hold them.
    tier_of = collections.defaultdict(set)
    for record in records:
        tier_of[record["customer"]].add((record["tier"], record.get("contract")))
    assert all(len(pairs) == 1 for pairs in tier_of.values())


def test_every_tier_every_kind_and_every_instant_form_occur(records) -> None:
    assert {record["tier"] for record in records} == set(CATALOG.tiers)
    kinds = collections.Counter(e["type"] for r in records for e in r["events"])
    assert set(kinds) == {
        "opened",
        "customer_message",
        "agent_reply",
        "pending",
        "resolved",
        "reopened",
        "closed",
        "work_logged",
    }
    texts = [e["at"] for r in records for e in r["events"]]
    assert any(t.endswith("Z") for t in texts)
    assert any(t.endswith("+03:00") for t in texts)
    assert any("." in t for t in texts) and any("." not in t for t in texts)
    assert any(r["events"][0].get("by") == "agent" for r in records)
    assert any(r["third_party"] for r in records)
    durations = [e["duration"] for r in records for e in r["events"] if "duration" in e]
    assert durations and all(slaclock.parse_duration(d) > timedelta(0) for d in durations)


def test_arrivals_peak_in_working_hours_on_weekdays(records) -> None:
    opened = [slaclock.parse_instant(r["events"][0]["at"]) for r in records]
    local = [moment.astimezone(CATALOG.tiers["SLA-2"].calendar.zone) for moment in opened]
    working = sum(10 <= m.hour < 18 and m.weekday() < 5 for m in local)
    weekend = sum(m.weekday() >= 5 for m in local)
    # 40 of 168 hours a week are working hours; about two thirds of requests come then.
    assert working > 0.55 * len(local)
    assert 0.02 * len(local) < weekend < 0.15 * len(local)
    assert all(date(2026, 1, 1) <= m.date() <= date(2026, 12, 1) for m in local)


def test_most_answers_are_on_time_and_some_are_late(records) -> None:
    incidents = [slaclock.Incident.from_dict(r) for r in records[:1_000]]
    results = [slaclock.evaluate(i, CATALOG.tiers[i.tier]) for i in incidents]
    cycles = sum(len(r.cycles) for r in results)
    late = sum(c.breached for r in results for c in r.cycles)
    assert 0.03 < late / cycles < 0.2
    assert any(not r.covered for r in results)  # third-party requests on SLA-1


def test_the_analysis_engines_read_the_sample_alike(records) -> None:
    lines = [json.dumps(record) for record in records[:1_500]]
    rows = {}
    for engine in ("python", "numpy"):
        rows[engine] = list(analysis.evaluate_jsonl(lines, CATALOG, engine=engine))
    assert rows["python"] == rows["numpy"]
    expected = [
        analysis.Summary.from_evaluation(slaclock.evaluate(i, CATALOG.tiers[i.tier]), i)
        for i in list(slaclock.read_incidents(lines))
    ]
    assert rows["python"] == expected


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n": -1}, "n=-1"),
        ({"n": 2.5}, "n=2.5"),
        ({"n": 10, "seed": "x"}, "seed='x'"),
        ({"n": 10, "days": 0}, "days=0"),
        ({"n": 10, "start": "2026-01-01"}, "start='2026-01-01'"),
        ({"n": 10, "catalog": "default"}, "catalog='default'"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, words) -> None:
    n = kwargs.pop("n")
    with pytest.raises(SlaclockError, match=words.replace("(", r"\(").replace(".", r"\.")):
        analysis.sample_records(n, **kwargs)


def test_the_command_line_writes_the_sample_as_json_lines(capsys) -> None:
    from slaclock.cli import main

    assert main(["sample", "--incidents", "1,000", "--seed", "9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == list(analysis.sample_records(1000, seed=9))


def test_the_command_line_refuses_a_count_that_is_not_a_number(capsys) -> None:
    from slaclock.cli import main

    with pytest.raises(SystemExit) as stop:  # argparse's own usage error
        main(["sample", "--incidents", "many"])
    assert stop.value.code == 2
    assert "'many' is not a whole number of incidents" in capsys.readouterr().err


def test_the_command_line_refuses_a_negative_count_in_one_line(capsys) -> None:
    from slaclock.cli import main

    assert main(["sample", "--incidents", "-5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("slaclock: error: n=-5") and "Traceback" not in err


def test_tables_convert_instants_to_a_zone_and_keep_their_dtypes(records) -> None:
    lines = [json.dumps(record) for record in records[:300]]
    table = analysis.summarize(analysis.evaluate_jsonl(lines, CATALOG))
    utc = table.to_pandas()
    local = table.to_pandas(zone="Europe/Moscow")
    assert str(utc["next_due"].dtype).startswith("datetime64[") and "UTC" in str(
        utc["next_due"].dtype
    )
    assert "Europe/Moscow" in str(local["first_due"].dtype)
    assert str(local["first_taken"].dtype).startswith("timedelta64[")
    assert (utc["first_due"].dropna() == local["first_due"].dropna()).all()  # the same instants
    from zoneinfo import ZoneInfo

    assert table.to_pandas(zone=ZoneInfo("Asia/Tokyo"))["first_due"].dt.tz is not None
    with pytest.raises(SlaclockError, match=r"zone.*'Mars/Base'"):
        table.to_pandas(zone="Mars/Base")
