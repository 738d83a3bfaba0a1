"""Whole journeys through the real screens, pressing real keys, asserting what is stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.services import Services
from conftest import dump
from letter_helpers import ready_to_sign
from screens.complaint import ComplaintScreen
from screens.confirm import ConfirmScreen
from screens.forms import StepForm
from screens.help import HelpScreen
from screens.letter import LetterScreen
from screens.main import MainScreen
from store.queries import complaint_detail

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def services(db):
    from chc_tui.steps.settings import put_setting

    with db.write() as session:  # a stage 1 response letter names who to ask for stage 2
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)  # letters are signed by name and title ("Alice"), never a login
    return Services(db, actor="alice", today_fn=lambda: TODAY)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


async def open_form(pilot, key: str) -> None:
    """Press a step's key and wait until its form is up and focused."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StepForm) and pilot.app.focused is not None, f"the form for {key!r}")


async def save(pilot, send_letter: bool = True) -> None:
    """Ctrl+S, then wait until the form has closed (or shows why it did not). A step that
    sends a letter shows it first: Ctrl+S again sends it as drafted."""
    await pilot.press("ctrl+s")
    await wait_for(
        pilot,
        lambda: not isinstance(pilot.app.screen, StepForm) or form_errors(pilot.app),
        "the form to save or to show an error",
    )
    await settle(pilot)
    if send_letter and isinstance(pilot.app.screen, LetterScreen):
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: not isinstance(pilot.app.screen, LetterScreen) or letter_errors(pilot.app),
            "the letter to be sent or to show an error",
        )
        await settle(pilot)


def letter_errors(app) -> str:
    screen = app.screen  # once: the letter screen may close between two looks
    if not isinstance(screen, LetterScreen):
        return ""
    return str(screen.query_one("#letter-errors").render()).strip()


def detail(services, ref):
    with services.db.read() as session:
        return complaint_detail(session, ref)


def form_errors(app) -> dict[str, str]:
    screen = app.screen  # once: the form may give way to its letter between two looks
    if not isinstance(screen, StepForm):
        return {}
    out = {}
    for widget in screen.query(".field-error"):
        text = str(widget.render()).strip()
        if text:
            out[widget.id[2:]] = text
    general = str(screen.query_one("#form-errors").render()).strip()
    if general:
        out["*"] = general
    return out


async def field(pilot, name: str, text: str, clear: bool = False) -> None:
    widget = pilot.app.screen.query_one(f"#f-{name}")
    widget.focus()
    await pilot.pause()
    if clear:
        await pilot.press("ctrl+a") if hasattr(widget, "text") else None
        if hasattr(widget, "text"):
            await pilot.press("delete")
        else:
            await pilot.press("end", *["backspace"] * len(widget.value))
    await type_text(pilot, text)


async def choose(pilot, name: str, value: str) -> None:
    """Open a Select with Enter, arrow down to `value`, choose it with Enter.

    The list opens on the blank prompt, which sits above the first choice."""
    form = pilot.app.screen
    choices = next(f.choices for f in form.spec.fields if f.name == name)
    downs = [v for _, v in choices].index(value) + 1
    form.query_one(f"#f-{name}").focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * downs, "enter")
    await pilot.pause()
    assert form.query_one(f"#f-{name}").value == value


async def log_one(pilot, name="Mrs Joan Pike", words="Water coming through the ceiling for weeks"):
    await open_form(pilot, "n")
    assert isinstance(pilot.app.screen, StepForm)
    await field(pilot, "resident_name", name)
    await field(pilot, "category", "Repairs")
    await field(pilot, "resident_words", words)
    await save(pilot)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen), "the new complaint to open")


async def test_full_journey_through_both_stages(services):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

        await log_one(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        ref = app.screen.reference
        stored = detail(services, ref)
        assert stored.complaint.received_on == TODAY
        assert stored.resident.name == "Mrs Joan Pike"
        assert stored.current.handler == "Alice"  # the display name, from the register
        assert [(d.step, d.due_on, d.provisional) for d in stored.current.deadlines] == [
            ("acknowledge", date(2026, 11, 30), False),
            ("respond", date(2026, 12, 14), True),
        ]

        # define
        await open_form(pilot, "f")
        await field(pilot, "understanding", "Leak from the flat above not fixed")
        await field(pilot, "outcomes_sought", "Stop the leak and redecorate")
        await field(pilot, "responsible_aspects", "Repairs to the building")
        await save(pilot)
        assert detail(services, ref).current.definition.understanding == "Leak from the flat above not fixed"

        # acknowledge today: the response is due 10 working days later
        await open_form(pilot, "a")
        await save(pilot)
        stage = detail(services, ref).current
        assert stage.acknowledged_on == TODAY
        assert [d.due_on for d in stage.deadlines if d.active and d.step == "respond"] == [date(2026, 12, 7)]

        # extend by 5 working days, with the Ombudsman's details given
        await open_form(pilot, "x")
        await field(pilot, "new_due", "14/12/2026")
        await field(pilot, "reason", "Waiting for the roofer's report")
        await save(pilot)
        extension = detail(services, ref).current.extensions[0]
        assert (extension.new_due, extension.working_days_beyond_target) == (date(2026, 12, 14), 5)
        assert extension.ombudsman_details_given and extension.told_resident_on == TODAY

        # respond: partly upheld (second option)
        await open_form(pilot, "r")
        await choose(pilot, "decision", "partly_upheld")
        await field(pilot, "reasons", "The repair took too long")
        await field(pilot, "remedies", "apology: an apology for the delay, due 30/11/2026")
        await pilot.press("enter", *"50 for time and trouble, due 30/11/2026")
        await field(pilot, "impact", "Weeks of a damp bedroom")
        await save(pilot)
        response = detail(services, ref).current.response
        assert (response.decision, response.responded_on) == ("partly_upheld", TODAY)
        assert response.remedy == "apology: an apology for the delay, by 30/11/2026; £50.00 for time and trouble, by 30/11/2026"

        # escalate to bob (alice handled stage 1)
        await open_form(pilot, "e")
        await choose(pilot, "handler", staff_id(services, "bob"))  # a choice of the eligible staff
        await field(pilot, "reason", "Still unhappy with the redecoration offer")
        await save(pilot)
        stored = detail(services, ref)
        assert stored.complaint.current_stage == 2 and stored.current.handler == "Bob"

        # stage 2: define, acknowledge, respond, close, by bob at this keyboard (alice may not, 6.13)
        services.actor = "bob"
        await open_form(pilot, "f")
        await field(pilot, "understanding", "Redecoration offer too low")
        await field(pilot, "outcomes_sought", "Full redecoration")
        await field(pilot, "responsible_aspects", "Making good after the leak")
        await save(pilot)
        await open_form(pilot, "a")
        await save(pilot)
        assert [d.due_on for d in detail(services, ref).current.deadlines if d.active and d.step == "respond"] == [
            date(2026, 12, 21)
        ]
        await open_form(pilot, "r")
        await choose(pilot, "decision", "upheld")
        await field(pilot, "reasons", "We agree the offer was too low")
        await field(pilot, "remedies", "150 further compensation, due 07/12/2026")
        await field(pilot, "impact", "The redecoration left undone")
        await save(pilot)
        await open_form(pilot, "c")
        await save(pilot)

        stored = detail(services, ref)
        assert stored.complaint.status == "closed" and stored.complaint.closed_on == TODAY
        assert stored.current.response.decision == "upheld"
        assert [h.action for h in stored.history] == [
            "log", "define", "acknowledge", "extend", "offer remedy", "offer remedy", "respond", "escalate",
            "define", "acknowledge", "offer remedy", "respond", "close",
        ]
        assert [h.actor for h in stored.history] == ["alice"] * 8 + ["bob"] * 5

        # back to the list: the complaint has no open deadline any more
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert services.deadlines() == []


async def test_refuse_from_the_complaint_screen(services):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await log_one(pilot)
        ref = app.screen.reference
        await open_form(pilot, "u")
        await choose(pilot, "exclusion_reason", "legal_proceedings")
        await field(pilot, "explanation", "Your claim about the same leak is before the county court")
        await save(pilot, send_letter=False)
        # legal proceedings needs the date the claim was filed (2.2), at its field
        assert "date the claim was filed" in form_errors(app)["claim_filed_on"]
        await field(pilot, "claim_filed_on", f"{services.today - timedelta(days=30):%d/%m/%Y}")
        await save(pilot, send_letter=False)
        # the refusal letter gives the reasons and the right to go to the Ombudsman (2.4)
        assert isinstance(app.screen, LetterScreen)
        letter = app.screen.text
        assert "county court" in letter and "0300 111 3000" in letter
        # a tired handler deletes the Ombudsman paragraph: sending is refused, naming it
        app.screen.query_one("#letter-text").load_text(letter.split("The Housing Ombudsman can")[0])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LetterScreen)
        assert "the right to take the decision to the Ombudsman" in letter_errors(app)
        assert detail(services, ref).complaint.status == "open"
        await pilot.press("ctrl+r")  # start again from the draft
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, (LetterScreen, StepForm)), "the refusal to be sent")
        await settle(pilot)
        stored = detail(services, ref)
        assert stored.letters[0].body == letter and stored.letters[0].kind == "refusal"
        assert stored.complaint.status == "refused"
        assert stored.refusal.exclusion_reason == "legal_proceedings"
        assert services.deadlines() == []


async def test_withdraw(services):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await log_one(pilot)
        ref = app.screen.reference
        await open_form(pilot, "w")
        await field(pilot, "reason", "Resident says the leak is fixed and she is happy")
        await save(pilot)
        stored = detail(services, ref)
        assert stored.complaint.status == "withdrawn"
        assert stored.withdrawal.reason.startswith("Resident says")


async def test_bad_input_is_shown_by_the_field_and_nothing_is_written(services):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        before = dump(services.db)
        await open_form(pilot, "n")
        # empty form: every required field says so
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = form_errors(app)
        assert {"resident_name", "category", "resident_words"} <= set(errors)
        # a date in the future and a malformed one
        await field(pilot, "received_on", "", clear=True)
        await type_text(pilot, "31/02/2026")
        await pilot.pause()
        assert "not a real date" in form_errors(app)["received_on"]
        await field(pilot, "received_on", "", clear=True)
        await type_text(pilot, "01/12/2026")
        await field(pilot, "resident_name", "Mr Tom Reed")
        await field(pilot, "category", "Damp and mould")
        await field(pilot, "resident_words", "Mould in the bathroom")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "future" in form_errors(app)["received_on"]
        assert dump(services.db) == before
        # what was typed is still there
        assert app.screen.query_one("#f-resident_name").value == "Mr Tom Reed"
        # Escape on a changed form asks first; "n" keeps editing
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await open_form(pilot, "n")
        assert isinstance(app.screen, StepForm)
        assert app.screen.query_one("#f-resident_name").value == "Mr Tom Reed"
        # fix the date and save
        await field(pilot, "received_on", "", clear=True)
        await type_text(pilot, "yesterday")
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert detail(services, app.screen.reference).complaint.received_on == date(2026, 11, 22)


async def test_escape_on_a_changed_form_then_discard(services):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = dump(services.db)
        await open_form(pilot, "n")
        await field(pilot, "resident_name", "Half typed")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert dump(services.db) == before


def staff_id(services, name: str) -> int:
    return next(p.id for p in services.staff() if name in p.logins)  # by login: names are "Bob"


async def test_escalating_offers_not_the_stage_one_handler_and_refuses_nobody_next_to_the_field(services):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await log_one(pilot)
        ref = app.screen.reference
        services.run(usecases.define, ref, understanding="u", outcomes_sought="o", responsible_aspects="r")
        services.run(usecases.acknowledge, ref)
        services.run(usecases.respond, ref, decision="not_upheld", reasons="repair was on time")
        app.screen.reload()
        await pilot.pause()
        await open_form(pilot, "e")
        offered = {value for _label, value in next(f.choices for f in app.screen.spec.fields if f.name == "handler")}
        assert staff_id(services, "alice") not in offered and staff_id(services, "bob") in offered  # Code 6.13
        await pilot.press("ctrl+s")  # nobody chosen
        await pilot.pause()
        assert "the handler is required" in form_errors(app)["handler"]
        assert detail(services, ref).complaint.current_stage == 1


async def test_help_lists_the_keys_of_the_screen_underneath(services):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = {does for _key, does in app.screen.rows}
        assert {"New", "Search", "Overdue", "Stage", "State", "Handler", "Help", "Quit"} <= described
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_search_filters_the_list_as_you_type(services):
    for name in ("Ann Lee", "Bob Stone", "Ann Marsh"):
        services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name=name,
                    category="Repairs", resident_words="words")
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#complaints")
        assert table.row_count == 3
        await pilot.press("slash")
        await type_text(pilot, "ann")
        await wait_for(pilot, lambda: table.row_count == 2, "only the two Anns listed")
        await pilot.press("escape")
        await wait_for(pilot, lambda: table.row_count == 3, "every complaint listed again")


async def test_ctrl_c_with_unsaved_form_asks_before_quitting(services):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await field(pilot, "resident_name", "Someone")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await open_form(pilot, "n")
        assert isinstance(app.screen, StepForm)


async def test_two_handlers_on_one_complaint_the_second_is_told_and_keeps_their_typing(services, db):
    ref = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                      category="Repairs", resident_words="Boiler broken").reference
    services.run(usecases.define, ref, understanding="u", outcomes_sought="o", responsible_aspects="r")
    services.run(usecases.acknowledge, ref)
    bob = Services(db, actor="bob", today_fn=lambda: TODAY)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await open_form(pilot, "r")
        await choose(pilot, "decision", "not_upheld")
        await field(pilot, "reasons", "The boiler was repaired within target")
        # meanwhile bob, in another session, extends the deadline
        bob.run(usecases.extend, ref, new_due=date(2026, 12, 9), reason="Parts on order", told_resident_on=TODAY,
                ombudsman_details_given=True)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form_errors(app), "the stale-record message")
        message = form_errors(app)["*"]
        assert "bob recorded 'extend'" in message
        assert app.screen.query_one("#f-reasons").text == "The boiler was repaired within target"
        assert detail(services, ref).current.response is None
        # the second Ctrl+S saves on the newer record
        await save(pilot)
        stored = detail(services, ref)
        assert stored.current.response.reasons == "The boiler was repaired within target"
        assert [h.actor for h in stored.history][-2:] == ["bob", "alice"]


async def test_a_key_pressed_before_the_database_is_open_is_not_lost(db):
    from chc_tui.app import ChcApp

    db.dispose()
    app = ChcApp(db_path=db.path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")  # before the worker has opened the services
        assert app.services is None or isinstance(app.screen, StepForm)
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the log form")
        assert app.services is not None


async def test_write_edit_and_send_a_stage_one_response_letter(services):
    ref = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                      category="Repairs", resident_words="Boiler broken", adjustments="Large print").reference
    services.run(usecases.define, ref, understanding="The boiler has failed twice", outcomes_sought="A new boiler",
                responsible_aspects="Boiler servicing")
    services.run(usecases.acknowledge, ref)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await open_form(pilot, "r")
        await choose(pilot, "decision", "upheld")
        await field(pilot, "reasons", "The boiler was not serviced on time")
        await field(pilot, "remedies", "action: A new boiler, due 04/12/2026")
        await pilot.press("enter", *"apology: an apology, due 24/11/2026")
        await field(pilot, "impact", "Three cold weeks")
        await save(pilot, send_letter=False)
        # the letter, drafted from what was typed, before anything is written
        assert isinstance(app.screen, LetterScreen)
        drafted = app.screen.text
        assert "Your complaint is upheld." in drafted and "The boiler was not serviced on time" in drafted
        assert "Pat Jones, Complaints Officer" in drafted  # how to escalate (6.9g)
        assert "- A new boiler, by 4 December 2026\n- Apology: an apology, by 24 November 2026\n" in drafted
        assert "Large print" in str(app.screen.query_one("#letter-adjustments").render())
        assert detail(services, ref).current.response is None
        # edit it from the keyboard: a sentence after the greeting
        greeting = drafted.splitlines().index("Dear Ann Lee,")
        await pilot.press(*["down"] * greeting, "end", "enter")
        await type_text(pilot, "I am sorry for the cold weeks.")
        edited = app.screen.text
        assert edited != drafted and "Dear Ann Lee,\nI am sorry for the cold weeks.\n" in edited
        # Escape goes back to the form only after asking; "n" keeps editing
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen), "the letter again")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint screen")
        await settle(pilot)
        stored = detail(services, ref)
        assert stored.current.response.decision == "upheld"
        (letter,) = stored.letters
        assert letter.body == edited and letter.edited and letter.kind == "stage1_response"
        assert [(c.item.kind, c.item.letter_id) for c in stored.correspondence] == [("letter", letter.id)]


async def test_escape_from_an_unchanged_letter_returns_to_the_form_with_the_typing(services):
    ref = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                      category="Repairs", resident_words="Boiler broken").reference
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await open_form(pilot, "w")
        await field(pilot, "reason", "Sorted out with the caretaker")
        await save(pilot, send_letter=False)
        assert isinstance(app.screen, LetterScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the form")
        assert app.screen.query_one("#f-reason").text == "Sorted out with the caretaker"
        assert detail(services, ref).complaint.status == "open"


async def test_the_letter_survives_an_editor_that_cannot_run(services, monkeypatch):
    ref = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                      category="Repairs", resident_words="Boiler broken").reference
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await open_form(pilot, "w")
        await save(pilot, send_letter=False)
        drafted = app.screen.text
        monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
        monkeypatch.delenv("VISUAL", raising=False)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert any("was not found" in str(n.message) for n in app._notifications)
        monkeypatch.setenv("EDITOR", "true")  # exists, but a test terminal cannot be handed over
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert any("cannot hand over" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, LetterScreen) and app.screen.text == drafted
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint screen")
        assert detail(services, ref).letters[0].body == drafted


async def test_what_is_typed_straight_after_n_goes_into_the_form(services):
    """Over SSH, or while the app is busy, "n21/11/2026" can arrive in one read: every
    character after the n belongs to the new form's first field. Losing the "2" left
    "1/11/2026", a valid and wrong date."""
    from textual import events

    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for character in "n21/11/2026":
            key = {"/": "slash"}.get(character, character)
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        await settle(pilot)
        assert app.focused.id == "f-received_on"
        assert app.focused.value == "21/11/2026"
        await pilot.press("tab")  # and typing goes on as usual
        assert app.focused.id != "f-received_on"


async def test_a_name_typed_straight_after_slash_goes_into_the_search(services):
    """"/Kirsty" in one read: every letter is the search's, none a key of the list (s and
    t would cycle the stage and state filters)."""
    from textual import events
    from textual.widgets import Input, Static

    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for character in "/Ast":
            key = {"/": "slash"}.get(character, character)
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: app.screen.query_one("#search", Input).value == "Ast", "the search")
        await settle(pilot)
        screen = app.screen
        assert (screen.stage_filter, screen.status_filter) == (None, "open")
        assert "stage:all state:open" in str(screen.query_one("#filters", Static).render())
        await pilot.press("escape")  # back to the list: the letter keys are keys again
        await pilot.press("s")
        assert screen.stage_filter == 1
