"""Event tables in: CSV files and pandas DataFrames of one row per event, read into incidents.

Each table is checked against the incidents built from records (``Incident.from_dict``),
and each refusal names the line (CSV) or row label (DataFrame), the column and the value.
"""

from __future__ import annotations

import csv
import importlib
import io
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slaclock import Incident, default_catalog, evaluate
from slaclock import strategies as sst
from slaclock.analysis import EVENT_COLUMNS, evaluate_many, read_events, summarize
from slaclock.errors import EventTableError, IncidentError, SlaclockTypeError

pd: Any = importlib.import_module("pandas")  # in the test extra: these tests run in CI

HEADER = "incident,type,channel,third_party,customer,contract,event,at,duration,tier"
ROWS = [
    "A,failure,portal,false,Acme,C-1,opened,2026-11-27T17:30:00+03:00,,SLA-3",
    "B,consultation,phone,true,Globex,,opened,2026-11-30T11:00:00+03:00,,SLA-2",
    "A,failure,portal,false,Acme,C-1,agent_reply,2026-11-30T10:20:00+03:00,,SLA-3",
    "A,failure,portal,false,Acme,C-1,work_logged,2026-11-30T12:00:00+03:00,PT1H30M,SLA-3",
    "B,consultation,phone,true,Globex,,agent_reply,2026-11-30T14:00:00+03:00,,SLA-2",
]
WANT = [
    Incident.from_dict(
        {
            "id": "A",
            "type": "failure",
            "channel": "portal",
            "customer": "Acme",
            "contract": "C-1",
            "tier": "SLA-3",
            "events": [
                {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
                {"type": "work_logged", "at": "2026-11-30T12:00:00+03:00", "duration": "PT1H30M"},
            ],
        }
    ),
    Incident.from_dict(
        {
            "id": "B",
            "type": "consultation",
            "channel": "phone",
            "third_party": True,
            "customer": "Globex",
            "tier": "SLA-2",
            "events": [
                {"type": "opened", "at": "2026-11-30T11:00:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T14:00:00+03:00"},
            ],
        }
    ),
]


def text(*rows: str, header: str = HEADER) -> io.StringIO:
    return io.StringIO("\n".join((header, *rows)) + "\n")


def frame_of(rows: list[str], header: str = HEADER, **options: Any) -> Any:
    return pd.read_csv(io.StringIO("\n".join((header, *rows))), dtype=str, **options)


def test_a_csv_table_reads_as_the_records_say_rows_of_one_incident_need_not_be_adjacent() -> None:
    assert read_events(text(*ROWS)) == WANT


def test_a_csv_file_by_path_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("\ufeff" + text(*ROWS).getvalue(), encoding="utf-8")
    assert read_events(path) == WANT
    assert read_events(str(path)) == WANT


def test_a_dataframe_of_text_reads_as_the_csv_does() -> None:
    assert read_events(frame_of(ROWS)) == WANT


def test_a_dataframe_of_typed_columns_aware_timestamps_timedeltas_and_bools() -> None:
    frame = frame_of(ROWS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert("Europe/Moscow")
    frame["duration"] = pd.to_timedelta(frame["duration"])
    frame["third_party"] = frame["third_party"] == "true"
    got = read_events(frame)
    assert got == WANT
    assert type(got[0].events[0].at) is datetime


def test_the_events_are_in_row_order_and_the_incidents_in_first_row_order() -> None:
    got = read_events(text(ROWS[1], *ROWS[::2], ROWS[3], ROWS[4]))
    assert [i.id for i in got] == ["B", "A"]
    assert [e.kind for e in got[1].events] == ["opened", "agent_reply", "work_logged"]


def test_optional_columns_may_be_left_out_and_empty_cells_mean_absent() -> None:
    got = read_events(
        text("7,failure,opened,2026-11-27T17:30:00Z", header="incident,type,event,at")
    )
    assert got == [
        Incident("7", "failure", events=(got[0].events[0],)),
    ]
    assert got[0].channel is None and got[0].customer is None and not got[0].third_party
    frame = pd.DataFrame(
        {
            "incident": [7],
            "type": ["failure"],
            "channel": [None],
            "customer": [float("nan")],
            "event": ["opened"],
            "at": [pd.Timestamp("2026-11-27T17:30:00Z")],
            "duration": [pd.NaT],
            "third_party": [pd.NA],
        }
    )
    assert read_events(frame) == got  # an integer id reads as its digits


def test_columns_maps_other_names_and_other_columns_are_not_read() -> None:
    header = "Ticket,Kind,Channel,Note,Event,Created"
    got = read_events(
        text("A,failure,portal,anything,opened,2026-11-27T17:30:00+03:00", header=header),
        columns={
            "incident": "Ticket",
            "type": "Kind",
            "channel": "Channel",
            "event": "Event",
            "at": "Created",
        },
    )
    assert [(i.id, i.channel) for i in got] == [("A", "portal")]


def test_an_agent_opening_and_a_catalogs_own_vocabulary() -> None:
    catalog = default_catalog()
    got = read_events(
        text(
            "A,failure,opened,2026-11-27T17:30:00Z,agent",
            header="incident,type,event,at,by",
        ),
        vocabulary=catalog.vocabulary,
    )
    assert got[0].events[0].by == "agent"


def test_rows_read_evaluate_as_the_records_do() -> None:
    tier = default_catalog().tiers["SLA-3"]
    table = summarize(evaluate_many(read_events(text(*ROWS)), tier))
    assert table.columns["breached"] == [evaluate(i, tier).breached for i in WANT]


# --------------------------------------------------------------------------- refusals


def refusal(source: Any, **options: Any) -> EventTableError:
    with pytest.raises(EventTableError) as caught:
        read_events(source, **options)
    error = caught.value
    assert isinstance(error, IncidentError) and isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)
    return error


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("Z,failure,portal,false,,,opened,2026-11-27T17:30:00,,", "at", "no UTC offset"),
        ("Z,failure,portal,false,,,opened,yesterday,,", "at", "'2026-11-27T17:30:00+03:00'"),
        ("Z,failure,portal,maybe,,,opened,2026-11-27T17:30:00Z,,", "third_party", "true or false"),
        ("Z,failure,portal,false,,,shouted,2026-11-27T17:30:00Z,,", "event", "'shouted'"),
        ("Z,failure,portal,false,,,opened,2026-11-27T17:30:00Z,PT1H,", "duration", "work_logged"),
        ("Z,failure,fax,false,,,opened,2026-11-27T17:30:00Z,,", "channel", "'fax'"),
        ("Z,fire,portal,false,,,opened,2026-11-27T17:30:00Z,,", "type", "'fire'"),
        ("Z,,portal,false,,,opened,2026-11-27T17:30:00Z,,", "type", "empty"),
        (",failure,portal,false,,,opened,2026-11-27T17:30:00Z,,", "incident", "empty"),
        ("Z,failure,portal,false,,,,2026-11-27T17:30:00Z,,", "event", "empty"),
    ],
)
def test_a_bad_cell_names_the_line_column_and_value(row: str, column: str, words: str) -> None:
    error = refusal(text(ROWS[0], row))
    assert (error.line, error.column, error.path) == (3, column, column)
    assert words in str(error) and f"column {column!r}" in str(error)
    assert str(error).startswith(f"line 3, column {column!r}")


def test_the_same_bad_cell_in_a_dataframe_names_the_row_label() -> None:
    frame = frame_of([ROWS[0], "Z,failure,portal,false,,,opened,2026-11-27T17:30:00,,"])
    frame.index = pd.Index(["first", "second"])
    error = refusal(frame)
    assert (error.line, error.row, error.column) == (None, "second", "at")
    assert str(error).startswith("row 'second', column 'at', incident 'Z': event time")


def test_a_naive_timestamp_in_a_dataframe_is_refused_never_given_a_zone() -> None:
    frame = frame_of(ROWS[:1])
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_localize(None)
    error = refusal(frame)
    assert (error.row, error.column) == (0, "at") and "no UTC offset" in str(error)
    frame["at"] = pd.Timestamp("2026-11-27T17:30:00.000000001Z")
    assert "microseconds" in str(refusal(frame))
    frame["at"] = 1_795_000_000
    assert "not text or a timestamp" in str(refusal(frame))


def test_a_context_that_differs_between_rows_names_both() -> None:
    rows = [ROWS[0], ROWS[2].replace("Acme", "Initech")]
    error = refusal(text(*rows))
    assert (error.line, error.column, error.incident_id) == (3, "customer", "A")
    assert "'Initech' differs from 'Acme' on line 2" in str(error)
    empty = refusal(text(ROWS[0], ROWS[2].replace(",C-1,", ",,")))
    assert empty.column == "contract" and "None differs from 'C-1'" in str(empty)
    renamed = refusal(
        frame_of(rows).rename(columns={"customer": "Client"}), columns={"customer": "Client"}
    )
    assert (renamed.row, renamed.column) == (1, "Client")
    assert "on row 0" in str(renamed)


def test_a_log_out_of_order_names_the_row_of_the_event() -> None:
    rows = [ROWS[0], ROWS[2].replace("2026-11-30T10:20", "2026-11-26T10:20")]
    error = refusal(text(*rows))
    assert (error.line, error.column, error.incident_id) == (3, "at", "A")
    lone = refusal(text(ROWS[2]))  # no opened event first
    assert lone.line == 2 and lone.column == "event"


def test_missing_required_columns_and_bad_headers() -> None:
    error = refusal(text(header="incident,type,event"))
    assert (error.line, error.column) == (1, "at") and "'incident', 'type', 'event'" in str(error)
    assert "columns={'at': ...}" in str(error)
    assert refusal(io.StringIO("")).column == "incident"
    twice = refusal(text(header="incident,type,event,at,type"))
    assert (twice.line, twice.column) == (1, "type")
    short = refusal(text("A,failure,opened", header="incident,type,event,at"))
    assert short.line == 2 and "3 cells and the header 4" in str(short)
    unmapped = refusal(text(header="Ticket,type,event,at"), columns={"incident": "Tickets"})
    assert unmapped.column == "Tickets" and "'Ticket'" in str(unmapped)


def test_a_quoted_cell_over_two_lines_keeps_the_line_numbers() -> None:
    source = text(
        'A,failure,portal,false,"Acme\nInc",,opened,2026-11-27T17:30:00Z,,',
        "B,failure,portal,false,,,opened,nonsense,,",
    )
    error = refusal(source)
    assert error.line == 4  # the header, then the row on lines 2 and 3


def test_bad_options_name_the_argument() -> None:
    with pytest.raises(SlaclockTypeError, match="mapping"):
        read_events(text(), columns=[1])  # type: ignore[arg-type]
    assert "'ticket'" in str(refusal(text(), columns={"ticket": "Ticket"}))
    clash = refusal(text(), columns={"customer": "contract"})
    assert "'customer' and 'contract'" in str(clash) or "'contract' and 'customer'" in str(clash)
    with pytest.raises(SlaclockTypeError, match="vocabulary"):
        read_events(text(), vocabulary="default")  # type: ignore[arg-type]
    with pytest.raises(SlaclockTypeError, match="CSV file"):
        read_events([HEADER, *ROWS])
    with pytest.raises(SlaclockTypeError, match="columns\\['at'\\]"):
        read_events(text(), columns={"at": 3})  # type: ignore[dict-item]


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        (HEADER + "\nA,failure,portal,false,Café,,opened,2026-11-27T17:30:00Z,,\n").encode(
            "latin-1"
        )
    )
    assert "UTF-8" in str(refusal(path))


# --------------------------------------------------------------------------- properties


def in_force(incident: Incident) -> list[str | None]:
    """The tier in force at each event: the incident's, then each change's."""
    tiers, tier = [], incident.tier
    for event in incident.events:
        tier = event.tier if event.kind == "tier_changed" else tier
        tiers.append(tier)
    return tiers


def write_table(incidents: list[Incident], *, shuffle: list[int]) -> str:
    """The incidents as a CSV event table, rows in the order ``shuffle`` deals them out."""
    queues = [
        [
            [
                i.id,
                i.type,
                i.channel or "",
                "true" if i.third_party else "false",
                i.customer or "",
                i.contract or "",
                e.kind,
                e.to_dict()["at"],
                e.to_dict().get("duration", ""),
                tier or "",
                e.to_dict().get("by", ""),
            ]
            for e, tier in zip(i.events, in_force(i), strict=True)
        ]
        for i in incidents
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EVENT_COLUMNS)
    for k in shuffle:
        live = [q for q in queues if q]
        if not live:
            break
        writer.writerow(live[k % len(live)].pop(0))
    for queue in queues:
        writer.writerows(queue)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    incidents=st.lists(
        sst.incidents(calendar=default_catalog().tiers["SLA-2"].calendar)
        | sst.incidents(catalog=default_catalog()),  # logs that change tier
        max_size=5,
        unique_by=lambda i: i.id,
    ),
    shuffle=st.lists(st.integers(0, 10), max_size=40),
)
def test_any_incidents_written_as_a_table_in_any_interleaving_read_back_equal(
    incidents: list[Incident], shuffle: list[int]
) -> None:
    written = write_table(incidents, shuffle=shuffle)
    got = read_events(io.StringIO(written))
    assert sorted(got, key=lambda i: i.id) == sorted(
        (i.replace(attributes={}) for i in incidents), key=lambda i: i.id
    )
    frame = pd.read_csv(io.StringIO(written), dtype=str, keep_default_na=False, na_values=[""])
    assert read_events(frame) == got


def test_timestamps_keep_their_instant_and_zone_text() -> None:
    got = read_events(text("A,failure,,,,,opened,2024-11-03T01:30:00-05:00[America/New_York],,"))
    at = got[0].events[0].at
    assert at.astimezone(UTC) == datetime(2024, 11, 3, 6, 30, tzinfo=UTC)
    assert str(at.tzinfo) == "America/New_York"
    assert got[0].events[0].at - at == timedelta(0)


def test_a_row_tier_is_the_tier_in_force_at_its_event() -> None:
    # The incident's tier is its first row's; a tier_changed row names the new one.
    rows = (
        "C,failure,portal,false,,,opened,2026-11-02T10:00:00+03:00,,SLA-1",
        "C,failure,portal,false,,,tier_changed,2026-11-02T11:00:00+03:00,,SLA-3",
        "C,failure,portal,false,,,agent_reply,2026-11-02T12:00:00+03:00,,SLA-3",
    )
    [got] = read_events(text(*rows))
    assert got.tier == "SLA-1"
    assert [(e.kind, e.tier) for e in got.events] == [
        ("opened", None),
        ("tier_changed", "SLA-3"),
        ("agent_reply", None),
    ]
    # A row after the change that still says the old tier is refused, naming both.
    stale = (*rows[:2], rows[2].replace(",SLA-3", ",SLA-1"))
    with pytest.raises(EventTableError) as caught:
        read_events(text(*stale))
    assert caught.value.line == 4 and caught.value.column == "tier"
    assert "'SLA-1'" in str(caught.value) and "'SLA-3'" in str(caught.value)
    assert "line 3" in str(caught.value)
    # A change must name its tier.
    nameless = (rows[0], rows[1].replace(",SLA-3", ","))
    with pytest.raises(EventTableError) as caught:
        read_events(text(*nameless))
    assert caught.value.line == 3 and caught.value.column == "tier"
