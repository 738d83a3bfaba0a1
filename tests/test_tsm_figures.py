"""The Tenant Satisfaction Measures CH01 and CH02 on hand-built stages (issue 16.7): only
the year's stages counted though the loader brings two earlier years too, the response
target stored at acknowledgement used as it stands, and refusals and withdrawals cut at
31 March / 1 April. tools/mutation.py runs these first for chc_tui/figures/report.py."""

from __future__ import annotations

from datetime import date

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.figures.report import ReportInputs, Timeliness, compute, judge_response, target_due
from chc_tui.rules.policy import CODE_2024
from report_helpers import Book, report_for, wd
from store.queries import open_deadlines
from store.report_queries import ExtensionFacts, StageFacts

D = date
CAL = WorkingCalendar()
YEAR = 2025  # 1 April 2025 to 31 March 2026
FIRST, LAST = D(2025, 4, 1), D(2026, 3, 31)
BEFORE, AFTER = D(2025, 3, 31), D(2026, 4, 1)

_ids = iter(range(1, 10_000))


def stage(ref: str, opened: date, *, n: int = 1, status: str = "open", acked: date | None = None,
          sent: date | None = None, target: date | None = None, extensions: tuple = (),
          withdrawn: date | None = None, refused: date | None = None) -> StageFacts:
    return StageFacts(
        stage_id=next(_ids), reference=ref, category="Repairs", status=status, received_on=opened, stage=n,
        opened_on=opened, acknowledged_on=acked, responded_on=sent, decision="upheld" if sent else None,
        remedy="", target_due=target, extensions=extensions, withdrawn_on=withdrawn, refused_on=refused,
        escalated_on=None,
    )


def report(*stages: StageFacts, homes: int | None = 800, today: date = D(2026, 5, 1), calendar=CAL):
    inputs = ReportInputs(year=YEAR, today=today, stages=stages, refusals=(), withdrawals=(),
                          earliest_received=min((s.opened_on for s in stages), default=None), homes_owned=homes)
    return compute(inputs, calendar)


def refs(r, key: str) -> list[str]:
    return [ref for ref, _ in r.figure(key).items]


# --- CH01: complaints received per 1,000 homes ---------------------------------------------------


def test_ch01_counts_the_years_stages_only_though_earlier_years_are_loaded():
    r = report(
        # the two earlier years the loader brings for the monthly comparison: never CH01's
        stage("OLD-1", D(2023, 4, 1)), stage("OLD-2", D(2024, 10, 1), status="closed"),
        stage("OLD-3", BEFORE, status="closed"), stage("OLD-S2", BEFORE, n=2),
        # the year's: its first and last days, and one of every status
        stage("IN-1", FIRST, status="closed"), stage("IN-2", D(2025, 9, 15), status="withdrawn"),
        stage("IN-3", LAST, status="refused"),
        stage("IN-S2", FIRST, n=2), stage("IN-S2b", LAST, n=2, status="closed"),
        # and one after the year (a report drawn up late)
        stage("NEXT-1", AFTER), stage("NEXT-S2", AFTER, n=2),
        homes=1234,
    )
    assert r.value("tsm.CH01.homes_owned") == 1234
    assert r.figure("tsm.CH01.homes_owned").note == "homes_owned:2025 setting"
    assert r.value("tsm.CH01.stage1_received") == 3
    assert refs(r, "tsm.CH01.stage1_received") == ["IN-1", "IN-2", "IN-3"]
    assert r.value("tsm.CH01.stage1_per_1000_homes") == 2.43  # 3 / 1,234 × 1,000 = 2.431..., 2 places
    assert refs(r, "tsm.CH01.stage1_per_1000_homes") == ["IN-1", "IN-2", "IN-3"]
    assert r.value("tsm.CH01.stage2_received") == 2
    assert refs(r, "tsm.CH01.stage2_received") == ["IN-S2", "IN-S2b"]
    assert r.value("tsm.CH01.stage2_per_1000_homes") == 1.62  # 1.6207...
    note = r.figure("tsm.CH01.stage1_received").note
    assert note.startswith("3 stage 1 complaints received 01/04/2025 to 31/03/2026 ÷ 1,234 homes × 1,000.")
    assert "as on 01/05/2026: 0 open, 1 closed, 1 withdrawn, 1 refused)." in note


def test_ch01_without_homes_owned_is_no_rate_but_still_a_count():
    r = report(stage("IN-1", FIRST), stage("OLD-1", BEFORE), homes=None)
    assert r.value("tsm.CH01.homes_owned") is None
    assert r.figure("tsm.CH01.homes_owned").note == (
        "not set for 2025/26: enter it with t on the report screen, so CH01 can be counted")
    assert r.value("tsm.CH01.stage1_per_1000_homes") is None
    assert r.value("tsm.CH01.stage1_received") == 1
    assert "÷ homes owned (not set)" in r.figure("tsm.CH01.stage1_received").note


def test_ch01_through_the_store_with_earlier_years_recorded(db):
    book = Book(db, D(2026, 4, 20))
    book.complaint(D(2023, 6, 1))  # 2023/24
    old = book.complaint(D(2024, 3, 4))  # 2023/24
    book.escalate(old, D(2025, 3, 31), timing=None)  # stage 2 requested on 2024/25's last day
    book.complaint(BEFORE, timing=None)
    first = book.complaint(FIRST)
    book.escalate(first, D(2025, 4, 28))
    last = book.complaint(LAST, timing=None)
    book.complaint(AFTER, timing=None)
    r = report_for(db, YEAR, book.today)
    assert r.value("tsm.CH01.stage1_received") == 2
    assert refs(r, "tsm.CH01.stage1_received") == [first, last]
    assert r.value("tsm.CH01.stage2_received") == 1
    assert refs(r, "tsm.CH01.stage2_received") == [first]


# --- CH02: the response target stored at acknowledgement -----------------------------------------


def test_the_stored_target_is_used_not_counted_afresh():
    acked = D(2026, 1, 5)  # Mon: 10 working days on is Mon 19 Jan
    assert CAL.add_working_days(acked, 10) == D(2026, 1, 19)
    # Stored later than the count (a closure day when acknowledged, since removed): a reply on
    # 21 January met the target the resident was given.
    later = stage("L", D(2026, 1, 2), acked=acked, sent=D(2026, 1, 21), target=D(2026, 1, 21), status="closed")
    # Stored earlier (the count now would give more time): 19 January is late against it.
    earlier = stage("E", D(2026, 1, 2), acked=acked, sent=D(2026, 1, 19), target=D(2026, 1, 16), status="closed")
    assert target_due(later, CAL, CODE_2024) == D(2026, 1, 21)
    assert target_due(earlier, CAL, CODE_2024) == D(2026, 1, 16)
    assert judge_response(later, CAL, CODE_2024) == (Timeliness.WITHIN_TARGET, "sent 21/01/2026, target 21/01/2026")
    assert judge_response(earlier, CAL, CODE_2024) == (
        Timeliness.OUT_OF_TARGET, "sent 19/01/2026, 1 wd after the target 16/01/2026, no extension")
    r = report(later, earlier)
    assert r.value("tsm.CH02.stage1_responses") == 2
    assert r.value("tsm.CH02.stage1_within_target") == 1
    assert refs(r, "tsm.CH02.stage1_within_target") == ["L"]
    assert refs(r, "tsm.CH02.stage1_out_of_target") == ["E"]
    assert r.value("tsm.CH02.stage1_within_timescale_pct") == 50.0


def test_no_stored_target_and_no_acknowledgement_is_within_target():
    # A record imported with a response but neither a target nor an acknowledgement date.
    bare = stage("B", D(2026, 1, 2), sent=D(2026, 3, 2), status="closed")
    assert target_due(bare, CAL, CODE_2024) is None
    assert judge_response(bare, CAL, CODE_2024) == (Timeliness.WITHIN_TARGET, "sent 02/03/2026, target ")


def test_stage_two_counts_twenty_working_days_when_no_target_is_stored():
    acked = D(2026, 1, 5)
    s2 = stage("S2", D(2026, 1, 2), n=2, acked=acked, sent=D(2026, 2, 2), status="closed")
    assert target_due(s2, CAL, CODE_2024) == D(2026, 2, 2)  # 20 wd after Mon 5 Jan
    assert judge_response(s2, CAL, CODE_2024)[0] is Timeliness.WITHIN_TARGET
    late = stage("S2L", D(2026, 1, 2), n=2, acked=acked, sent=D(2026, 2, 3), status="closed")
    assert judge_response(late, CAL, CODE_2024)[0] is Timeliness.OUT_OF_TARGET


def test_a_closure_day_added_after_acknowledgement_moves_no_fixed_date(db):
    """The response deadline is fixed when the complaint is acknowledged; a closure day
    added afterwards neither moves it in the store, on the deadline panel, nor in CH02."""
    from chc_tui.steps import usecases

    book = Book(db, D(2026, 1, 30))
    ref = book.log(D(2026, 1, 2))
    acked = book._define_ack(ref, D(2026, 1, 2), book.s1, 1)  # Mon 5 Jan
    with db.read() as s:
        (fixed,) = [d for d in open_deadlines(s) if d.reference == ref]
    assert fixed.due_on == D(2026, 1, 19)
    usecases.add_closure_day(db, D(2026, 1, 12), "staff training", ctx=book.s1)
    with db.read() as s:
        (still,) = [d for d in open_deadlines(s) if d.reference == ref]
    assert still.due_on == D(2026, 1, 19)  # not 20 January, as a fresh count would give
    usecases.respond(db, ref, decision="upheld", reasons="Because.", no_remedy_reason="Put right before we answered.",
                     responded_on=wd(acked, 11),
                     ctx=book.s1)  # Tue 20 Jan: within a fresh count, a day late against the fixed one
    r = report_for(db, 2025, book.today)
    assert r.value("tsm.CH02.stage1_responses") == 1
    assert r.value("tsm.CH02.stage1_out_of_target") == 1
    assert r.figure("tsm.CH02.stage1_out_of_target").items == (
        (ref, "sent 20/01/2026, 1 wd after the target 19/01/2026, no extension"),)


# --- CH02 and extensions -----------------------------------------------------------------------


def _ext(new_due: date, beyond: int, good_reason: str = "") -> ExtensionFacts:
    return ExtensionFacts(D(2026, 1, 8), D(2026, 1, 19), new_due, beyond, good_reason, D(2026, 1, 8), True)


def test_extension_limits_exactly_at_the_codes_limit():
    acked, target = D(2026, 1, 5), D(2026, 1, 19)
    at_limit = stage("AT", D(2026, 1, 2), acked=acked, target=target, sent=D(2026, 2, 2),
                     extensions=(_ext(D(2026, 2, 2), 10),), status="closed")
    past = stage("PAST", D(2026, 1, 2), acked=acked, target=target, sent=D(2026, 2, 3),
                 extensions=(_ext(D(2026, 2, 3), 11),), status="closed")
    reason = stage("WHY", D(2026, 1, 2), acked=acked, target=target, sent=D(2026, 2, 3),
                   extensions=(_ext(D(2026, 2, 3), 11, "  "),), status="closed")  # a blank reason is none
    after = stage("AFT", D(2026, 1, 2), acked=acked, target=target, sent=D(2026, 2, 4),
                  extensions=(_ext(D(2026, 1, 26), 5), _ext(D(2026, 2, 2), 10)), status="closed")
    assert judge_response(at_limit, CAL, CODE_2024) == (
        Timeliness.WITHIN_EXTENSION, "sent 02/02/2026, target 19/01/2026, extended to 02/02/2026")
    assert judge_response(past, CAL, CODE_2024) == (
        Timeliness.LATE_EXTENSION_NOT_IN_LINE,
        "sent 03/02/2026, 11 wd after the target 19/01/2026, within an extension to 03/02/2026 that was not in "
        "line with the Code: 11 working days beyond the response deadline, past the limit of 10, with no good "
        "reason recorded (Code 6.4)")
    assert judge_response(reason, CAL, CODE_2024)[0] is Timeliness.LATE_EXTENSION_NOT_IN_LINE
    assert judge_response(after, CAL, CODE_2024) == (
        Timeliness.OUT_OF_TARGET, "sent 04/02/2026, 2 wd after the extended deadline 02/02/2026")
    worst = stage("W", D(2026, 1, 2), acked=acked, target=target, sent=D(2026, 2, 5),
                  extensions=(_ext(D(2026, 2, 4), 12), _ext(D(2026, 2, 5), 13)), status="closed")
    assert "13 working days beyond the response deadline" in judge_response(worst, CAL, CODE_2024)[1]
    r = report(at_limit, past, reason, after)
    assert (r.value("tsm.CH02.stage1_responses"), r.value("tsm.CH02.stage1_within_extension"),
            r.value("tsm.CH02.stage1_out_of_target"), r.value("tsm.CH02.stage1_late_extension_not_in_line")) == (4, 1, 1, 2)
    assert r.value("tsm.CH02.stage1_within_timescale_pct") == 25.0
    assert r.figure("tsm.CH02.stage1_within_extension").of == 4


def test_ch02_counts_by_the_date_sent_at_the_years_edges():
    r = report(
        stage("SENT-BEFORE", D(2025, 3, 3), acked=D(2025, 3, 4), target=D(2025, 3, 18), sent=BEFORE, status="closed"),
        stage("SENT-FIRST", D(2025, 3, 17), acked=D(2025, 3, 18), target=FIRST, sent=FIRST, status="closed"),
        stage("SENT-LAST", D(2026, 3, 16), acked=D(2026, 3, 17), target=LAST, sent=LAST, status="closed"),
        stage("SENT-AFTER", D(2026, 3, 17), acked=D(2026, 3, 18), target=AFTER, sent=AFTER, status="closed"),
        stage("S2", D(2026, 1, 5), n=2, acked=D(2026, 1, 6), target=D(2026, 2, 3), sent=D(2026, 2, 4),
              status="closed"),
    )
    assert refs(r, "tsm.CH02.stage1_responses") == ["SENT-FIRST", "SENT-LAST"]
    assert r.value("tsm.CH02.stage1_within_timescale_pct") == 100.0
    assert r.value("tsm.CH02.stage2_responses") == 1
    assert r.value("tsm.CH02.stage2_within_timescale_pct") == 0.0
    # answered on 1 April 2026: awaiting a response when the year closed
    assert r.figure("tsm.CH02.stage1_not_counted").items == (
        ("SENT-AFTER", "awaiting a response on 31/03/2026 (stage opened 17/03/2026)"),)


# --- refused and withdrawn at the year's edges ---------------------------------------------------


def test_refused_and_withdrawn_are_cut_at_31_march_and_1_april():
    r = report(
        # the year before: refused or withdrawn on its last day, so gone before 2025/26 began
        stage("R-BEFORE", D(2025, 3, 20), status="refused", refused=BEFORE),
        stage("W-BEFORE", D(2025, 3, 20), status="withdrawn", acked=D(2025, 3, 21), withdrawn=BEFORE),
        # on the year's first and last days: the year's
        stage("R-FIRST", D(2025, 3, 24), status="refused", refused=FIRST),
        stage("W-FIRST", D(2025, 3, 24), status="withdrawn", acked=D(2025, 3, 25), withdrawn=FIRST),
        stage("R-LAST", D(2026, 3, 20), status="refused", refused=LAST),
        stage("W-LAST", D(2026, 3, 20), status="withdrawn", acked=D(2026, 3, 23), withdrawn=LAST),
        # the day after: still awaiting a response on 31 March, counted next year
        stage("R-AFTER", D(2026, 3, 25), status="refused", refused=AFTER),
        stage("W-AFTER", D(2026, 3, 25), status="withdrawn", acked=D(2026, 3, 26), withdrawn=AFTER),
        # withdrawn after a response was sent: the response counts, not the withdrawal
        stage("W-ANSWERED", D(2026, 1, 5), status="withdrawn", acked=D(2026, 1, 6), target=D(2026, 1, 20),
              sent=D(2026, 1, 20), withdrawn=D(2026, 2, 2)),
        # refused at stage 2 on the last day
        stage("R2-LAST", D(2026, 3, 20), n=2, status="refused", refused=LAST),
        today=D(2026, 4, 20),
    )
    assert r.figure("tsm.CH02.stage1_not_counted").items == (
        ("R-AFTER", "awaiting a response on 31/03/2026 (stage opened 25/03/2026)"),
        ("W-AFTER", "awaiting a response on 31/03/2026 (stage opened 25/03/2026)"),
        ("W-FIRST", "withdrawn 01/04/2025 before a response"),
        ("W-LAST", "withdrawn 31/03/2026 before a response"),
        ("R-FIRST", "refused 01/04/2025"),
        ("R-LAST", "refused 31/03/2026"),
    )
    assert r.value("tsm.CH02.stage1_not_counted") == 6
    assert refs(r, "tsm.CH02.stage1_responses") == ["W-ANSWERED"]
    assert r.figure("tsm.CH02.stage1_not_counted").note == (
        "Not counted, because no response was sent in the year: 2 awaiting a response on 31/03/2026 "
        "(counted in the year they are answered), 2 withdrawn and 2 refused in the year."
    )
    assert r.figure("tsm.CH02.stage2_not_counted").items == (("R2-LAST", "refused 31/03/2026"),)
    # CH01 counts by the date received, whatever happened next
    assert refs(r, "tsm.CH01.stage1_received") == ["R-LAST", "W-LAST", "R-AFTER", "W-AFTER", "W-ANSWERED"]
    assert r.value("tsm.CH01.stage1_received") == 5


def test_awaiting_is_cut_at_today_while_the_year_runs():
    today = D(2025, 10, 1)
    r = report(
        stage("OPEN", D(2025, 9, 1), acked=D(2025, 9, 2)),
        stage("SENT-TODAY", D(2025, 9, 15), acked=D(2025, 9, 16), target=D(2025, 9, 30), sent=today,
              status="closed"),
        stage("REFUSED-TODAY", D(2025, 9, 20), status="refused", refused=today),
        stage("WITHDRAWN-TODAY", D(2025, 9, 20), status="withdrawn", withdrawn=today),
        stage("OPENED-TODAY", today),
        today=today,
    )
    assert r.figure("tsm.CH02.stage1_not_counted").items == (
        ("OPEN", "awaiting a response on 01/10/2025 (stage opened 01/09/2025)"),
        ("OPENED-TODAY", "awaiting a response on 01/10/2025 (stage opened 01/10/2025)"),
        ("WITHDRAWN-TODAY", "withdrawn 01/10/2025 before a response"),
        ("REFUSED-TODAY", "refused 01/10/2025"),
    )
    assert refs(r, "tsm.CH02.stage1_out_of_target") == ["SENT-TODAY"]
