"""The fast path: type a name, Enter at every step, the account exists and its details show."""

from __future__ import annotations

from wizard_helpers import SIZE, open_wizard, type_text, wait_for


async def test_name_and_enter_creates_account(make_app, emulator):
    from ccm_tui.screens.details import AccountDetailsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await type_text(pilot, "Fast lane")
        for _ in range(5):  # basics, logo, auth, tls, review(submit)
            await pilot.press("enter")
            await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        assert wizard.outcome.state == "created"
    posts = [r for r in emulator.received if r.method == "POST" and r.path == "/v1/accounts"]
    assert len(posts) == 1
    assert posts[0].body == {
        "name": "Fast lane",
        "component": "DEFAULT",
        "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
    }
    assert [a["name"] for a in emulator.store.all_accounts()] == ["Fast lane"]


async def test_created_account_details_come_from_the_answer_then_the_draft_goes(make_app, emulator):
    """The details show the POST's answer (no read of the account comes before them); the
    draft written on the way is gone by then, and the toast follows."""
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.service.drafts import draft_path

    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_wizard(pilot)
        await type_text(pilot, "Drafted")
        for _ in range(4):  # basics, logo, auth, tls: the draft is saved on each step
            await pilot.press("enter")
            await pilot.pause()
        assert draft_path().exists()
        received = len(emulator.received)
        await pilot.press("enter")  # submit from the review
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        created = app.screen.account
        assert created is not None and created.name == "Drafted"
        after_post = [(r.method, r.path) for r in list(emulator.received)[received:]]
        assert after_post[0] == ("POST", "/v1/accounts")
        assert not draft_path().exists()  # an `n` now must not offer to resume it
        await wait_for(pilot, lambda: any("'Drafted' created" in str(n.message)
                                          for n in app._notifications))


async def test_escape_right_after_create_shows_the_list_with_the_new_account(make_app, emulator):
    """The list below hears of the new account after the details' first frame; an Esc that
    comes before that frame still brings back a list that was reloaded and holds it."""
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.details import AccountDetailsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await type_text(pilot, "Back at once")
        for _ in range(4):  # basics, logo, auth, tls
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("enter")  # submit from the review
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        await pilot.press("escape")  # no pause: before the details' frame if it can be
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen)
                       and any(r.name == "Back at once" for r in app.screen.table.rows))


async def test_collector_is_on_again_once_the_new_accounts_details_are_shown(make_app, emulator):
    """The cyclic collector is held off between the create's answer and the details' first
    frame only: once the details are painted it runs again (a collector left off would let
    every reference cycle of a long session pile up)."""
    import gc

    from ccm_tui.screens.details import AccountDetailsScreen

    assert gc.isenabled()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_wizard(pilot)
        await type_text(pilot, "Collected")
        for _ in range(5):  # basics, logo, auth, tls, review (submit)
            await pilot.press("enter")
            await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        await wait_for(pilot, gc.isenabled, timeout=5)
        assert app.screen.account.name == "Collected"


def test_collector_hold_and_release_pair_up_once():
    """hold/release pair up once; a release that no hold preceded (or a second one) leaves
    the collector as it was, and a hold made while it was already off changes nothing."""
    import gc

    from ccm_tui.gcpause import hold_collector, release_collector

    assert gc.isenabled()
    try:
        hold_collector()
        assert not gc.isenabled()
        release_collector()
        assert gc.isenabled()
        release_collector()  # a second release: nothing to undo
        assert gc.isenabled()
        gc.disable()
        hold_collector()  # already off (someone else's pause): not ours to turn back on
        release_collector()
        assert not gc.isenabled()
    finally:
        gc.enable()
