"""The annual report reproduces a real landlord's published figures (seed 002, Cannock
Chase Council 2023/24): 36 stage 1 and 7 stage 2 complaints at 5,035 homes give CH01 7.15
and 1.39; 30 of 36 stage 1 responses within 10 working days is 83%, and 33 of 36 within
target or an agreed extension is 92%; 6 of 7 stage 2 within 20 working days is 86%."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest

from chc_tui.figures import report_texts
from chc_tui.rules.context import StepContext
from chc_tui.figures.report import to_json
from report_helpers import Book, report_for
from store.engine import open_database

TODAY = date(2024, 6, 12)  # the cabinet met on 12 June 2024
DECISIONS = ["upheld"] * 19 + ["partly_upheld"] * 7 + ["not_upheld"] * 10
TIMING = ["target"] * 30 + ["extension"] * 3 + ["late"] * 3
STAGE2 = [  # (timing, decision) for the first seven complaints
    ("target", "upheld"), ("target", "upheld"), ("target", "partly_upheld"), ("target", "partly_upheld"),
    ("target", "not_upheld"), ("target", "not_upheld"), ("late", "not_upheld"),
]
CATEGORIES = (["Repairs / Maintenance"] * 14 + ["Housing Property Services"] * 10 + ["Allocations"] * 5
              + ["Neighbourhoods"] * 5 + ["Tenancy Services"] * 2)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory, _migrated_db_file):
    path = tmp_path_factory.mktemp("seed002") / "t.db"
    shutil.copyfile(_migrated_db_file, path)
    db = open_database(path)
    book = Book(db, TODAY)
    start = date(2023, 4, 3)
    refs = []
    for i in range(36):
        # the late and extended ones first among those not escalated, so every stage is mixed
        timing = TIMING[(i + 7) % 36]
        refs.append(book.complaint(start + timedelta(days=6 * i), category=CATEGORIES[i], timing=timing,
                                   decision=DECISIONS[i], remedy="apology: An apology\n£50 for time and trouble" if i % 4 == 0 else ""))
    for ref, (timing, decision) in zip(refs, STAGE2):
        book.escalate(ref, timing=timing, decision=decision,
                      remedy="£250 compensation agreed with the contractor." if timing == "late" else "")
    report_texts.set_homes_owned(db, year=2023, homes=5035, ctx=StepContext(actor="alice", today=TODAY))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def seed(seed_db):
    return report_for(seed_db, 2023, TODAY)


def test_ch01_per_thousand_homes_as_published(seed):
    assert seed.value("tsm.CH01.stage1_received") == 36
    assert seed.value("tsm.CH01.stage2_received") == 7
    assert seed.value("tsm.CH01.homes_owned") == 5035
    assert seed.value("tsm.CH01.stage1_per_1000_homes") == 7.15
    assert seed.value("tsm.CH01.stage2_per_1000_homes") == 1.39
    assert seed.figure("tsm.CH01.stage1_per_1000_homes").text == "7.15"
    assert seed.figure("tsm.CH01.stage2_per_1000_homes").text == "1.39"


def test_ch02_with_and_without_agreed_extensions(seed):
    ch02 = seed.figure("tsm.CH02.stage1_within_timescale_pct")
    assert ch02.value == pytest.approx(33 / 36 * 100)
    assert ch02.text == "92%"
    assert seed.value("tsm.CH02.stage1_responses") == 36
    assert seed.value("tsm.CH02.stage1_within_target") == 30
    assert seed.figure("tsm.CH02.stage1_within_target").text == "30 (83%)"
    assert seed.value("tsm.CH02.stage1_within_extension") == 3
    assert seed.value("tsm.CH02.stage1_out_of_target") == 3
    assert seed.value("tsm.CH02.stage1_not_counted") == 0
    assert seed.figure("tsm.CH02.stage2_within_timescale_pct").text == "86%"
    assert seed.value("tsm.CH02.stage2_within_target") == 6
    # what was counted is stated beside the figure
    assert "33 of 36 stage 1 responses sent 01/04/2023 to 31/03/2024" in ch02.note
    assert "Within target alone: 30 of 36 (83%)" in ch02.note
    assert "0 awaiting a response on 31/03/2024" in ch02.note
    assert len(ch02.items) == 36


def test_outcomes_categories_and_escalation_as_published(seed):
    assert [seed.value(f"outcomes.stage1.{k}") for k in ("upheld", "partly_upheld", "not_upheld", "withdrawn", "refused")] == [19, 7, 10, 0, 0]
    assert [seed.figure(f"outcomes.stage1.{k}").text for k in ("upheld", "partly_upheld", "not_upheld")] == ["19 (53%)", "7 (19%)", "10 (28%)"]
    assert [seed.value(f"outcomes.stage2.{k}") for k in ("upheld", "partly_upheld", "not_upheld")] == [2, 2, 3]
    assert seed.figure("outcomes.stage2.not_upheld").text == "3 (43%)"
    assert seed.figure("by_category.stage1.Repairs / Maintenance").text == "14 (39%)"
    assert seed.figure("by_category.stage1.Housing Property Services").text == "10 (28%)"
    assert seed.figure("by_category.stage1.Tenancy Services").text == "2 (6%)"
    assert seed.figure("escalation.requests_per_stage1_received_pct").text == "19%"  # "19% ... escalated"
    assert seed.value("escalation.escalated") == 7
    assert seed.value("remedies.stage1.with_remedy") == 9
    assert seed.value("remedies.stage1.financial_total") == 450.0
    assert seed.value("remedies.stage2.financial_total") == 250.0
    assert seed.value("remedies.total.financial_total") == 700.0


def test_json_has_the_stable_tsm_keys(seed):
    data = to_json(seed)
    assert data["tsm"]["CH01"]["stage1_per_1000_homes"] == 7.15
    assert data["tsm"]["CH01"]["stage2_per_1000_homes"] == 1.39
    assert data["tsm"]["CH02"]["stage1_within_timescale_pct"] == pytest.approx(91.6666666)
    assert data["tsm"]["CH02"]["stage2_within_timescale_pct"] == pytest.approx(85.7142857)
    assert data["tsm"]["CH02"]["stage1_within_target_pct"] == pytest.approx(83.3333333)
    assert len(data["trace"]["tsm.CH02.stage1_within_timescale_pct"]) == 36
