"""Monthly hour budgets: SLA-3's 8 working hours a month, unlimited tiers, month edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import BudgetUsage, Incident, SlaclockError, budget, budgets, default_catalog
from slaclock.strategies import incidents

CATALOG = default_catalog()
SLA2, SLA3 = CATALOG.tiers["SLA-2"], CATALOG.tiers["SLA-3"]
H = timedelta(hours=1)


def worked(ident: str, *logs: tuple[str, str]) -> Incident:
    events = [{"type": "opened", "at": "2026-10-01T10:00:00+03:00"}]
    events += [{"type": "work_logged", "at": at, "duration": d} for at, d in logs]
    return Incident.from_dict({"id": ident, "type": "failure", "events": events})


NOVEMBER = [
    worked("A", ("2026-11-02T12:00:00+03:00", "PT5H")),
    worked("B", ("2026-11-10T12:00:00+03:00", "PT2H"), ("2026-11-20T12:00:00+03:00", "PT2H30M")),
]


def test_sla3_over_budget() -> None:
    usage = budget(SLA3, NOVEMBER, month="2026-11")
    assert usage == BudgetUsage(
        included=8 * H, used=9.5 * H, remaining=timedelta(0), overage=1.5 * H
    )


def test_sla3_under_budget() -> None:
    usage = budget(SLA3, NOVEMBER[:1], month="2026-11")
    assert (usage.included, usage.used, usage.remaining, usage.overage) == (
        8 * H,
        5 * H,
        3 * H,
        timedelta(0),
    )


def test_exactly_the_budget_leaves_nothing_and_owes_nothing() -> None:
    usage = budget(SLA3, [worked("A", ("2026-11-02T12:00:00+03:00", "PT8H"))], month="2026-11")
    assert usage.remaining == timedelta(0) and usage.overage == timedelta(0)


def test_unlimited_tier_has_no_included_nor_remaining() -> None:
    usage = budget(SLA2, NOVEMBER, month="2026-11")
    assert usage.included is None and usage.remaining is None
    assert usage.used == 9.5 * H and usage.overage == timedelta(0)
    assert usage.to_dict() == {
        "included": None,
        "used": "PT9H30M",
        "remaining": None,
        "overage": "PT0S",
    }


def test_month_is_read_in_the_calendar_zone() -> None:
    # 2026-11-30T22:30Z is 01:30 on 1 December in Moscow: December's work.
    edge = worked("E", ("2026-10-31T21:00:00Z", "PT2H"), ("2026-11-30T22:30:00Z", "PT1H"))
    assert budget(SLA3, [edge], month="2026-12").used == H
    assert budget(SLA3, [edge], month="2026-11").used == 2 * H  # 00:00 on 1 Nov in Moscow
    assert budget(SLA3, [edge], month="2026-10").used == timedelta(0)


def test_month_as_a_date_and_other_months_empty() -> None:
    assert budget(SLA3, NOVEMBER, month=date(2026, 11, 17)).used == 9.5 * H
    assert budget(SLA3, NOVEMBER, month="2026-12").used == timedelta(0)
    assert budget(SLA3, [], month="2026-11").remaining == 8 * H


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "11/2026", "2026-11-01", "", "0000-05"])
def test_malformed_months_are_refused(month: str) -> None:
    with pytest.raises(SlaclockError, match=repr(month).replace("/", "/")):
        budget(SLA3, NOVEMBER, month=month)


def test_datetime_and_other_types_are_refused_as_months() -> None:
    with pytest.raises(SlaclockError, match="datetime"):
        budget(SLA3, NOVEMBER, month=datetime(2026, 11, 1, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(SlaclockError, match="202611"):
        budget(SLA3, NOVEMBER, month=202611)  # type: ignore[arg-type]


def test_bundled_example_log_runs_sla3_over_budget_in_november() -> None:
    from importlib.resources import files

    from slaclock import read_incidents

    path = files("slaclock").joinpath("data", "example_incidents.jsonl")
    on_sla3 = [inc for inc in read_incidents(str(path)) if inc.tier == "SLA-3"]
    usage = budget(SLA3, on_sla3, month="2026-11")
    assert usage.overage == 1.5 * H
    assert budget(SLA3, on_sla3, month="2026-12").used == H


def test_at_counts_only_work_logged_by_then() -> None:
    at = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, B's first log
    assert budget(SLA3, NOVEMBER, month="2026-11", at=at).used == 7 * H  # A's 5 h and B's 2 h
    assert budget(SLA3, NOVEMBER, month="2026-11", at=at - timedelta(microseconds=1)).used == 5 * H
    assert budget(SLA3, NOVEMBER, month="2026-11", at=None).used == 9.5 * H


def test_at_is_an_instant_whatever_its_zone() -> None:
    # The same instant in New York time: the comparison is by instant, not wall time.
    at = datetime.fromisoformat("2026-11-10T04:00:00-05:00")
    assert budget(SLA3, NOVEMBER, month="2026-11", at=at).used == 7 * H


def test_naive_at_is_refused_by_name() -> None:
    with pytest.raises(SlaclockError, match=r"^at .*naive"):
        budget(SLA3, NOVEMBER, month="2026-11", at=datetime(2026, 11, 10, 12, 0))
    with pytest.raises(SlaclockError, match="at must be a timezone-aware datetime"):
        budget(SLA3, NOVEMBER, month="2026-11", at="2026-11-10")  # type: ignore[arg-type]


# ----------------------------------------------------------------- per contract


def owned(ident: str, hours: str, at: str = "2026-11-02T12:00:00+03:00", **owner: str) -> Incident:
    return worked(ident, (at, hours)).replace(**owner)


# Sixty customers pooled used "PT552H30M of PT8H"; per contract each has its own 8 hours.
HELPDESK = [
    owned("A", "PT5H", contract="C-1", customer="ACME"),
    owned("B", "PT4H", contract="C-1", customer="ACME"),
    owned("C", "PT2H", contract="C-2", customer="ACME"),
    owned("D", "PT3H", customer="Globex"),
    owned("E", "PT1H"),
    owned("F", "PT6H", contract="C-3", at="2026-10-30T12:00:00+03:00"),
]


def test_budget_of_one_contract_counts_only_its_incidents() -> None:
    assert budget(SLA3, HELPDESK, month="2026-11", contract="C-1") == BudgetUsage(
        included=8 * H, used=9 * H, remaining=timedelta(0), overage=H
    )
    assert budget(SLA3, HELPDESK, month="2026-11", contract="C-2").used == 2 * H
    assert budget(SLA3, HELPDESK, month="2026-11", contract="nobody").used == timedelta(0)
    assert budget(SLA3, HELPDESK, month="2026-11").used == 15 * H  # no contract: all pooled


def test_budget_of_a_contract_is_not_a_customer_name() -> None:
    assert budget(SLA3, HELPDESK, month="2026-11", contract="Globex").used == timedelta(0)


@pytest.mark.parametrize("contract", ["", "  ", 7])
def test_a_contract_that_is_no_name_is_refused(contract: object) -> None:
    with pytest.raises(SlaclockError, match="contract="):
        budget(SLA3, HELPDESK, month="2026-11", contract=contract)  # type: ignore[arg-type]


def test_budgets_key_by_contract_then_customer_then_none() -> None:
    usages = budgets(SLA3, HELPDESK, month="2026-11")
    assert list(usages) == ["C-1", "C-2", "Globex", None, "C-3"]  # in the order first met
    assert {key: usage.used for key, usage in usages.items()} == {
        "C-1": 9 * H,
        "C-2": 2 * H,
        "Globex": 3 * H,
        None: H,
        "C-3": timedelta(0),  # its work was in October: all its hours remain
    }
    assert usages["C-3"].remaining == 8 * H
    for key, usage in usages.items():
        if key is not None and key.startswith("C-"):
            assert usage == budget(SLA3, HELPDESK, month="2026-11", contract=key)


def test_budgets_add_up_to_the_pooled_budget() -> None:
    usages = budgets(SLA3, HELPDESK, month="2026-11")
    assert (
        sum((u.used for u in usages.values()), timedelta(0))
        == budget(SLA3, HELPDESK, month="2026-11").used
    )


def test_budgets_honour_at() -> None:
    at = datetime(2026, 11, 2, 11, tzinfo=UTC)  # 14:00 in Moscow: after A's work, before B's
    early = [
        owned("A", "PT5H", contract="C-1"),
        owned("B", "PT4H", "2026-11-20T12:00:00+03:00", contract="C-1"),
    ]
    assert budgets(SLA3, early, month="2026-11", at=at)["C-1"].used == 5 * H


def test_budgets_refuse_a_contract_named_like_a_customer() -> None:
    clash = [owned("A", "PT1H", contract="ACME"), owned("B", "PT1H", customer="ACME")]
    for log, (contract_of, customer_of) in ((clash, ("A", "B")), (clash[::-1], ("A", "B"))):
        with pytest.raises(SlaclockError) as info:
            budgets(SLA3, log, month="2026-11")
        words = str(info.value)
        assert "'ACME'" in words
        assert f"contract of incident {contract_of!r}" in words
        assert f"customer (with no contract) of incident {customer_of!r}" in words
    # The same name as contract and customer of one incident is no clash.
    same = [
        owned("A", "PT1H", contract="ACME", customer="ACME"),
        owned("B", "PT1H", contract="ACME"),
    ]
    assert list(budgets(SLA3, same, month="2026-11")) == ["ACME"]


def test_budgets_of_no_incidents_is_empty_and_bad_values_are_refused() -> None:
    assert budgets(SLA3, [], month="2026-11") == {}
    with pytest.raises(SlaclockError, match="Incident"):
        budgets(SLA3, ["A"], month="2026-11")  # type: ignore[list-item]
    with pytest.raises(SlaclockError, match="Tier"):
        budgets("SLA-3", HELPDESK, month="2026-11")  # type: ignore[arg-type]
    with pytest.raises(SlaclockError, match="YYYY-MM"):
        budgets(SLA3, HELPDESK, month="November")


def test_budgets_of_an_unlimited_tier_have_no_included_hours() -> None:
    usage = budgets(SLA2, HELPDESK, month="2026-11")["C-1"]
    assert (usage.included, usage.used, usage.remaining) == (None, 9 * H, None)


@given(st.lists(incidents(tier=SLA3), max_size=8), st.data())
def test_budgets_agree_with_a_sum_per_key_and_with_budget(
    logs: list[Incident], data: st.DataObject
) -> None:
    zone = SLA3.calendar.zone
    months = sorted({f"{e.at.astimezone(zone):%Y-%m}" for i in logs for e in i.events}) or [
        "2026-11"
    ]
    month = data.draw(st.sampled_from(months))
    want: dict[str | None, timedelta] = {}
    for incident in logs:  # the slow reference: every event, by hand
        key = incident.contract if incident.contract is not None else incident.customer
        want.setdefault(key, timedelta(0))
        for event in incident.events:
            if event.kind == "work_logged" and f"{event.at.astimezone(zone):%Y-%m}" == month:
                assert event.duration is not None
                want[key] += event.duration
    got = budgets(SLA3, logs, month=month)
    assert list(got) == list(want)
    assert {key: usage.used for key, usage in got.items()} == want
    for key, usage in got.items():
        assert usage.remaining == max(8 * H - usage.used, timedelta(0))
        assert usage.overage == max(usage.used - 8 * H, timedelta(0))
        if key is not None and any(i.contract == key for i in logs):
            assert usage == budget(SLA3, logs, month=month, contract=key)
    assert sum(want.values(), timedelta(0)) == budget(SLA3, logs, month=month).used
