"""SQLite persistence of the emulator: users, accounts, memberships and sessions.

One connection guarded by one lock, so the uvicorn thread and a test thread may both call in.
No secret is ever written here: passwords stay in memory, tokens are stored as SHA-256
digests, and the oauth ``client_secret`` / TLS ``client_key`` of auth configs are replaced by
a marker saying they were set (the exact bodies received are kept in memory by the Emulator).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ccm_tui.emulator.accounts import to_response

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    acct_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    account_status TEXT NOT NULL,
    data TEXT NOT NULL,
    listing TEXT
);
CREATE INDEX IF NOT EXISTS accounts_created ON accounts(created_at);
CREATE TABLE IF NOT EXISTS memberships (
    user_id TEXT NOT NULL,
    acct_id TEXT NOT NULL,
    roles TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (user_id, acct_id)
);
CREATE INDEX IF NOT EXISTS memberships_acct ON memberships(acct_id);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    token_expires_at INTEGER NOT NULL,
    session_expires_at INTEGER NOT NULL,
    selected_account_id TEXT
);
"""

def _item_sql(listing: str, roles: str, status: str) -> str:
    """SQL for one list item (UTF-8 bytes) from its stored parts: what :func:`_item` builds
    in Python (``json_quote`` gives what ``json.dumps`` gives for the ASCII statuses)."""
    return (f"CAST({listing} || ',\"roles\":' || {roles} || ',\"status\":' "
            f"|| json_quote({status}) || '}}' AS BLOB)")


#: Each membership's complete list item, keyed by (member, account creation order): the
#: default page of GET /v1/accounts (the user's accounts in creation order) is then one range
#: scan of this table's primary key and the items joined -- no join, no row decoded. Stored
#: as UTF-8 bytes (a BLOB): the answer's body is joined from them with nothing decoded or
#: encoded on the way.
#: Kept by triggers, so whatever writes an account or a membership (in any order, by any
#: path: routes, seeding, tests) keeps it right in the same transaction. ``json_quote`` gives
#: what ``json.dumps`` gives for the ASCII statuses stored.
MEMBER_ITEMS = """
CREATE TABLE IF NOT EXISTS member_items (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    item BLOB NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS member_items_m_ins AFTER INSERT ON memberships BEGIN
    INSERT OR REPLACE INTO member_items (user_id, seq, item)
    SELECT NEW.user_id, a.seq, {item_of_new_membership}
    FROM accounts a WHERE a.acct_id = NEW.acct_id AND a.listing IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS member_items_m_upd AFTER UPDATE ON memberships BEGIN
    DELETE FROM member_items WHERE user_id = OLD.user_id
        AND seq = (SELECT seq FROM accounts WHERE acct_id = OLD.acct_id);
    INSERT OR REPLACE INTO member_items (user_id, seq, item)
    SELECT NEW.user_id, a.seq, {item_of_new_membership}
    FROM accounts a WHERE a.acct_id = NEW.acct_id AND a.listing IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS member_items_m_del AFTER DELETE ON memberships BEGIN
    DELETE FROM member_items WHERE user_id = OLD.user_id
        AND seq = (SELECT seq FROM accounts WHERE acct_id = OLD.acct_id);
END;
CREATE TRIGGER IF NOT EXISTS member_items_a_ins AFTER INSERT ON accounts BEGIN
    INSERT OR REPLACE INTO member_items (user_id, seq, item)
    SELECT m.user_id, NEW.seq, {item_of_new_account}
    FROM memberships m WHERE m.acct_id = NEW.acct_id AND NEW.listing IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS member_items_a_upd AFTER UPDATE ON accounts BEGIN
    DELETE FROM member_items WHERE seq = OLD.seq
        AND user_id IN (SELECT user_id FROM memberships WHERE acct_id = OLD.acct_id);
    INSERT OR REPLACE INTO member_items (user_id, seq, item)
    SELECT m.user_id, NEW.seq, {item_of_new_account}
    FROM memberships m WHERE m.acct_id = NEW.acct_id AND NEW.listing IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS member_items_a_del AFTER DELETE ON accounts BEGIN
    DELETE FROM member_items WHERE seq = OLD.seq
        AND user_id IN (SELECT user_id FROM memberships WHERE acct_id = OLD.acct_id);
END;
""".format(item_of_new_account=_item_sql("NEW.listing", "m.roles", "m.status"),
           item_of_new_membership=_item_sql("a.listing", "NEW.roles", "NEW.status"))

#: One page of member_items as one comma-joined value (see Store._member_page).
_MEMBER_PAGE = (
    "SELECT CAST(group_concat(item, ','{order}) AS BLOB) FROM (SELECT seq, item FROM "
    "member_items WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?)"
).format(order=" ORDER BY seq" if sqlite3.sqlite_version_info >= (3, 44, 0) else "")

#: Columns ``sort_by`` may name. ``seq`` (creation order) is always the final tie-breaker.
SORT_KEYS = {"name": "a.name", "created_at": "a.created_at", "acct_id": "a.acct_id",
             "account_status": "a.account_status"}

CREATOR_ROLES = ["MANAGER", "WRITER", "READER"]


_INSERT_ACCOUNT = (
    "INSERT INTO accounts (acct_id, name, created_at, account_status, data, listing) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_MEMBERSHIP = (
    "INSERT INTO memberships (user_id, acct_id, roles, status) VALUES (?, ?, ?, 'ACTIVE')"
)


def _account_row(account: dict[str, Any]) -> tuple[Any, ...]:
    """The accounts table's columns for ``account`` (the JSON document is the truth)."""
    return (account["acct_id"], account["name"], account["created_at"],
            account.get("account_status", "Active"), json.dumps(account), _listing(account))


def _listing(account: dict[str, Any]) -> str:
    """The account's item of a list answer without the caller's ``roles``/``status`` and
    without its closing brace: ``{"acct_id":...,"azure_cvm_pcr_priority":[...]``. Written in
    the same statement as ``data`` (never stale); a page is then these texts joined, not 500
    documents decoded, rebuilt and encoded again (~25 ms per page of 500)."""
    text = json.dumps(to_response(account, None, None, fresh=True), ensure_ascii=False,
                      allow_nan=False, separators=(",", ":"))
    return text[:-1]


def _item(listing: str, roles: str | None, status: str | None) -> str:
    """One item of a list answer from its stored parts (roles: the stored JSON list)."""
    if roles is None:
        return listing + "}"
    return f'{listing},"roles":{roles},"status":{json.dumps(status)}}}'


class NameTakenError(Exception):
    pass


@dataclass(frozen=True)
class SessionRow:
    user_id: str
    token_expires_at: int
    session_expires_at: int
    selected_account_id: str | None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    def __init__(self, db_path: str = ":memory:") -> None:
        self.db_path = str(db_path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if self.db_path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Bring a database file written by an older version up to date (a new database
        goes through the same steps, each a no-op or nearly): the ``listing`` column, every
        row's listing text, then ``member_items`` and its triggers, filled once."""
        db = self._db
        columns = {r[1] for r in db.execute("PRAGMA table_info(accounts)")}
        had_items = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'member_items'"
        ).fetchone() is not None
        if "listing" not in columns:  # a database file written before the column existed
            db.execute("ALTER TABLE accounts ADD COLUMN listing TEXT")
        db.executescript(MEMBER_ITEMS)
        with self.transaction():
            stale = db.execute("SELECT seq, data FROM accounts WHERE listing IS NULL").fetchall()
            # (the accounts update trigger files these rows' member items)
            db.executemany("UPDATE accounts SET listing = ? WHERE seq = ?",
                           [(_listing(json.loads(data)), seq) for seq, data in stale])
            if not had_items:
                db.execute(
                    "INSERT OR REPLACE INTO member_items (user_id, seq, item) "
                    f"SELECT m.user_id, a.seq, {_item_sql('a.listing', 'm.roles', 'm.status')} "
                    "FROM memberships m JOIN accounts a ON a.acct_id = m.acct_id"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``with store.transaction() as db:`` -- BEGIN ... COMMIT under the lock; ROLLBACK on
        ANY exception (not only IntegrityError), which is then re-raised. A failed statement
        never leaves the shared connection inside an open transaction, so the next operation
        works as if the failed one had not been tried (a failing COMMIT included)."""
        with self._lock:
            if self._db.in_transaction:  # under the lock, any open transaction is a stale one
                self._db.execute("ROLLBACK")
            self._db.execute("BEGIN")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    # -- users ------------------------------------------------------------------------------
    def ensure_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Insert the user unless one with this email exists; return the stored user."""
        with self._lock:
            row = self._db.execute("SELECT data FROM users WHERE email = ?", (user["user_email"],)).fetchone()
            if row:
                return json.loads(row["data"])
            self._db.execute(
                "INSERT INTO users (user_id, email, data) VALUES (?, ?, ?)",
                (user["user_id"], user["user_email"], json.dumps(user)),
            )
            return user

    def get_user(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return json.loads(row["data"]) if row else None

    def update_user(self, user: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("UPDATE users SET data = ? WHERE user_id = ?", (json.dumps(user), user["user_id"]))

    # -- accounts ---------------------------------------------------------------------------
    def insert_account(self, account: dict[str, Any], owner_id: str, roles: list[str] | None = None) -> None:
        """Insert an account and make ``owner_id`` an ACTIVE member; NameTakenError on a clash."""
        try:
            with self.transaction() as db:
                db.execute(_INSERT_ACCOUNT, _account_row(account))
                db.execute(
                    _INSERT_MEMBERSHIP, (owner_id, account["acct_id"], json.dumps(roles or CREATOR_ROLES))
                )
        except sqlite3.IntegrityError:
            raise NameTakenError(account["name"]) from None

    def insert_many(self, accounts: list[dict[str, Any]], owner_id: str) -> None:
        """Bulk insert (seeding): one transaction, executemany."""
        try:
            with self.transaction() as db:
                db.executemany(_INSERT_ACCOUNT, (_account_row(a) for a in accounts))
                roles = json.dumps(CREATOR_ROLES)
                db.executemany(_INSERT_MEMBERSHIP, ((owner_id, a["acct_id"], roles) for a in accounts))
        except sqlite3.IntegrityError:
            raise NameTakenError("seeded account name") from None

    def get_account(self, acct_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM accounts WHERE acct_id = ?", (acct_id,)).fetchone()
        return json.loads(row["data"]) if row else None

    def find_by_name(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM accounts WHERE name = ?", (name,)).fetchone()
        return json.loads(row["data"]) if row else None

    def update_account(self, account: dict[str, Any]) -> None:
        try:
            with self.transaction() as db:
                db.execute(
                    "UPDATE accounts SET name = ?, account_status = ?, data = ?, listing = ? "
                    "WHERE acct_id = ?",
                    (account["name"], account.get("account_status", "Active"), json.dumps(account),
                     _listing(account), account["acct_id"]),
                )
        except sqlite3.IntegrityError:
            raise NameTakenError(account["name"]) from None

    def delete_account(self, acct_id: str) -> bool:
        with self.transaction() as db:
            cur = db.execute("DELETE FROM accounts WHERE acct_id = ?", (acct_id,))
            db.execute("DELETE FROM memberships WHERE acct_id = ?", (acct_id,))
            db.execute(
                "UPDATE sessions SET selected_account_id = NULL WHERE selected_account_id = ?", (acct_id,)
            )
            return cur.rowcount > 0

    def count_accounts(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]

    def all_accounts(self) -> list[dict[str, Any]]:
        """Every stored account in creation order (for tests)."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM accounts ORDER BY seq").fetchall()
        return [json.loads(r["data"]) for r in rows]

    def list_accounts(
        self,
        user_id: str,
        *,
        system_scope: bool = False,
        limit: int = 100,
        previous_id: str | None = None,
        sort: Iterable[tuple[str, bool]] = (),
    ) -> list[tuple[dict[str, Any], list[str] | None, str | None]]:
        """One page: (account, roles, membership status) for each row.

        ``sort`` is (key, descending) pairs with keys from SORT_KEYS; ``previous_id`` is the
        last id of the previous page (LookupError if it names no account)."""
        rows = self._page("a.data", user_id, system_scope, limit, previous_id, sort)
        return [
            (json.loads(data), json.loads(roles) if roles else None, status)
            for data, roles, status in rows
        ]

    def list_items_json(
        self,
        user_id: str,
        *,
        system_scope: bool = False,
        limit: int = 100,
        previous_id: str | None = None,
        sort: Iterable[tuple[str, bool]] = (),
    ) -> str:
        """The same page as list_accounts, as the JSON text of its ``items`` array (each item
        what ``to_response(account, roles, status)`` gives)."""
        body = self.list_body(user_id, system_scope=system_scope, limit=limit,
                              previous_id=previous_id, sort=sort)
        return body[len(b'{"items":'):-1].decode()

    def list_body(
        self,
        user_id: str,
        *,
        system_scope: bool = False,
        limit: int = 100,
        previous_id: str | None = None,
        sort: Iterable[tuple[str, bool]] = (),
    ) -> bytes:
        """The body of the list answer, ``{"items":[...]}`` in UTF-8, joined from the stored
        item texts: no document decoded or encoded per row."""
        sort = list(sort)
        if not system_scope and not sort:  # the default page: one range of member_items
            joined = self._member_page(user_id, limit, previous_id)
            if joined is None:
                return b'{"items":[]}'
            return b"".join((b'{"items":[', joined, b"]}"))
        items = self._joined_page(user_id, system_scope, limit, previous_id, sort)
        return f'{{"items":{items}}}'.encode()

    def _joined_page(self, user_id: str, system_scope: bool, limit: int,
                     previous_id: str | None, sort: list[tuple[str, bool]]) -> str:
        # Every row has its listing: every write sets it, and _migrate fills older files'.
        rows = self._page("a.listing", user_id, system_scope, limit, previous_id, sort)
        return "[" + ",".join(_item(listing, roles, status) for listing, roles, status in rows) + "]"

    def _member_page(self, user_id: str, limit: int, previous_id: str | None) -> bytes | None:
        """The items (UTF-8) of the user's accounts in creation order after ``previous_id``'s
        (whether or not the user is a member of that one), joined by commas; None if none.

        SQLite joins them (``group_concat``): one value comes back instead of a row, a
        Python object and a GIL hand-over per item, which cut ~0.3 ms of server CPU from a
        page of 500 over HTTP. The order is the subquery's: SQLite >= 3.44 is told so
        (``ORDER BY`` in the aggregate); before it, a subquery with a LIMIT is never
        flattened into an aggregate query, so its rows reach group_concat in its order."""
        with self._lock:
            cur = self._db.cursor()
            cur.row_factory = None  # a plain tuple
            after = 0
            if previous_id is not None:
                prev = cur.execute("SELECT seq FROM accounts WHERE acct_id = ?",
                                   (previous_id,)).fetchone()
                if prev is None:
                    raise LookupError(previous_id)
                after = prev[0]
            return cur.execute(_MEMBER_PAGE, (user_id, after, limit)).fetchone()[0]

    def _page(self, columns: str, user_id: str, system_scope: bool, limit: int,
              previous_id: str | None, sort: Iterable[tuple[str, bool]]) -> list[Any]:
        """``columns`` of accounts ``a``, then m.roles, m.status, of each row of one page of
        the user's accounts (SYSTEM scope: every account, roles and status NULL where the
        user is no member)."""
        order = [(SORT_KEYS[k], desc) for k, desc in sort]
        order.append(("a.seq", False))
        # Keyset paging that walks the accounts in the page's order and stops after ``limit``
        # matches: ``CROSS JOIN`` keeps ``accounts`` the outer loop (SQLite never reorders
        # it), so the default order is a rowid range and a sort column uses its index; the
        # membership is a primary-key lookup per row. Driven from the memberships instead,
        # every page read all the user's memberships and sorted them in a temporary B-tree
        # (~20 ms per page of 500 at 50,000 accounts).
        join = "LEFT JOIN" if system_scope else "CROSS JOIN"
        sql = (
            f"SELECT {columns}, m.roles, m.status FROM accounts a {join} memberships m "
            f"ON m.acct_id = a.acct_id AND m.user_id = ?"
        )
        params: list[Any] = [user_id]
        where = "" if system_scope else " WHERE m.user_id IS NOT NULL"
        with self._lock:
            if previous_id is not None:
                cols = ", ".join(c for c, _ in order)
                prev = self._db.execute(
                    f"SELECT {cols} FROM accounts a WHERE a.acct_id = ?", (previous_id,)
                ).fetchone()
                if prev is None:
                    raise LookupError(previous_id)
                prev = tuple(prev)
                if len({desc for _, desc in order}) == 1:
                    # One direction: a row-value comparison, which an index range can serve.
                    op = "<" if order[0][1] else ">"
                    marks = ", ".join("?" for _ in order)
                    cond = f"({cols}) {op} ({marks})"
                    params.extend(prev)
                else:
                    clauses = []
                    for i, (col, desc) in enumerate(order):
                        eqs = [f"{c} = ?" for c, _ in order[:i]]
                        clauses.append(
                            "(" + " AND ".join([*eqs, f"{col} {'<' if desc else '>'} ?"]) + ")")
                        params.extend([*prev[:i], prev[i]])
                    cond = "(" + " OR ".join(clauses) + ")"
                where = f"{where} AND {cond}" if where else f" WHERE {cond}"
            sql += where
            sql += " ORDER BY " + ", ".join(f"{c} {'DESC' if d else 'ASC'}" for c, d in order)
            sql += " LIMIT ?"
            params.append(limit)
            return self._db.execute(sql, params).fetchall()

    # -- memberships ------------------------------------------------------------------------
    def membership(self, user_id: str, acct_id: str) -> tuple[list[str], str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT roles, status FROM memberships WHERE user_id = ? AND acct_id = ?", (user_id, acct_id)
            ).fetchone()
        return (json.loads(row["roles"]), row["status"]) if row else None

    def set_membership(self, user_id: str, acct_id: str, roles: list[str] | None, status: str = "ACTIVE") -> None:
        """Tests: change (or with roles=None remove) the user's membership of an account."""
        with self._lock:
            if roles is None:
                self._db.execute("DELETE FROM memberships WHERE user_id = ? AND acct_id = ?", (user_id, acct_id))
                return
            self._db.execute(
                "INSERT OR REPLACE INTO memberships (user_id, acct_id, roles, status) VALUES (?, ?, ?, ?)",
                (user_id, acct_id, json.dumps(roles), status),
            )

    def memberships(self, user_id: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT m.acct_id, m.roles, m.status FROM memberships m JOIN accounts a "
                "ON a.acct_id = m.acct_id WHERE m.user_id = ? ORDER BY a.seq",
                (user_id,),
            ).fetchall()
        return {r["acct_id"]: {"roles": json.loads(r["roles"]), "status": r["status"]} for r in rows}

    # -- sessions ---------------------------------------------------------------------------
    def create_session(self, token: str, user_id: str, token_expires_at: int, session_expires_at: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions (token_hash, user_id, token_expires_at, session_expires_at) VALUES (?, ?, ?, ?)",
                (token_digest(token), user_id, token_expires_at, session_expires_at),
            )

    def get_session(self, token: str) -> SessionRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT user_id, token_expires_at, session_expires_at, selected_account_id FROM sessions "
                "WHERE token_hash = ?",
                (token_digest(token),),
            ).fetchone()
        return SessionRow(*row) if row else None

    def update_session(self, token: str, *, token_expires_at: int | None = None,
                       selected_account_id: str | None = None) -> None:
        with self._lock:
            if token_expires_at is not None:
                self._db.execute("UPDATE sessions SET token_expires_at = ? WHERE token_hash = ?",
                                 (token_expires_at, token_digest(token)))
            if selected_account_id is not None:
                self._db.execute("UPDATE sessions SET selected_account_id = ? WHERE token_hash = ?",
                                 (selected_account_id, token_digest(token)))

    def delete_session(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_digest(token),))

    # -- members of an account (GET/PATCH /v1/users, invite, remove) ----------------------------
    # Grouped here so the users routes need nothing else from the store. The last-manager
    # rule is checked inside the same lock as the change, so two concurrent demotions cannot
    # both pass it.

    def find_user_by_email(self, email: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM users WHERE email = ? COLLATE NOCASE", (email,)
            ).fetchone()
        return json.loads(row["data"]) if row else None

    def member(self, acct_id: str, user_id: str) -> dict[str, Any] | None:
        """The user as a member of ``acct_id`` (roles and user_account_status merged in)."""
        with self._lock:
            row = self._db.execute(
                "SELECT u.data, m.roles, m.status FROM memberships m JOIN users u "
                "ON u.user_id = m.user_id WHERE m.acct_id = ? AND m.user_id = ?",
                (acct_id, user_id),
            ).fetchone()
        return _member(row) if row else None

    def list_members(
        self,
        acct_id: str,
        *,
        search: str | None = None,
        limit: int = 100,
        offset: int = 0,
        sort: Iterable[tuple[str, bool]] = (),
    ) -> tuple[list[dict[str, Any]], int, int]:
        """(one page of members, total members, members matching ``search``).

        ``search`` matches the email, first or last name (case-insensitive substring);
        ``sort`` is (key, descending) pairs with keys from MEMBER_SORT_KEYS."""
        where = "m.acct_id = ?"
        params: list[Any] = [acct_id]
        if search:
            like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where += (
                " AND (u.email LIKE ? ESCAPE '\\' OR json_extract(u.data, '$.first_name') LIKE ? "
                "ESCAPE '\\' OR json_extract(u.data, '$.last_name') LIKE ? ESCAPE '\\' OR "
                "(COALESCE(json_extract(u.data, '$.first_name'), '') || ' ' || "
                "COALESCE(json_extract(u.data, '$.last_name'), '')) LIKE ? ESCAPE '\\')"
            )
            params.extend([like, like, like, like])
        order = [f"{MEMBER_SORT_KEYS[k]} {'DESC' if desc else 'ASC'}" for k, desc in sort]
        order.append("u.email COLLATE NOCASE ASC")
        base = "FROM memberships m JOIN users u ON u.user_id = m.user_id"
        with self._lock:
            total = self._db.execute(
                f"SELECT COUNT(*) {base} WHERE m.acct_id = ?", (acct_id,)
            ).fetchone()[0]
            filtered = self._db.execute(f"SELECT COUNT(*) {base} WHERE {where}", params).fetchone()[0]
            rows = self._db.execute(
                f"SELECT u.data, m.roles, m.status {base} WHERE {where} "
                f"ORDER BY {', '.join(order)} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return [_member(r) for r in rows], total, filtered

    def invite_member(
        self, acct_id: str, new_user: dict[str, Any], roles: list[str]
    ) -> tuple[dict[str, Any], bool]:
        """Add a PENDING membership for the user with ``new_user["user_email"]`` (stored first
        when the email is new) -> (member, user_was_created). AlreadyMemberError (carrying
        the member) when the email already belongs to a member of the account."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                row = self._db.execute(
                    "SELECT data FROM users WHERE email = ? COLLATE NOCASE", (new_user["user_email"],)
                ).fetchone()
                created = row is None
                user = new_user if created else json.loads(row["data"])
                if created:
                    self._db.execute(
                        "INSERT INTO users (user_id, email, data) VALUES (?, ?, ?)",
                        (user["user_id"], user["user_email"], json.dumps(user)),
                    )
                existing = self._db.execute(
                    "SELECT u.data, m.roles, m.status FROM memberships m JOIN users u "
                    "ON u.user_id = m.user_id WHERE m.acct_id = ? AND m.user_id = ?",
                    (acct_id, user["user_id"]),
                ).fetchone()
                if existing is not None:
                    raise AlreadyMemberError(_member(existing))
                self._db.execute(
                    "INSERT INTO memberships (user_id, acct_id, roles, status) VALUES (?, ?, ?, 'PENDING')",
                    (user["user_id"], acct_id, json.dumps(roles)),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return dict(user, roles=list(roles), user_account_status="PENDING"), created

    def update_member(
        self,
        acct_id: str,
        user_id: str,
        *,
        roles: list[str] | None = None,
        status: str | None = None,
        profile: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change a member's roles / membership status / profile fields in one step.

        LookupError when the user is not a member; LastManagerError (nothing changed) when
        the account would be left without an ACTIVE MANAGER."""
        with self._lock:
            current = self.member(acct_id, user_id)
            if current is None:
                raise LookupError(user_id)
            new_roles = roles if roles is not None else current["roles"]
            new_status = status or current["user_account_status"]
            if _is_active_manager(current["roles"], current["user_account_status"]) and not (
                _is_active_manager(new_roles, new_status)
            ):
                self._check_other_manager(acct_id, user_id, current)
            statements: list[tuple[str, tuple[Any, ...]]] = [
                ("UPDATE memberships SET roles = ?, status = ? WHERE acct_id = ? AND user_id = ?",
                 (json.dumps(new_roles), new_status, acct_id, user_id)),
            ]
            if profile:
                user = self.get_user(user_id) or {}
                user.update(profile)
                statements.append(("UPDATE users SET data = ? WHERE user_id = ?",
                                   (json.dumps(user), user_id)))
            self._write_all(statements)
            updated = self.member(acct_id, user_id)
        assert updated is not None
        return updated

    def remove_member(self, acct_id: str, user_id: str) -> None:
        """Remove the membership (the user itself stays). LookupError / LastManagerError."""
        with self._lock:
            current = self.member(acct_id, user_id)
            if current is None:
                raise LookupError(user_id)
            if _is_active_manager(current["roles"], current["user_account_status"]):
                self._check_other_manager(acct_id, user_id, current)
            self._write_all([
                ("DELETE FROM memberships WHERE acct_id = ? AND user_id = ?", (acct_id, user_id)),
                ("UPDATE sessions SET selected_account_id = NULL "
                 "WHERE selected_account_id = ? AND user_id = ?", (acct_id, user_id)),
            ])

    def _write_all(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Run ``statements`` in one transaction: all of them or (on any error) none."""
        self._db.execute("BEGIN")
        try:
            for sql, params in statements:
                self._db.execute(sql, params)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _check_other_manager(self, acct_id: str, user_id: str, current: dict[str, Any]) -> None:
        rows = self._db.execute(
            "SELECT roles FROM memberships WHERE acct_id = ? AND user_id != ? AND status = 'ACTIVE'",
            (acct_id, user_id),
        ).fetchall()
        if not any("MANAGER" in json.loads(r["roles"]) for r in rows):
            raise LastManagerError(current)

    def add_member(self, acct_id: str, user: dict[str, Any], roles: list[str],
                   status: str = "ACTIVE") -> dict[str, Any]:
        """Seeding and tests: store ``user`` (unless its email exists) as a member."""
        stored = self.ensure_user(user)
        self.set_membership(stored["user_id"], acct_id, list(roles), status)
        member = self.member(acct_id, stored["user_id"])
        assert member is not None
        return member


#: ``sort_by`` keys of GET /v1/users and the SQL they order by.
MEMBER_SORT_KEYS = {
    "user_email": "u.email COLLATE NOCASE",
    "first_name": "json_extract(u.data, '$.first_name') COLLATE NOCASE",
    "last_name": "json_extract(u.data, '$.last_name') COLLATE NOCASE",
    "created_at": "json_extract(u.data, '$.created_at')",
    "last_logged_in_at": "COALESCE(json_extract(u.data, '$.last_logged_in_at'), 0)",
    "user_account_status": "m.status",
}


class AlreadyMemberError(Exception):
    def __init__(self, member: dict[str, Any]) -> None:
        super().__init__(member.get("user_email"))
        self.member = member


class LastManagerError(Exception):
    def __init__(self, member: dict[str, Any]) -> None:
        super().__init__(member.get("user_email"))
        self.member = member


def _is_active_manager(roles: list[str], status: str) -> bool:
    return status == "ACTIVE" and "MANAGER" in roles


def _member(row: Any) -> dict[str, Any]:
    user = json.loads(row["data"])
    user["roles"] = json.loads(row["roles"])
    user["user_account_status"] = row["status"]
    return user
