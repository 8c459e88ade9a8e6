"""One map of role words (``ccm_tui.models.enums``): the accounts table, the details view,
the account rows and the member rows of the service name every role the same way, and show
a role this console does not know exactly as the server sent it."""

from __future__ import annotations

import pytest

from ccm_tui.models import Account
from ccm_tui.models.enums import AccessRoles, console_role
from ccm_tui.models.user import User
from ccm_tui.service.accounts import filter_rows, rows_from_accounts
from ccm_tui.service.members import row_from_user
from ccm_tui.widgets.account_table import role_words
from ccm_tui.widgets.account_view import roles_words

CONSOLE = {"MANAGER": "Administrator", "WRITER": "Editor", "READER": "Viewer"}


def test_the_console_words_are_those_of_the_web_console():
    assert {str(r): r.console_name for r in AccessRoles} == CONSOLE


@pytest.mark.parametrize("role", [*CONSOLE, "FUTURE_ROLE"])
def test_every_formatter_uses_the_same_word(role):
    word = CONSOLE.get(role, role)  # unknown: as sent, never an invented "Future_Role"
    assert console_role(role) == word
    assert role_words([role], console=True) == word
    assert role_words([role]) == role
    assert roles_words([role]) == (f"{role} ({word})" if role in CONSOLE else role)
    (account_row,) = rows_from_accounts([Account(acct_id="a-1", name="acme", roles=[role])])
    assert account_row.console_roles == word
    assert filter_rows([account_row], word.lower()) == [account_row]
    member = row_from_user(User(user_id="u-1", user_email="x@example.com", roles=[role]))
    assert member.console_roles == word
    assert member.matches([word.lower()])


def test_several_roles_keep_their_order_in_each_style():
    roles = ["MANAGER", "READER"]
    assert role_words(roles) == "MANAGER READER"
    assert role_words(roles, console=True) == "Administrator Viewer"
    assert roles_words(roles) == "MANAGER (Administrator), READER (Viewer)"
    assert role_words([]) == "—" and roles_words([]) == "none"
