"""One wording of the review warnings (``ccm_tui.models.warnings``): the wizard's Auth step,
shown before the request can be built, says exactly what the Review step and the CLI's
``--dry-run`` say for the same request. A local copy in the wizard would drift from it."""

from __future__ import annotations

import pytest

from ccm_tui.models.warnings import account_request_warnings
from ccm_tui.service.account_form import CONFIRM_WORD, AuthEntry, WizardForm, build_request
from ccm_tui.screens.wizard.review import request_warnings

FORMS = {
    "admins-only password": WizardForm(name="acme", auths=[AuthEntry(administrators_only=True)]),
    "two admins-only passwords": WizardForm(
        name="acme", auths=[AuthEntry(administrators_only=True), AuthEntry(administrators_only=True)]),
    "attestation off": WizardForm(name="acme", disable_attestation=True, confirm_text=CONFIRM_WORD,
                                  auths=[AuthEntry()]),
    "both": WizardForm(name="acme", disable_attestation=True, confirm_text=CONFIRM_WORD,
                       auths=[AuthEntry(require_2fa=True, administrators_only=True)]),
    "nothing to say": WizardForm(name="acme", auths=[AuthEntry(), AuthEntry(administrators_only=True)]),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_early_warnings_are_the_models_words(name):
    form = FORMS[name]
    req, errors = build_request(form)
    assert req is not None and not errors
    full = [str(w) for w in account_request_warnings(req)]
    early = request_warnings(form, None)
    assert request_warnings(form, req) == full
    assert set(early) <= set(full)
    # every early warning the models give for these forms is shown early too
    assert set(early) == {w for w in full if w.startswith(("auth_configs:", "node_enrollment."))}
    assert bool(early) == (name != "nothing to say")
