"""Incidents: validation of the event log, the record shape, JSON Lines files."""

from __future__ import annotations

import io
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import (
    Event,
    Incident,
    IncidentError,
    SlaclockError,
    read_incidents,
    write_incidents,
)
from slaclock.strategies import incidents

MSK = timezone(timedelta(hours=3))


def record(*events: dict[str, object], **fields: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "INC-1", "type": "failure", "channel": "portal"}
    base.update(fields)
    base["events"] = list(events)
    return base


def ev(kind: str, at: str, **extra: object) -> dict[str, object]:
    return {"type": kind, "at": at, **extra}


OPENED = ev("opened", "2026-11-27T17:30:00+03:00")


def error_of(rec: object) -> IncidentError:
    with pytest.raises(IncidentError) as info:
        Incident.from_dict(rec)  # type: ignore[arg-type]
    return info.value


# ----------------------------------------------------------------- the record shape


def test_design_example_record_reads_and_round_trips() -> None:
    rec = {
        "id": "INC-7",
        "type": "failure",
        "channel": "portal",
        "third_party": False,
        "events": [
            {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
            {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
            {"type": "work_logged", "at": "2026-11-30T12:00:00+03:00", "duration": "PT1H30M"},
        ],
    }
    inc = Incident.from_dict(rec)
    assert inc.events[2].duration == timedelta(hours=1, minutes=30)
    assert inc.events[0].at == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    assert inc.to_dict() == rec
    assert Incident.from_dict(inc.to_dict()) == inc


def test_utc_z_suffix_is_accepted() -> None:
    inc = Incident.from_dict(record(ev("opened", "2026-11-27T14:30:00Z")))
    assert inc.events[0].at == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)


def test_friendly_work_duration_is_accepted_and_written_back_as_iso() -> None:
    inc = Incident.from_dict(
        record(OPENED, ev("work_logged", "2026-11-27T18:00:00+03:00", duration="1h30m"))
    )
    assert inc.to_dict()["events"][1]["duration"] == "PT1H30M"


def test_defaults_third_party_false_channel_none_opened_by_customer() -> None:
    inc = Incident.from_dict({"id": "X", "type": "consultation", "events": [OPENED]})
    assert inc.third_party is False
    assert inc.channel is None
    assert inc.events[0].by == "customer"
    assert "by" not in inc.to_dict()["events"][0]


def test_opened_by_agent_round_trips() -> None:
    inc = Incident.from_dict(record(ev("opened", "2026-11-27T17:30:00+03:00", by="agent")))
    assert inc.events[0].by == "agent"
    assert Incident.from_dict(inc.to_dict()) == inc


def test_tier_field_round_trips() -> None:
    inc = Incident.from_dict(record(OPENED, tier="SLA-3"))
    assert inc.tier == "SLA-3"
    assert inc.to_dict()["tier"] == "SLA-3"


def test_incident_is_immutable_hashable_picklable() -> None:
    inc = Incident.from_dict(record(OPENED))
    with pytest.raises(AttributeError):
        inc.id = "other"  # type: ignore[misc]
    assert hash(inc) == hash(Incident.from_dict(record(OPENED)))
    assert pickle.loads(pickle.dumps(inc)) == inc


def test_events_given_as_a_list_are_frozen_into_a_tuple() -> None:
    at = datetime(2026, 11, 27, 17, 30, tzinfo=MSK)
    inc = Incident("A", "failure", "portal", False, [Event("opened", at)])  # type: ignore[arg-type]
    assert isinstance(inc.events, tuple)


def test_equal_instants_are_allowed_and_keep_their_order() -> None:
    same = "2026-11-27T17:30:00+03:00"
    inc = Incident.from_dict(
        record(ev("opened", same), ev("agent_reply", same), ev("resolved", same))
    )
    assert [e.kind for e in inc.events] == ["opened", "agent_reply", "resolved"]


def test_same_instant_in_another_offset_is_in_order() -> None:
    inc = Incident.from_dict(
        record(OPENED, ev("agent_reply", "2026-11-27T14:30:00Z"))  # the same instant
    )
    assert len(inc.events) == 2


# ----------------------------------------------------------------- refusals, by name


@pytest.mark.parametrize(
    ("events", "index", "words"),
    [
        pytest.param(
            [ev("agent_reply", "2026-11-27T17:00:00+03:00"), OPENED],
            0,
            "first event must be 'opened'",
            id="reply-before-opened",
        ),
        pytest.param(
            [OPENED, ev("agent_reply", "2026-11-27T17:00:00+03:00")],
            1,
            "time order",
            id="out-of-order",
        ),
        pytest.param(
            [
                OPENED,
                ev("closed", "2026-11-28T10:00:00+03:00"),
                ev("customer_message", "2026-11-28T11:00:00+03:00"),
            ],
            2,
            "after 'closed'",
            id="after-closed",
        ),
        pytest.param(
            [OPENED, ev("opened", "2026-11-28T10:00:00+03:00")],
            1,
            "second 'opened'",
            id="opened-twice",
        ),
        pytest.param(
            [
                OPENED,
                ev("resolved", "2026-11-28T10:00:00+03:00"),
                ev("resolved", "2026-11-28T11:00:00+03:00"),
            ],
            2,
            "already resolved",
            id="resolved-twice",
        ),
        pytest.param(
            [OPENED, ev("reopened", "2026-11-28T10:00:00+03:00")],
            1,
            "not resolved",
            id="reopened-without-resolved",
        ),
        pytest.param(
            [
                OPENED,
                ev("resolved", "2026-11-28T10:00:00+03:00"),
                ev("pending", "2026-11-28T11:00:00+03:00"),
            ],
            2,
            "while resolved",
            id="pending-while-resolved",
        ),
        pytest.param(
            [OPENED, ev("escalated", "2026-11-28T10:00:00+03:00")],
            1,
            "unknown event type 'escalated'",
            id="unknown-kind",
        ),
        pytest.param(
            [ev("opened", "2026-11-27T17:30:00")], 0, "no UTC offset", id="naive-timestamp"
        ),
        pytest.param(
            [ev("opened", "27.11.2026 17:30")],
            0,
            "cannot read event time '27.11.2026 17:30'",
            id="unparseable-timestamp",
        ),
        pytest.param(
            [ev("opened", "2026-11-27")],
            0,
            "cannot read event time '2026-11-27'",
            id="date-without-time",
        ),
        pytest.param([ev("opened", 1764254400)], 0, "is not text", id="number-timestamp"),
        pytest.param(
            [OPENED, ev("work_logged", "2026-11-28T10:00:00+03:00", duration="-PT1H")],
            1,
            "negative",
            id="negative-work",
        ),
        pytest.param(
            [OPENED, ev("work_logged", "2026-11-28T10:00:00+03:00", duration="lots")],
            1,
            "cannot read duration 'lots'",
            id="malformed-work",
        ),
        pytest.param(
            [OPENED, ev("work_logged", "2026-11-28T10:00:00+03:00")],
            1,
            "needs a duration",
            id="work-without-duration",
        ),
        pytest.param(
            [OPENED, ev("agent_reply", "2026-11-28T10:00:00+03:00", duration="PT1H")],
            1,
            "only 'work_logged' events carry a duration",
            id="duration-on-reply",
        ),
        pytest.param(
            [ev("opened", "2026-11-27T17:30:00+03:00", by="robot")],
            0,
            "unknown opener 'robot'",
            id="unknown-opener",
        ),
        pytest.param(
            [OPENED, ev("agent_reply", "2026-11-28T10:00:00+03:00", by="agent")],
            1,
            "only 'opened' events say who",
            id="by-on-reply",
        ),
        pytest.param(
            [OPENED, {"type": "agent_reply", "at": "2026-11-28T10:00:00+03:00", "note": "x"}],
            1,
            "unknown event key 'note'",
            id="unknown-key",
        ),
        pytest.param([OPENED, {"type": "agent_reply"}], 1, "needs 'at'", id="missing-at"),
    ],
)
def test_bad_event_logs_name_incident_and_event(
    events: list[dict[str, object]], index: int, words: str
) -> None:
    err = error_of(record(*events))
    assert words in str(err)
    assert err.incident_id == "INC-1"
    assert err.event_index == index
    assert "incident 'INC-1'" in str(err)
    assert f"event {index}" in str(err)
    assert isinstance(err, ValueError)
    assert isinstance(err, SlaclockError)


@pytest.mark.parametrize(
    ("rec", "words"),
    [
        pytest.param(record(OPENED, type="outage"), "unknown incident type 'outage'", id="type"),
        pytest.param(record(OPENED, channel="email"), "unknown channel 'email'", id="channel"),
        pytest.param(
            record(OPENED, third_party="yes"), "third_party must be true or false", id="third-party"
        ),
        pytest.param(
            record(OPENED, priority="high"), "unknown incident key 'priority'", id="unknown-key"
        ),
        pytest.param(record(), "at least its 'opened'", id="no-events"),
        pytest.param(
            {"id": "INC-1", "type": "failure", "events": "opened"},
            "events must be a list",
            id="events-not-list",
        ),
    ],
)
def test_bad_records_name_the_incident(rec: dict[str, object], words: str) -> None:
    err = error_of(rec)
    assert words in str(err)
    assert err.incident_id == "INC-1"


def test_missing_id_is_refused() -> None:
    err = error_of({"type": "failure", "events": [OPENED]})
    assert "needs 'id'" in str(err)


def test_not_a_mapping_is_refused() -> None:
    assert "must be an object" in str(error_of(["INC-1"]))


def test_customer_message_after_resolved_is_allowed() -> None:
    # A customer writing to a resolved ticket is waiting for an answer: accepted,
    # and it starts a reaction cycle (see docs/semantics-sla.md).
    inc = Incident.from_dict(
        record(
            OPENED,
            ev("resolved", "2026-11-28T10:00:00+03:00"),
            ev("customer_message", "2026-11-28T11:00:00+03:00"),
            ev("reopened", "2026-11-28T11:00:00+03:00"),
        )
    )
    assert len(inc.events) == 4


def test_direct_event_refuses_naive_datetime() -> None:
    with pytest.raises(IncidentError, match="no time zone"):
        Event("opened", datetime(2026, 11, 27, 17, 30))


# ----------------------------------------------------------------- JSON Lines


def good_line(ident: str) -> str:
    return json.dumps(record(OPENED, id=ident))


def test_read_from_a_path_streams_and_allows_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(good_line("A") + "\n\n   \n" + good_line("B") + "\n", encoding="utf-8")
    assert [inc.id for inc in read_incidents(path)] == ["A", "B"]
    assert [inc.id for inc in read_incidents(str(path))] == ["A", "B"]


def test_one_bad_line_raises_with_its_line_number() -> None:
    text = good_line("A") + "\n\n" + json.dumps(record(ev("opened", "2026-11-27T17:30"), id="B"))
    reader = read_incidents(io.StringIO(text))
    assert next(reader).id == "A"
    with pytest.raises(IncidentError) as info:
        next(reader)
    assert info.value.line == 3
    assert info.value.incident_id == "B"
    assert str(info.value).startswith("line 3")


def test_invalid_json_names_its_line() -> None:
    with pytest.raises(IncidentError, match=r"line 2.*not valid JSON"):
        list(read_incidents(io.StringIO(good_line("A") + "\n{not json\n")))


def test_collect_gathers_bad_lines_and_keeps_the_good_ones() -> None:
    text = "\n".join(
        [good_line("A"), "{oops", good_line("B"), json.dumps(record(id="C")), good_line("D")]
    )
    reader = read_incidents(io.StringIO(text), errors="collect")
    assert [inc.id for inc in reader] == ["A", "B", "D"]
    assert reader.errors.lines == (2, 4)
    assert len(reader.errors) == 2
    assert [err.incident_id for err in reader.errors] == [None, "C"]


def test_unknown_errors_option_is_refused() -> None:
    with pytest.raises(IncidentError, match="'skip'"):
        read_incidents(io.StringIO(""), errors="skip")  # type: ignore[arg-type]


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    incidents = [
        Incident.from_dict(record(OPENED, id="A", tier="SLA-1")),
        Incident.from_dict(
            record(
                ev("opened", "2026-11-27T17:30:00+03:00", by="agent"),
                ev("customer_message", "2026-11-27T18:00:00Z"),
                ev("work_logged", "2026-11-28T10:00:00+03:00", duration="PT0S"),
                id="B",
                third_party=True,
            )
        ),
    ]
    path = tmp_path / "out.jsonl"
    assert write_incidents(path, incidents) == 2
    assert list(read_incidents(path)) == incidents
    buffer = io.StringIO()
    write_incidents(buffer, incidents)
    assert buffer.getvalue() == path.read_text(encoding="utf-8")


def test_bundled_example_log_reads_cleanly() -> None:
    from importlib.resources import files

    text = files("slaclock").joinpath("data", "example_incidents.jsonl").read_text("utf-8")
    reader = read_incidents(io.StringIO(text), errors="collect")
    incidents = list(reader)
    assert not reader.errors
    assert len(incidents) >= 12
    assert len({inc.id for inc in incidents}) == len(incidents)


def test_events_in_the_repeated_hour_of_a_dst_fold_are_ordered_by_instant() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 10, 25, 2, 50, tzinfo=berlin)  # fold=0: 02:50 CEST = 00:50 UTC
    second = datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=berlin)  # 02:10 CET = 01:10 UTC
    inc = Incident(
        "F", "failure", "portal", False, (Event("opened", first), Event("agent_reply", second))
    )
    assert [e.kind for e in inc.events] == ["opened", "agent_reply"]
    with pytest.raises(IncidentError, match="time order"):
        Incident(
            "F", "failure", "portal", False, (Event("opened", second), Event("agent_reply", first))
        )


# ----------------------------------------------------------------- whom it is for


def test_customer_contract_and_attributes_read_and_round_trip() -> None:
    attributes = {"priority": "P2", "tags": ["vip", 3, 1.5, None, True], "sla": {"x": {"y": []}}}
    rec = record(OPENED, customer="ACME", contract="C-2026-17", attributes=attributes)
    inc = Incident.from_dict(rec)
    assert (inc.customer, inc.contract) == ("ACME", "C-2026-17")
    assert inc.attributes["tags"] == ("vip", 3, 1.5, None, True)  # frozen: lists as tuples
    assert inc.attributes["sla"]["x"]["y"] == ()
    written = inc.to_dict()
    assert written["attributes"] == attributes and list(written["attributes"]) == list(attributes)
    assert (written["customer"], written["contract"]) == ("ACME", "C-2026-17")
    assert Incident.from_dict(json.loads(json.dumps(written))) == inc
    assert pickle.loads(pickle.dumps(inc)) == inc
    assert hash(pickle.loads(pickle.dumps(inc))) == hash(inc)


def test_absent_owner_fields_are_not_written() -> None:
    inc = Incident.from_dict(record(OPENED))
    assert (inc.customer, inc.contract, dict(inc.attributes)) == (None, None, {})
    assert not {"customer", "contract", "attributes"} & set(inc.to_dict())
    assert Incident.from_dict(record(OPENED, customer=None, attributes={})) == inc


def test_attributes_are_immutable_and_compare_as_json_values() -> None:
    inc = Incident.from_dict(record(OPENED, attributes={"a": [1], "b": {"c": 1}}))
    with pytest.raises(TypeError):
        inc.attributes["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        inc.attributes["a"].append(2)
    same = Incident.from_dict(record(OPENED, attributes={"b": {"c": 1.0}, "a": [1]}))
    assert same == inc and hash(same) == hash(inc)  # key order aside, 1 == 1.0
    assert Incident.from_dict(record(OPENED, attributes={"a": [True], "b": {"c": 1}})) != inc
    assert inc.attributes == {"a": [1], "b": {"c": 1}}  # equal to the plain JSON object


def test_given_mapping_is_copied_so_later_changes_do_not_leak_in() -> None:
    given = {"tags": ["a"]}
    inc = Incident.from_dict(record(OPENED)).replace(attributes=given)
    given["tags"].append("b")
    assert inc.attributes.to_dict() == {"tags": ["a"]}


def test_owner_fields_are_part_of_equality_and_replace() -> None:
    inc = Incident.from_dict(record(OPENED, customer="ACME"))
    assert inc != inc.replace(customer="Globex")
    assert inc != inc.replace(contract="C-1")
    assert inc != inc.replace(attributes={"p": 1})
    assert inc.replace(contract="C-1").replace(contract=None) == inc


def _deep(depth: int) -> dict[str, object]:
    value: dict[str, object] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        ({"customer": ""}, "customer", "customer '' must be non-empty text"),
        ({"customer": "  "}, "customer", "must be non-empty text"),
        ({"contract": 17}, "contract", "contract 17 must be non-empty text"),
        ({"contract": "\ud800"}, "contract", "lone surrogate"),
        ({"attributes": ["P2"]}, "attributes", "attributes must be a JSON object"),
        ({"attributes": "P2"}, "attributes", "attributes must be a JSON object"),
        ({"attributes": {"s": float("nan")}}, "attributes.s", "nan is not a JSON number"),
        ({"attributes": {"s": [1, float("inf")]}}, "attributes.s.1", "inf is not a JSON number"),
        ({"attributes": {"s": {1: "x"}}}, "attributes.s", "key 1 is not text"),
        ({"attributes": {"s": {"x", "y"}}}, "attributes.s", "is not a JSON value"),
        ({"attributes": {"s": b"x"}}, "attributes.s", "is not a JSON value"),
        ({"attributes": {"s": 10**5000}}, "attributes.s", "too many digits"),
        ({"attributes": {"\udc00": 1}}, "attributes", "lone surrogate"),
        ({"attributes": _deep(65)}, "attributes." + ".".join(["a"] * 64), "deeper than 64"),
    ],
)
def test_bad_owner_fields_name_the_key_path(
    fields: dict[str, object], path: str, words: str
) -> None:
    err = error_of(record(OPENED, **fields))
    assert words in err.reason
    assert err.path == path
    assert err.incident_id == "INC-1"


def test_attributes_at_the_depth_limit_are_kept() -> None:
    inc = Incident.from_dict(record(OPENED, attributes=_deep(63)))
    assert inc.attributes.to_dict() == _deep(63)  # 64 objects, the outermost included


def test_a_cyclic_attributes_value_is_refused_not_looped_on() -> None:
    cyclic: list[object] = []
    cyclic.append(cyclic)
    err = error_of(record(OPENED, attributes={"c": cyclic}))
    assert "deeper than 64" in err.reason


# ----------------------------------------------------------------- the update loop

STORED = record(OPENED, ev("agent_reply", "2026-11-27T18:00:00+03:00"), customer="ACME")


def test_with_events_appends_and_keeps_the_rest() -> None:
    inc = Incident.from_dict(STORED)
    message = Event.from_dict(ev("customer_message", "2026-11-30T10:00:00+03:00"))
    later = inc.with_events(message, ev("agent_reply", "2026-11-30T10:20:00Z"))
    assert [e.kind for e in later.events] == [
        "opened",
        "agent_reply",
        "customer_message",
        "agent_reply",
    ]
    assert later.events[2] is message
    assert (later.id, later.customer, later.channel) == (inc.id, inc.customer, inc.channel)
    assert len(inc.events) == 2  # the stored incident is unchanged
    assert later == Incident.from_dict(
        {
            **STORED,
            "events": [
                *STORED["events"],
                message.to_dict(),  # type: ignore[misc]
                ev("agent_reply", "2026-11-30T10:20:00Z"),
            ],
        }
    )
    assert inc.with_events() is inc


def test_with_events_at_the_instant_of_the_last_is_in_order() -> None:
    inc = Incident.from_dict(STORED)
    same = inc.with_events(ev("customer_message", "2026-11-27T15:00:00Z"))  # 18:00 Moscow
    assert same.events[-1].kind == "customer_message"


def test_with_events_refuses_one_earlier_than_the_last_naming_both_instants() -> None:
    inc = Incident.from_dict(STORED)
    with pytest.raises(IncidentError) as info:
        inc.with_events(ev("customer_message", "2026-11-27T17:59:59+03:00"))
    err = info.value
    assert (err.path, err.event_index, err.incident_id) == ("events.2", 2, "INC-1")
    assert "2026-11-27T17:59:59+03:00" in err.reason and "2026-11-27T18:00:00+03:00" in err.reason


@pytest.mark.parametrize(
    ("events", "path", "words"),
    [
        ([ev("reopened", "2026-11-30T10:00:00+03:00")], "events.2", "not resolved"),
        ([ev("opened", "2026-11-30T10:00:00+03:00")], "events.2", "second 'opened'"),
        (
            [
                ev("resolved", "2026-11-30T10:00:00+03:00"),
                ev("resolved", "2026-11-30T11:00:00+03:00"),
            ],
            "events.3",
            "already resolved",
        ),
        ([ev("agent_reply", "2026-11-30T10:00:00")], "events.2.at", "2026-11-30T10:00:00"),
        ([ev("work_logged", "2026-11-30T10:00:00+03:00")], "events.2.duration", "needs a duration"),
        ([ev("escalated", "2026-11-30T10:00:00+03:00")], "events.2.type", "unknown event type"),
        (["agent_reply"], "events.2", "must be an object"),
    ],
)
def test_with_events_refuses_what_a_new_incident_refuses(
    events: list[object], path: str, words: str
) -> None:
    inc = Incident.from_dict(STORED)
    with pytest.raises(IncidentError) as info:
        inc.with_events(*events)  # type: ignore[arg-type]
    assert info.value.path == path
    assert words in info.value.reason
    assert info.value.incident_id == "INC-1"


def test_event_from_dict_reads_the_record_form() -> None:
    event = Event.from_dict(
        {"type": "work_logged", "at": "2026-11-30T10:20:00+03:00", "duration": "1h30m"}
    )
    assert event == Event(
        "work_logged", datetime(2026, 11, 30, 7, 20, tzinfo=UTC), timedelta(minutes=90)
    )
    assert Event.from_dict(event.to_dict()) == event


@pytest.mark.parametrize(
    ("args", "path", "words"),
    [
        (("agent_reply", "2026-11-30T10:20:00+03:00"), "at", "for ISO text use Event.from_dict"),
        (("agent_reply", 1764487200), "at", "expected an aware datetime"),
        (("agent_reply", datetime(2026, 11, 30, 10, 20)), "at", "tzinfo=ZoneInfo"),
        (
            ("work_logged", datetime(2026, 11, 30, 10, 20, tzinfo=UTC), "PT1H"),
            "duration",
            "expected a timedelta; for ISO text use Event.from_dict",
        ),
    ],
)
def test_event_constructor_errors_suggest_the_form_it_takes(
    args: tuple[object, ...], path: str, words: str
) -> None:
    with pytest.raises(IncidentError) as info:
        Event(*args)  # type: ignore[arg-type]
    assert info.value.path == path
    assert words in info.value.reason


@given(st.data())
def test_a_log_built_by_with_events_equals_the_whole_log(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    split = data.draw(st.integers(1, len(incident.events)))
    stored = incident.replace(events=incident.events[:split])
    tail = incident.events[split:]
    as_records = data.draw(st.booleans())
    later = stored.with_events(*(e.to_dict() for e in tail) if as_records else tail)
    assert later == incident and later.to_dict() == incident.to_dict()


def test_attributes_built_directly_are_checked_and_frozen() -> None:
    from slaclock import Attributes

    attrs = Attributes({"tags": ["a"], "n": {"m": 1}})
    assert attrs["tags"] == ("a",) and isinstance(attrs["n"], Attributes)
    assert Attributes() == {} and Attributes(attrs) == attrs
    with pytest.raises(IncidentError) as info:
        Attributes({"x": [float("nan")]})
    assert info.value.path == "attributes.x.0"
    inc = Incident("INC-1", "failure", events=(Event.from_dict(OPENED),), attributes=attrs)
    assert inc.attributes is attrs
    assert repr(attrs) == "Attributes({'tags': ['a'], 'n': {'m': 1}})"


def test_read_incidents_refuses_a_vocabulary_that_is_not_one() -> None:
    with pytest.raises(SlaclockError, match="vocabulary="):
        read_incidents(io.StringIO(""), vocabulary=["incident"])  # type: ignore[arg-type]
