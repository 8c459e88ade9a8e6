"""Demo data: a small, realistic set of accounts for ``ccm-tui --demo`` and the screenshots.

Varied on purpose, so a newcomer sees every column and every branch of the details view:
roles (MANAGER / WRITER / READER, and one ACTIVE READER-only account, whose edit and delete
are disabled), membership status (ACTIVE / PENDING), account status (Active / Deactivated),
component (DEFAULT / CONFIDENTIAL_AI), auth configs (password, OAuth with TLS required, a
cluster auth reference), created over the past months.

Each account also has other members (``DEMO_MEMBERS``): every role, an ACTIVE / PENDING
(invitation not accepted) / DISABLED membership, people who never logged in, and one account
("Payments (staging)") whose only ACTIVE MANAGER is the demo user, so the last-manager rule
can be seen.

No secret is written anywhere: the OAuth configs carry no ``client_secret`` (the store would
drop it anyway). ``seed_accounts=N`` (bulk ``seed-account-0000N`` names) is separate and stays
what perf tests and benchmarks use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ccm_tui.emulator.accounts import new_account
from ccm_tui.emulator.ids import IdFactory

DAY = 86_400

ALL_ROLES = ("MANAGER", "WRITER", "READER")


def _oauth(idp: str, host: str, client_id: str) -> dict[str, Any]:
    ca: dict[str, Any] = {"ca_set": "GLOBAL_ROOTS"}
    return {
        "oauth": {
            "idp_name": idp,
            "idp_icon_url": f"https://{host}/favicon.png",
            "idp_authorization_endpoint": f"https://{host}/oauth2/v1/authorize",
            "idp_token_endpoint": f"https://{host}/oauth2/v1/token",
            "idp_userinfo_endpoint": f"https://{host}/oauth2/v1/userinfo",
            "idp_requires_basic_auth": True,
            "client_id": client_id,
            "tls": {"required": {"validate_hostname": True, "ca": ca}},
        }
    }


def _password(*, require_2fa: bool = False, administrators_only: bool = False) -> dict[str, Any]:
    return {"password": {"require_2fa": require_2fa, "administrators_only": administrators_only}}


@dataclass(frozen=True)
class DemoAccount:
    name: str
    days_ago: float
    roles: tuple[str, ...] = ALL_ROLES
    status: str = "ACTIVE"  # the demo user's membership status
    account_status: str = "Active"
    component: str = "DEFAULT"
    auth_configs: tuple[dict[str, Any], ...] = ()
    insecure_enrollment: bool = False
    totals: dict[str, int] = field(default_factory=dict)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "Legacy billing", 212, account_status="Deactivated",
        auth_configs=(_password(administrators_only=True),),
        totals={"datasets": 0, "final_workflows": 1, "nodes": 0},
    ),
    DemoAccount(
        "Payments (prod)", 163.4,
        auth_configs=(_password(require_2fa=True), _oauth("Okta", "acme.okta.example", "ccm-payments-prod")),
        totals={"datasets": 4, "final_workflows": 7, "nodes": 12},
    ),
    DemoAccount(
        "Payments (staging)", 121.7, roles=("MANAGER", "WRITER"),
        auth_configs=(
            _password(),
            {"cluster_auth_ref": {"target_id": "7d7a5f0e-3c1b-4a55-9d1e-2f6c8b0a4e19"}},
        ),
        totals={"datasets": 2, "final_workflows": 3, "nodes": 3},
    ),
    DemoAccount(
        "Data science sandbox", 88.2, roles=("WRITER",),
        auth_configs=(_password(),),
        totals={"datasets": 9, "final_workflows": 2, "nodes": 2},
    ),
    DemoAccount(
        "Fraud detection models", 47.9, roles=("WRITER", "READER"),
        auth_configs=(_password(require_2fa=True),),
        totals={"datasets": 3, "final_workflows": 5, "nodes": 6},
    ),
    DemoAccount(
        "Confidential AI pilot", 29.3, component="CONFIDENTIAL_AI",
        auth_configs=(
            _oauth("Azure AD", "login.contoso.example", "ccm-ai-pilot"),
            _password(administrators_only=True),
        ),
        totals={"datasets": 1, "final_workflows": 1, "nodes": 4},
    ),
    DemoAccount(
        "Partner analytics (shared)", 9.6, roles=("READER",), status="PENDING",
        auth_configs=(_password(require_2fa=True),),
        totals={"datasets": 5, "final_workflows": 0, "nodes": 0},
    ),
    DemoAccount(
        "Edge lab (test nodes)", 2.1, insecure_enrollment=True,
        auth_configs=(_password(),),
        totals={"datasets": 0, "final_workflows": 0, "nodes": 1},
    ),
    # Last, so the ids of the accounts above stay what screenshots and notes show.
    DemoAccount(
        "Vendor audit (read-only)", 1.2, roles=("READER",),
        auth_configs=(_password(require_2fa=True),),
        totals={"datasets": 2, "final_workflows": 0, "nodes": 0},
    ),
)


def seed_demo(emulator: Any, accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS) -> list[dict[str, Any]]:
    """Store the demo accounts (oldest first) with the demo user's roles and status in each.

    Uses the emulator's clock and id factory, so a fixed clock and ``id_seed`` give the same
    ids and dates every time. Returns the stored accounts."""
    now = emulator.now()
    user_id = emulator.user["user_id"]
    stored = []
    for demo in accounts:
        body: dict[str, Any] = {
            "name": demo.name,
            "component": demo.component,
            "auth_configs": [dict(c) for c in demo.auth_configs],
            "node_enrollment": {"attestation_enforcement_disabled_insecure": demo.insecure_enrollment},
        }
        account = new_account(body, ids=emulator.ids, now=int(now - demo.days_ago * DAY))
        account["account_status"] = demo.account_status
        if demo.totals:
            account["totals"] = dict(demo.totals)
        emulator.store.insert_account(account, user_id, roles=list(demo.roles))
        if demo.status != "ACTIVE":
            emulator.store.set_membership(user_id, account["acct_id"], list(demo.roles), demo.status)
        stored.append(account)
    seed_demo_members(emulator, stored)
    return stored


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str | None
    last_name: str | None
    days_ago: float  # when the user was created
    last_login_days_ago: float | None  # None: never logged in
    email_verified: bool = True


DEMO_PEOPLE: dict[str, DemoPerson] = {
    "alice": DemoPerson("alice.nguyen@acme.example", "Alice", "Nguyen", 300, 0.2),
    "bob": DemoPerson("bob.martin@acme.example", "Bob", "Martin", 280, 1.5),
    "chen": DemoPerson("wei.chen@acme.example", "Wei", "Chen", 250, 12),
    "dana": DemoPerson("dana.kowalski@acme.example", "Dana", "Kowalski", 190, 3.1),
    "erik": DemoPerson("erik.lindqvist@acme.example", "Erik", "Lindqvist", 170, 95),
    "fatima": DemoPerson("fatima.haddad@partner.example", "Fatima", "Haddad", 150, 40),
    "zoe": DemoPerson("zoe.angstrom@acme.example", "Zoë", "Ångström", 60, 0.9),
    "grace": DemoPerson("grace.okafor@acme.example", "Grace", "Okafor", 30, None, email_verified=False),
    "priya": DemoPerson("priya.raman@contractor.example", None, None, 4, None, email_verified=False),
}

#: account name -> (person, roles, membership status) besides the demo user.
DEMO_MEMBERS: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "Payments (prod)": (
        ("alice", ("MANAGER",), "ACTIVE"), ("bob", ("WRITER",), "ACTIVE"),
        ("chen", ("READER",), "ACTIVE"), ("dana", ("WRITER", "READER"), "ACTIVE"),
        ("priya", ("READER",), "PENDING"), ("erik", ("WRITER",), "DISABLED"),
    ),
    "Payments (staging)": (
        ("bob", ("WRITER",), "ACTIVE"), ("chen", ("READER",), "ACTIVE"),
        ("fatima", ("MANAGER",), "DISABLED"), ("priya", ("WRITER",), "PENDING"),
    ),
    "Data science sandbox": (
        ("alice", ("MANAGER",), "ACTIVE"), ("zoe", ("WRITER",), "ACTIVE"),
        ("grace", ("READER",), "ACTIVE"),
    ),
    "Fraud detection models": (
        ("alice", ("MANAGER",), "ACTIVE"), ("dana", ("READER",), "ACTIVE"),
        ("grace", ("WRITER",), "PENDING"),
    ),
    "Confidential AI pilot": (
        ("zoe", ("MANAGER", "WRITER"), "ACTIVE"), ("grace", ("READER",), "ACTIVE"),
        ("erik", ("READER",), "DISABLED"),
    ),
    "Partner analytics (shared)": (
        ("fatima", ("MANAGER",), "ACTIVE"), ("alice", ("READER",), "ACTIVE"),
    ),
    "Legacy billing": (("chen", ("READER",), "DISABLED"),),
    "Edge lab (test nodes)": (
        ("bob", ("WRITER",), "ACTIVE"), ("priya", ("READER",), "PENDING"),
    ),
    # the demo user is only a READER here: someone else manages it
    "Vendor audit (read-only)": (
        ("fatima", ("MANAGER",), "ACTIVE"), ("erik", ("WRITER",), "ACTIVE"),
    ),
}


def seed_demo_members(emulator: Any, accounts: list[dict[str, Any]]) -> None:
    """Store the other members of the demo accounts (``DEMO_MEMBERS``).

    Their ids come from a factory of their own, so adding members does not shift the ids of
    accounts created later with a fixed ``id_seed``."""
    ids = IdFactory("demo-members") if emulator.ids.deterministic else IdFactory()
    now = emulator.now()
    users: dict[str, dict[str, Any]] = {}
    for key, person in DEMO_PEOPLE.items():
        user: dict[str, Any] = {
            "user_id": ids.new(), "user_email": person.email,
            "created_at": int(now - person.days_ago * DAY),
            "email_verified": person.email_verified,
            "status": "ACTIVE" if person.last_login_days_ago is not None else "PENDING",
            "accepted_latest_terms_and_conditions": person.last_login_days_ago is not None,
        }
        if person.first_name:
            user["first_name"] = person.first_name
        if person.last_name:
            user["last_name"] = person.last_name
        if person.last_login_days_ago is not None:
            user["last_logged_in_at"] = int(now - person.last_login_days_ago * DAY)
        users[key] = emulator.store.ensure_user(user)
    by_name = {a["name"]: a["acct_id"] for a in accounts}
    for name, members in DEMO_MEMBERS.items():
        if name not in by_name:
            continue
        for key, roles, status in members:
            emulator.store.add_member(by_name[name], users[key], list(roles), status)
