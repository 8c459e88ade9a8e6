"""Server errors at submit: the review stays intact with the message beside the field it
concerns; a taken name goes back to Basics with the name kept; 403 says the role does not
allow it; Escape while in flight cancels and reconciliation says what happened."""

from __future__ import annotations

from textual.widgets import Input

from wizard_helpers import SIZE, error_text, open_wizard, type_text, wait_for

ROUTE = "POST /v1/accounts"


async def _to_review(pilot, name: str):
    wiz = await open_wizard(pilot)
    await type_text(pilot, name)
    for _ in range(4):
        await pilot.press("enter")
        await pilot.pause()
    assert wiz.step == 4
    return wiz


async def _submit_and_wait_back(pilot, wiz, step: int = 4):
    await pilot.press("enter")
    await wait_for(pilot, lambda: wiz.outcome is not None and not wiz.in_flight)
    await pilot.pause()
    assert wiz.step == step


async def test_500_keeps_review_with_status(make_app, emulator):
    emulator.faults.fail_next(ROUTE, 500, body={"message": "database on fire"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot, "Five hundred")
        await _submit_and_wait_back(pilot, wiz)
        banner = wiz.pane(4).query_one("#review-error").text
        assert "500" in banner and "database on fire" in banner
        assert wiz.form.name == "Five hundred"
        assert emulator.store.all_accounts() == []
        emulator.faults.clear()
        await pilot.press("enter")  # retry from the review
        await wait_for(pilot, lambda: wiz.outcome.state == "created")
    assert [a["name"] for a in emulator.store.all_accounts()] == ["Five hundred"]


async def test_400_naming_a_field_shows_it_beside_the_field(make_app, emulator):
    emulator.faults.fail_next(
        ROUTE, 400, body={"message": "invalid value for field `component`: not allowed here"}
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot, "Bad component")
        await _submit_and_wait_back(pilot, wiz)
        assert "not allowed here" in error_text(wiz, "component")
        assert error_text(wiz, "name") == ""


async def test_409_name_taken_returns_to_basics_with_name_kept(make_app, emulator):
    emulator.faults.fail_next(ROUTE, 409, body={"message": "Account with name Dup already exists"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot, "Dup")
        await _submit_and_wait_back(pilot, wiz, step=0)
        assert wiz.query_one("#name", Input).value == "Dup"
        assert "already exists" in error_text(wiz, "name")


async def test_403_says_the_role_does_not_allow_it(make_app, emulator):
    emulator.faults.fail_next(ROUTE, 403, body={"message": "forbidden"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot, "Not mine")
        await _submit_and_wait_back(pilot, wiz)
        assert "your role does not allow this" in wiz.pane(4).query_one("#review-error").text
    assert len([r for r in emulator.received if r.method == "POST" and r.path == "/v1/accounts"]) == 1


async def test_escape_in_flight_cancels_then_reconciles(make_app, emulator):
    emulator.faults.hold(ROUTE)  # the answer never comes before the test is done with Esc
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await _to_review(pilot, "Slow one")
        await pilot.press("enter")
        await wait_for(pilot, lambda: wiz.step == 5 and wiz._phases)
        assert "Sending" in str(wiz.query_one("#submit-phases").render()) or "Waiting" in str(
            wiz.query_one("#submit-phases").render()
        )
        await pilot.press("escape")
        # The request is out: the server may still create it, so the wizard cannot say
        # "not created" yet (it checks until the request's deadline); a second Esc stops
        # checking and says that nobody knows.
        await wait_for(pilot, lambda: "not known yet" in str(wiz.query_one("#submit-status").render()))
        assert wiz.in_flight and wiz.step == 5
        await pilot.press("escape")
        await wait_for(pilot, lambda: not wiz.in_flight and wiz.step == 4)
        banner = wiz.pane(4).query_one("#review-error").text
        assert "not known whether the account was created" in banner and "not created" not in banner
        assert wiz.form.name == "Slow one"
