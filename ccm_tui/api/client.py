"""CcmClient: every session and account endpoint of CCM over ONE httpx.AsyncClient.

CONTRACT (screens and service code rely on these signatures; keep them):

    client = CcmClient(base_url, *, transport=None, verify=True, timeouts=Timeouts(),
                       retry=RetryPolicy(), token=None, insecure=False,
                       on_request=None)   # on_request(RequestRecord) for the request log
    await client.version() -> str
    await client.discover(email) -> list[dict]            # auth_methods
    await client.login(email, password) -> AuthResponse   # Basic auth; stores token+session
    await client.login_with_token(token) -> User          # pasted bearer token; validates via /v1/user
    await client.refresh() -> SessionInfo
    await client.terminate() -> None
    await client.select_account(acct_id) -> SessionInfo | None   # 404 -> older path
    await client.list_accounts(*, page_size=LIST_PAGE_SIZE (500), scope=None, sort_by=None) -> list[Account]
    client.iter_account_pages(...) -> AsyncIterator[list[Account]]
    client.iter_account_items(...) -> AsyncIterator[list[tuple[dict, bytes, int]]]  # no models
    account_from_page(body, index) -> AccountRecord   # one item of a page, validated
    await client.get_account(acct_id, *, with_totals=False) -> AccountRecord
    await client.create_account(req: AccountRequest) -> Account   # NEVER retried
    await client.update_account(acct_id, req: AccountUpdateRequest) -> AccountRecord
    await client.delete_account(acct_id) -> None
    await client.current_user() -> User
    await client.user_accounts(user_id) -> dict[str, UserAccountInfo]
    # members of the SELECTED account (select_account first); reads retried, writes never:
    await client.list_users(*, all_search=None, limit=100, offset=0, sort_by=None) -> UserListResponse
    await client.invite_user(req: InviteUserRequest) -> User
    await client.update_user(user_id, req: UpdateUserRequest) -> User
    await client.remove_user_from_account(user_id) -> None
    await client.aclose()
    client.session_info: SessionInfo | None ; client.token_expires_at: int | None
    client.base_url: str ; client.is_authenticated: bool

Errors: everything raised is a ccm_tui.api.errors.CcmError subclass.

Bounds: ``timeouts.deadline`` caps one whole request (RequestTimeout, phase "deadline");
``limits=Limits()`` caps the decoded body (ResponseTooLarge), the items one listing follows
(TooManyItems) and JSON nesting (MalformedResponse). Server messages in errors are scrubbed
of the request's secrets and the session token.

Additions (keyword-only, optional): ``reauth`` (async callback -> bool, the UI re-logs in),
``sleep`` and ``clock`` (injectable for tests), ``history_size``, ``refresh_margin``;
``client.access_token`` (ccm_tui.secret.Secret | None, masked like SecretStr),
``client.history`` (RequestHistory),
``client.can_reauthenticate``, ``await client.reauthenticate() -> bool``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, TypeVar
from urllib.parse import quote, urlencode, urlsplit

# httpx's import is trimmed by ccm_tui.startup.trim_imports(), which the CLI runs before
# any command that talks HTTP (an explicit start-up step, not a side effect of this import).
import httpx

from ccm_tui import __version__
from ccm_tui.api import errmap, fastjson, listcols
from ccm_tui.api.errors import (
    AuthRequired,
    CcmError,
    MalformedResponse,
    NotFound,
    RequestTimeout,
    ResponseTooLarge,
    TooManyItems,
)
from ccm_tui.api.policy import Limits, RetryPolicy, Timeouts
from ccm_tui.api.records import (
    HISTORY_SIZE,
    AuthKind,
    RequestHistory,
    RequestRecord,
    masked_headers,
    request_body_text,
    request_id_of,
    response_body_text,
)
from ccm_tui.api.tls import VerifyType, check_url, plain_http_context, ssl_context
from ccm_tui.gcpause import gc_paused

# The login path's answers and an account read to be viewed are light records (no pydantic:
# logging in, listing the accounts and opening one never import it). A create's answer, the
# listing's Account models and the request models are pydantic; they are imported by the
# methods that build or send them (create, edit, members, the CLI's listing); the account
# record by the methods that read one (not needed before the first account is opened).
from ccm_tui.models.light import WrongShape
from ccm_tui.models.session import (
    AuthResponse,
    SessionInfo,
    User,
    UserAccountInfo,
    UserListResponse,
)
from ccm_tui.secret import Secret, SecretLike, as_secret, as_secret_or_none

if TYPE_CHECKING:
    import ssl
    from typing import Self

    from pydantic import ValidationError

    from ccm_tui.api.listcols import Columns
    from ccm_tui.models.account import Account, AccountRequest, AccountUpdateRequest
    from ccm_tui.models.account_record import AccountRecord
    from ccm_tui.models.user import InviteUserRequest, UpdateUserRequest

__all__ = ["CcmClient", "Limits", "RequestRecord", "RetryPolicy", "Timeouts"]

log = logging.getLogger("ccm_tui.requests")


class _Validates(Protocol):
    """A pydantic model or a light record (models/light.py): what ``_Raw.model`` builds."""

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...


M = TypeVar("M", bound=_Validates)
T = TypeVar("T")

USER_AGENT = f"ccm-tui/{__version__} (httpx/{httpx.__version__})"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Accounts per GET /v1/accounts, for the console and the CLI alike: the largest page the
#: server allows (the emulator, like CCM, refuses a ``limit`` over 1000). 50,000 accounts in
#: 50 requests rather than 500.
LIST_PAGE_SIZE = 1000
#: Loop turns iter_account_items gives the next page's request to reach the socket.
_SEND_TURNS = 16


def _too_deep(data: Any, limit: int) -> bool:
    """True when ``data`` nests lists/objects more than ``limit`` levels (checked without
    recursion: whatever later walks the answer recursively — validation, redaction, JSON
    output, the raw view — then stays far from Python's recursion limit)."""
    stack = [(data, 1)]
    while stack:
        obj, depth = stack.pop()
        if depth > limit:
            return True
        children = obj.values() if isinstance(obj, dict) else obj
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


class _Raw:
    """A response we already know is a success; body parsed lazily."""

    def __init__(self, resp: httpx.Response, method: str, path: str, max_depth: int = 64) -> None:
        self.resp = resp
        self.method = method
        self.path = path
        self.max_depth = max_depth

    def json(self) -> Any:
        if not self.resp.content:
            raise errmap.malformed(self.resp, method=self.method, path=self.path)
        try:
            data = self.resp.json()
        except RecursionError:
            data = _DEEP
        except ValueError:
            raise errmap.malformed(self.resp, method=self.method, path=self.path) from None
        if data is _DEEP or (isinstance(data, dict | list) and _too_deep(data, self.max_depth)):
            raise MalformedResponse(
                f"the server sent an unreadable answer (JSON nested more than {self.max_depth} "
                f"levels deep) to {self.method} {self.path.split('?')[0]}",
                status=self.resp.status_code, method=self.method, path=self.path,
            )
        return data

    def items(self) -> list[dict[str, Any]]:
        """The objects of a list answer ``{"items": [...]}``; each must carry a string
        ``acct_id``. Only the top level is looked at: the depth bound is checked when one
        item becomes a model (account_from_page)."""
        try:
            with gc_paused():
                data = fastjson.loads(self.resp.content) if self.resp.content else None
        except RecursionError:
            data = _DEEP
        except ValueError:
            raise errmap.malformed(self.resp, method=self.method, path=self.path) from None
        if data is _DEEP:
            raise MalformedResponse(
                f"the server sent an unreadable answer (JSON nested more than {self.max_depth} "
                f"levels deep) to {self.method} {self.path.split('?')[0]}",
                status=self.resp.status_code, method=self.method, path=self.path,
            )
        items = data.get("items", []) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise errmap.malformed(self.resp, method=self.method, path=self.path,
                                   what="JSON of the wrong shape")
        body = self.resp.content
        # (the substring tests first: ~10x faster than the regex on a page of 1000)
        if ((b"\\u" in body or b"\xed" in body) and _SURROGATE_HINT.search(body)
                and _has_surrogate(items)):
            # What the models refuse (pydantic cannot hold a lone surrogate): the list is as
            # unreadable here as in every other view of it.
            raise MalformedResponse(
                f"the server sent an unreadable answer (a string that is not valid Unicode: a "
                f"lone surrogate) to {self.method} {self.path.split('?')[0]}",
                status=self.resp.status_code, method=self.method, path=self.path,
            )
        for item in items:
            if type(item) is not dict or type(item.get("acct_id")) is not str:
                raise MalformedResponse(
                    f"the server sent an unreadable answer (JSON of the wrong shape: an item "
                    f"without a string acct_id) to {self.method} {self.path.split('?')[0]}",
                    status=self.resp.status_code, method=self.method, path=self.path,
                )
        return items

    def columns(self) -> list[Columns]:
        """The account table's columns of each item of a list answer (api/listcols): what
        picking them out of items() gives, or the error items() raises, without building
        the rest of each item where msgspec can read the body."""
        content = self.resp.content
        if content:
            with gc_paused():
                columns = listcols.decode(content)
            if columns is not None:
                return columns
        return [listcols.of_item(item) for item in self.items()]

    def model(self, cls: type[M]) -> M:
        data = self.json()
        if not isinstance(data, dict):
            raise errmap.malformed(self.resp, method=self.method, path=self.path, what="JSON of the wrong shape")
        try:
            return cls.model_validate(data)
        except Exception as exc:
            if not _is_shape_error(exc):
                raise
            raise MalformedResponse(
                f"the server sent an unreadable answer ({wrong_shape(exc, 'body')}) to "
                f"{self.method} {self.path.split('?')[0]}",
                status=self.resp.status_code,
                method=self.method,
                path=self.path,
            ) from None


def _is_shape_error(exc: Exception) -> TypeGuard[ValidationError | WrongShape]:
    """A light record's WrongShape or a pydantic model's ValidationError (pydantic is looked
    up only when it is already imported: a light record never brings it in)."""
    if isinstance(exc, WrongShape):
        return True
    pydantic_core = sys.modules.get("pydantic_core")
    return pydantic_core is not None and isinstance(exc, pydantic_core.ValidationError)


def wrong_shape(exc: ValidationError | WrongShape, default_loc: str, *, prefix: str = "") -> str:
    """"JSON of the wrong shape: <where> <why>" for a model's first validation error (never
    the value itself: it may hold anything the server sent)."""
    if isinstance(exc, WrongShape):
        parts, msg = exc.loc, exc.msg
    else:
        first = exc.errors(include_url=False, include_input=False)[0]
        parts, msg = first.get("loc", ()), first.get("msg", "invalid")
    loc = ".".join(str(p) for p in parts) or default_loc
    return f"JSON of the wrong shape: {prefix}{loc} {msg}"


_DEEP = object()  # marker: json.loads gave up (RecursionError)


_acct_id_of_item: Callable[[dict[str, Any]], str] = itemgetter("acct_id")
_acct_id_of_columns: Callable[[Columns], str] = itemgetter(0)
#: A surrogate escape or a UTF-8-encoded surrogate anywhere in a body (a cheap first look;
#: valid pairs match too, and are then told apart by _has_surrogate).
_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _has_surrogate(data: Any) -> bool:
    """True when a string in ``data`` (keys included) holds a lone surrogate."""
    stack = [data]
    while stack:
        obj = stack.pop()
        if isinstance(obj, str):
            try:
                obj.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
    return False


def account_from_page(body: bytes, index: int, *, max_depth: int = 64,
                      status: int = 200) -> AccountRecord:
    """Item ``index`` of a list answer's body as an AccountRecord (see iter_account_items):
    the depth bound and the record's validation, for the one account that is opened."""
    from ccm_tui.models.account_record import AccountRecord

    where = "GET /v1/accounts"
    try:
        item = fastjson.loads(body)["items"][index]
    except (ValueError, RecursionError, KeyError, IndexError, TypeError):
        raise MalformedResponse(f"the server sent an unreadable answer to {where}",
                                status=status, method="GET", path="/v1/accounts") from None
    if _too_deep(item, max_depth - 2):
        raise MalformedResponse(
            f"the server sent an unreadable answer (JSON nested more than {max_depth} levels "
            f"deep) to {where}", status=status, method="GET", path="/v1/accounts")
    try:
        return AccountRecord.model_validate(item)
    except WrongShape as exc:
        raise MalformedResponse(
            f"the server sent an unreadable answer ({wrong_shape(exc, 'item', prefix='items.')}) "
            f"to {where}", status=status, method="GET", path="/v1/accounts",
        ) from None


#: The request extension that marks a request which is never retried (``_Pools``).
_NEVER_RETRIED = "ccm_tui.never_retried"


class _Pools(httpx.AsyncBaseTransport):
    """Two connection pools to the same server: one for what may be retried, one for what
    never is (creates, updates, deletes), whose idle connections are dropped after
    ``write_keepalive`` seconds instead of httpx's 5.

    Why: a server closes an idle keep-alive connection on its own timer (uvicorn's, like
    Apache's and Node's, is 5 s too). A request written on it just as the server closes it
    is lost ("server disconnected", a reset) without the server ever reading it. A read is
    retried; a create is not, so the wizard's submit, sent ~5 s after the list's last page,
    failed now and then with "connection lost before the answer" (bench run at c73a9de).
    A write after a pause now opens a fresh connection (one connect; loopback: well under a
    millisecond), while writes in a row (a batch) keep theirs warm. Reads keep their warm
    connection, so launch → rows makes no extra connection."""

    def __init__(self, verify: Any, write_keepalive: float) -> None:
        self._reads = httpx.AsyncHTTPTransport(verify=verify, trust_env=True)
        self._writes = httpx.AsyncHTTPTransport(
            verify=verify, trust_env=True,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20,
                                keepalive_expiry=write_keepalive),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = self._writes if request.extensions.get(_NEVER_RETRIED) else self._reads
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        try:
            await self._writes.aclose()
        finally:
            await self._reads.aclose()


class CcmClient:
    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: VerifyType = True,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        limits: Limits = Limits(),
        token: str | SecretLike | None = None,
        insecure: bool = False,
        on_request: Callable[[RequestRecord], None] | None = None,
        reauth: Callable[[], Awaitable[bool]] | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        clock: Callable[[], float] | None = None,
        history_size: int = HISTORY_SIZE,
        refresh_margin: float = 60.0,
    ) -> None:
        self.base_url = check_url(base_url, insecure=insecure)
        self.host = urlsplit(self.base_url).netloc
        self.insecure = insecure
        self.timeouts = timeouts
        self.retry = retry
        self.limits = limits
        self.on_request = on_request
        self.reauth = reauth
        self.history = RequestHistory(history_size)
        self.refresh_margin = refresh_margin
        self._sleep = sleep or asyncio.sleep
        self._clock = clock or time.time
        self._token: Secret | None = as_secret_or_none(token)
        self._creds: tuple[str, Secret] | None = None
        self._generation = 0  # bumped whenever the token changes
        self._auth_lock = asyncio.Lock()
        self._auth_owner: asyncio.Task | None = None
        self.session_info: SessionInfo | None = None
        self.user: User | None = None
        timeout = httpx.Timeout(
            connect=timeouts.connect,
            read=timeouts.read,
            write=timeouts.write if timeouts.write is not None else timeouts.read,
            pool=timeouts.pool if timeouts.pool is not None else timeouts.connect,
        )
        kwargs: dict[str, Any] = {}
        if transport is not None:
            kwargs["transport"] = transport
        else:
            tls: ssl.SSLContext | bool
            if self.base_url.startswith("http://") and verify is True:
                tls = plain_http_context()  # no TLS to do: no CA bundle to load
            else:
                tls = ssl_context(verify)
            kwargs["verify"] = tls  # also for a proxy taken from the environment
            kwargs["transport"] = _Pools(tls, timeouts.write_keepalive)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "X-CSRF-Header": "true", "Accept": "application/json"},
            trust_env=True,
            follow_redirects=False,
            **kwargs,
        )

    # ---------------------------------------------------------------- state
    @property
    def access_token(self) -> Secret | None:
        return self._token

    @property
    def token_expires_at(self) -> int | None:
        return self.session_info.session_token_expires_at if self.session_info else None

    @property
    def is_authenticated(self) -> bool:
        return self._token is not None

    def known_secrets(self) -> tuple[str, ...]:
        """The session's secrets (its token, the remembered password): what a report of an
        unexpected error must mask before it is logged."""
        return self._scrub()

    @property
    def can_reauthenticate(self) -> bool:
        return self._creds is not None or self.reauth is not None

    def _set_token(self, token: SecretLike | str | None) -> None:
        self._token = as_secret_or_none(token)
        self._generation += 1

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> CcmClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---------------------------------------------------------------- session
    async def version(self) -> str:
        raw = await self._call("GET", "/v1/sys/version", auth="none")
        data = raw.json()
        if isinstance(data, dict) and isinstance(data.get("version"), str):
            return data["version"]
        raise errmap.malformed(raw.resp, method="GET", path="/v1/sys/version", what="JSON of the wrong shape")

    async def discover(self, email: str) -> list[dict]:
        raw = await self._call(
            "POST", "/v1/sys/auth/discover", json={"user_email": email}, auth="none", idempotent=True
        )
        data = raw.json()
        methods = data.get("auth_methods") if isinstance(data, dict) else None
        if not isinstance(methods, list):
            raise errmap.malformed(raw.resp, method="POST", path="/v1/sys/auth/discover", what="JSON of the wrong shape")
        return [m for m in methods if isinstance(m, dict)]

    async def login(self, email: str, password: str | SecretLike) -> AuthResponse:
        secret = as_secret(password)
        try:
            raw = await self._call(
                "POST", "/v1/sys/auth", basic=(email, secret), auth="basic", idempotent=True
            )
        except AuthRequired as exc:
            raise AuthRequired(
                f"login refused for {email}: email or password is wrong"
                + (f" ({exc.message})" if exc.message and exc.message != "Unauthorized" else ""),
                status=exc.status, method=exc.method, path=exc.path,
            ) from None
        resp = raw.model(AuthResponse)
        if resp.access_token is None or not resp.access_token.get_secret_value():
            raise MalformedResponse(
                "the server sent an unreadable answer (no access_token) to POST /v1/sys/auth",
                status=raw.resp.status_code, method="POST", path="/v1/sys/auth",
            )
        self._set_token(resp.access_token)
        self.session_info = resp.session_info
        self._creds = (email, secret)
        return resp

    async def login_with_token(
        self, token: str | SecretLike, *, session_info: SessionInfo | None = None
    ) -> User:
        """Use a pasted (or cached) bearer token; ``session_info`` tells its expiry if known."""
        self._set_token(token)
        self._creds = None
        self.session_info = session_info
        try:
            raw = await self._call("GET", "/v1/user", reauth=False, refresh=False)
        except AuthRequired as exc:
            self._set_token(None)
            raise AuthRequired(
                "token rejected or expired: paste a fresh token", status=exc.status,
                method=exc.method, path=exc.path,
            ) from None
        self.user = raw.model(User)
        return self.user

    def cookies(self) -> list[dict[str, Any]]:
        """The cookies the server set, as plain values (each http.cookiejar.Cookie's
        attributes), for take_over() in another process: unpickling Cookie objects there
        imported http.cookiejar, urllib.request and email (~10 ms) on the console's way to
        its first rows, long before its own HTTP client needs them."""
        return [dict(vars(cookie)) for cookie in self._http.cookies.jar]

    def take_over(
        self,
        token: str | SecretLike,
        *,
        session_info: SessionInfo | None,
        user: User | None,
        email: str | None = None,
        password: str | SecretLike | None = None,
        cookies: Any = (),
    ) -> None:
        """Continue a login made by another client (the start-up helper of
        service/prefetch.py): its token, session info, user and cookies; with ``email`` and
        ``password``, a refused token logs in again as login() would have. No request."""
        self._set_token(token)
        self.session_info = session_info
        self.user = user
        self._creds = (email, as_secret(password)) if email and password else None
        from http.cookiejar import Cookie  # (httpx has imported it)

        for state in cookies:
            fields = {("rest" if key == "_rest" else key): value for key, value in state.items()}
            self._http.cookies.jar.set_cookie(Cookie(**fields))

    def replay(self, record: RequestRecord) -> None:
        """Add a request made by the start-up helper to this client's log, as if made here."""
        self._emit(record)

    async def refresh(self) -> SessionInfo:
        raw = await self._call("POST", "/v1/sys/session/refresh", idempotent=True, refresh=False, reauth=False)
        info = self._session_from(raw)
        self.session_info = info
        return info

    async def terminate(self) -> None:
        try:
            await self._call("POST", "/v1/sys/session/terminate", refresh=False, reauth=False, idempotent=True)
        finally:
            self._set_token(None)
            self._creds = None
            self.session_info = None
            self._http.cookies.clear()

    async def select_account(self, acct_id: str) -> SessionInfo | None:
        aid = quote(acct_id, safe="")
        try:
            raw = await self._call("POST", f"/v1/sys/session/select_account/{aid}", idempotent=True)
        except NotFound:
            raw = await self._call("POST", f"/v1/accounts/select_account/{aid}", idempotent=True)
            if self.session_info is not None:
                self.session_info = self.session_info.model_copy(update={"selected_account_id": acct_id})
            else:
                self.session_info = SessionInfo(selected_account_id=acct_id)
            return None
        info = self._session_from(raw) if raw.resp.content else None
        if info is None:
            base = self.session_info or SessionInfo()
            info = base.model_copy(update={"selected_account_id": acct_id})
        self.session_info = info
        return info

    def _session_from(self, raw: _Raw) -> SessionInfo:
        data = raw.json()
        if not isinstance(data, dict):
            raise errmap.malformed(raw.resp, method=raw.method, path=raw.path, what="JSON of the wrong shape")
        if "access_token" in data and isinstance(data["access_token"], str):
            self._set_token(data["access_token"])
        payload = data.get("session_info", data)
        if not isinstance(payload, dict):
            raise errmap.malformed(raw.resp, method=raw.method, path=raw.path, what="JSON of the wrong shape")
        try:
            return SessionInfo.model_validate(payload)
        except WrongShape:
            raise errmap.malformed(raw.resp, method=raw.method, path=raw.path, what="JSON of the wrong shape") from None

    async def current_user(self) -> User:
        raw = await self._call("GET", "/v1/user")
        self.user = raw.model(User)
        return self.user

    async def user_accounts(self, user_id: str) -> dict[str, UserAccountInfo]:
        raw = await self._call("GET", f"/v1/users/{quote(user_id, safe='')}/accounts")
        data = raw.json()
        if not isinstance(data, dict):
            raise errmap.malformed(raw.resp, method="GET", path=raw.path, what="JSON of the wrong shape")
        out: dict[str, UserAccountInfo] = {}
        for key, val in data.items():
            if isinstance(val, dict):
                try:
                    out[key] = UserAccountInfo.model_validate(val)
                except WrongShape:
                    continue
        return out

    # ---------------------------------------------------------------- accounts
    async def iter_account_pages(
        self, *, page_size: int = LIST_PAGE_SIZE, scope: str | None = None,
        sort_by: str | None = None,
    ) -> AsyncIterator[list[Account]]:
        """Every account, page after page, as validated Account models."""
        from pydantic import ValidationError

        from ccm_tui.models.account import Account

        depth = self.limits.max_json_depth
        async for page in self.iter_account_items(page_size=page_size, scope=scope,
                                                  sort_by=sort_by):
            out = []
            for item, body, index in page:
                if _too_deep(item, depth - 2):
                    account_from_page(body, index, max_depth=depth)  # raises, naming the bound
                try:
                    out.append(Account.model_validate(item))
                except ValidationError:
                    account_from_page(body, index, max_depth=depth)  # raises, naming the field
                    raise
            yield out

    async def iter_account_items(
        self, *, page_size: int = LIST_PAGE_SIZE, scope: str | None = None,
        sort_by: str | None = None, first_page_size: int | None = None,
    ) -> AsyncIterator[list[tuple[dict[str, Any], bytes, int]]]:
        """Every account, page after page, as ``(item, body, index)``: the JSON object as
        parsed, the answer's body it came from and its place in ``items`` — no model built.
        A table of 50,000 accounts keeps its columns and the (shared) page bodies, and builds
        an Account only for the one the operator opens (``account_from_page``).

        The next page is requested as soon as this one is parsed, so the caller's work on a
        page overlaps the server's on the next. ``first_page_size``: a smaller first page,
        for a first screen of rows sooner (the cursor makes any page size valid). Same bounds as every answer: the item cap
        (max_list_items), repeated ids dropped, a server that ignores the cursor stopped."""
        async for page in self._account_list(_Raw.items, _acct_id_of_item, page_size=page_size,
                                             scope=scope, sort_by=sort_by,
                                             first_page_size=first_page_size):
            yield page

    async def iter_account_columns(
        self, *, page_size: int = LIST_PAGE_SIZE, first_page_size: int | None = None,
    ) -> AsyncIterator[list[tuple[Columns, bytes, int]]]:
        """iter_account_items with only the account table's columns of each item read
        (``_Raw.columns``): the same pages, bounds and errors."""
        async for page in self._account_list(_Raw.columns, _acct_id_of_columns,
                                             page_size=page_size,
                                             first_page_size=first_page_size):
            yield page

    async def _account_list(
        self, parse: Callable[[_Raw], list[T]], acct_id_of: Callable[[T], str], *,
        page_size: int, scope: str | None = None, sort_by: str | None = None,
        first_page_size: int | None = None,
    ) -> AsyncIterator[list[tuple[T, bytes, int]]]:
        """The paging loop of iter_account_items (which see), each answer read by ``parse``
        and each item's id given by ``acct_id_of``."""
        seen: set[str] = set()
        received = 0
        pages = 0
        cap = self.limits.max_list_items

        def request(previous: str | None, limit: int = page_size,
                    on_sent: Callable[[], None] | None = None) -> Awaitable[_Raw]:
            params: dict[str, Any] = {"limit": limit}
            if scope:
                params["scope"] = str(scope)
            if sort_by:
                params["sort_by"] = sort_by
            if previous:
                params["previous_id"] = previous
            return self._call("GET", "/v1/accounts", params=params, on_sent=on_sent)

        pending: asyncio.Future[_Raw] | None = None
        limit = min(first_page_size or page_size, page_size)
        try:
            raw = await request(None, limit)
            while True:
                page = parse(raw)
                received += len(page)
                pages += 1
                if received > cap:
                    # Counted as received, not as new: a server that mixes repeats into full
                    # pages cannot keep the loop going either.
                    raise TooManyItems(
                        f"stopped reading the account list after {pages:,} page(s): the server "
                        f"sent more than {cap:,} accounts (max_list_items; raise it in the "
                        "profile if this server really holds that many)",
                        method="GET", path="/v1/accounts",
                    )
                body = raw.resp.content
                fresh = []
                for index, item in enumerate(page):
                    acct_id = acct_id_of(item)
                    if acct_id not in seen:
                        seen.add(acct_id)
                        fresh.append((item, body, index))
                # A short page ends the list; a page with nothing new means the server
                # ignores the cursor — stop rather than loop forever.
                more = len(page) >= limit and bool(fresh)
                limit = page_size
                if more:
                    sent = asyncio.Event()
                    pending = asyncio.ensure_future(request(acct_id_of(page[-1]),
                                                            on_sent=sent.set))
                    # The request written out before the page is handed over: the task runs
                    # only when the loop turns, and the caller's work on a page (encoding
                    # it, say) turns it no more — without this the server began the next
                    # page only once this one was done with. A few turns (4 with httpx
                    # 0.28), bounded: a retry's back-off is not waited for here.
                    for _ in range(_SEND_TURNS):
                        if sent.is_set() or pending.done():
                            break
                        await asyncio.sleep(0)
                if fresh:
                    yield fresh
                if not more:
                    return
                assert pending is not None
                raw, pending = await pending, None
        finally:
            if pending is not None:  # the caller stopped early: no request left behind
                pending.cancel()
                try:
                    await pending
                except BaseException:  # noqa: BLE001 - its outcome no longer matters
                    pass

    async def list_accounts(
        self, *, page_size: int = LIST_PAGE_SIZE, scope: str | None = None, sort_by: str | None = None
    ) -> list[Account]:
        out: list[Account] = []
        async for page in self.iter_account_pages(page_size=page_size, scope=scope, sort_by=sort_by):
            out.extend(page)
        return out

    async def get_account(self, acct_id: str, *, with_totals: bool = False) -> AccountRecord:
        from ccm_tui.models.account_record import AccountRecord

        params = {"with_totals": "true"} if with_totals else None
        raw = await self._call("GET", f"/v1/accounts/{quote(acct_id, safe='')}", params=params)
        return raw.model(AccountRecord)

    async def create_account(
        self, req: AccountRequest, *, on_sent: Callable[[], None] | None = None
    ) -> AccountRecord:
        """POST /v1/accounts. Never retried here — not on errors, not after a 401.

        ``on_sent`` is called once the request body has gone out (when the transport can tell).
        The answer is read as a light record, as the details hold one: the pydantic Account's
        schema, built on its first use, is not built inside a submit's wait for the details.
        """
        from ccm_tui.models.account_record import AccountRecord

        raw = await self._call(
            "POST", "/v1/accounts", json=req.wire_body(), retry=False, reauth=False, create=True,
            on_sent=on_sent,
        )
        return raw.model(AccountRecord)

    async def update_account(self, acct_id: str, req: AccountUpdateRequest) -> AccountRecord:
        # The answer is read like any account (the details and the table show it); a light
        # record, as the details hold one: its totals carried over stay one kind of record.
        from ccm_tui.models.account_record import AccountRecord

        raw = await self._call(
            "PATCH", f"/v1/accounts/{quote(acct_id, safe='')}", json=req.wire_body(), retry=False
        )
        return raw.model(AccountRecord)

    async def delete_account(self, acct_id: str) -> None:
        await self._call("DELETE", f"/v1/accounts/{quote(acct_id, safe='')}", retry=False)

    # ---------------------------------------------------------------- auth upkeep
    async def reauthenticate(self, *, since_generation: int | None = None) -> bool:
        """Get a fresh token: log in again with the remembered password, or ask the UI.

        Returns True when a new token is in place. Concurrent callers share one attempt.
        """
        if self._auth_owner is asyncio.current_task():
            return False  # called from inside a re-login (e.g. by the reauth callback)
        async with self._auth_lock:
            if since_generation is not None and self._generation != since_generation and self._token:
                return True  # someone else already renewed it
            self._auth_owner = asyncio.current_task()
            try:
                return await self._reauthenticate_locked()
            finally:
                self._auth_owner = None

    async def _reauthenticate_locked(self) -> bool:
        if self._creds is not None:
            email, secret = self._creds
            try:
                await self.login(email, secret)
                return True
            except AuthRequired:
                self._creds = None  # the password no longer works: ask the operator, if we can
        if self.reauth is not None:
            try:
                return bool(await self.reauth())
            except CcmError:
                return False
        return False

    async def ensure_fresh(self) -> None:
        """Refresh the token now if it expires within ``refresh_margin`` seconds."""
        await self._ensure_fresh()

    async def _ensure_fresh(self) -> None:
        expires = self.token_expires_at
        if self._token is None or expires is None:
            return
        if expires - self._clock() > self.refresh_margin:
            return
        if self._auth_owner is asyncio.current_task():
            return
        async with self._auth_lock:
            expires = self.token_expires_at
            if expires is None or expires - self._clock() > self.refresh_margin:
                return
            self._auth_owner = asyncio.current_task()
            try:
                await self._refresh_locked()
            finally:
                self._auth_owner = None

    async def _refresh_locked(self) -> None:
        try:
            await self.refresh()
            return
        except AuthRequired:
            pass
        except CcmError:
            return  # the request itself will report the network problem
        if self._creds is not None:
            email, secret = self._creds
            try:
                await self.login(email, secret)
            except CcmError:
                pass

    # ---------------------------------------------------------------- plumbing
    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        auth: AuthKind = "bearer",
        basic: tuple[str, Secret] | None = None,
        idempotent: bool | None = None,
        retry: bool = True,
        reauth: bool = True,
        refresh: bool = True,
        create: bool = False,
        on_sent: Callable[[], None] | None = None,
    ) -> _Raw:
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "OPTIONS")
        retry = retry and idempotent
        full_path = path + ("?" + urlencode(params) if params else "")
        if auth == "bearer" and refresh:
            await self._ensure_fresh()
        attempt = 0
        reauthed = False
        while True:
            attempt += 1
            generation = self._generation
            try:
                resp = await self._send_once(
                    method, path, full_path, params=params, json=json, auth=auth, basic=basic,
                    attempt=attempt, sent_may_matter=create or not idempotent, on_sent=on_sent,
                )
            except CcmError as exc:
                if retry and attempt < self.retry.attempts and _retryable(exc):
                    await self._sleep(self.retry.backoff(attempt))
                    continue
                raise
            if resp.is_success:
                return _Raw(resp, method, full_path, self.limits.max_json_depth)
            err = errmap.from_response(resp, method=method, path=full_path,
                                       scrub=self._scrub(json, basic))
            if resp.status_code == 401 and auth == "bearer" and reauth and not reauthed:
                reauthed = True
                if await self.reauthenticate(since_generation=generation):
                    attempt -= 1  # a re-login is not a retry
                    continue
                raise AuthRequired(
                    "session expired or token rejected: log in again"
                    + ("" if err.message in ("", "Unauthorized") else f" ({err.message})"),
                    status=401, method=method, path=full_path,
                )
            if retry and resp.status_code in _RETRY_STATUSES and attempt < self.retry.attempts:
                delay = err.retry_after
                if delay is not None and delay > self.retry.max_retry_after:
                    raise err
                if delay is None:
                    delay = self.retry.backoff(attempt)
                await self._sleep(delay)
                continue
            raise err

    def _scrub(self, body: Any = None, basic: tuple[str, Secret] | None = None) -> tuple[str, ...]:
        """What an error message must never show: the secrets of the request it answers
        (body members, a login's password and its Basic header), the session token and the
        remembered password."""
        out = errmap.request_secrets(body) if body is not None else []
        if basic is not None:
            password = basic[1].get_secret_value()
            out += [password, base64.b64encode(f"{basic[0]}:{password}".encode()).decode()]
        if self._token is not None:
            out.append(self._token.get_secret_value())
        if self._creds is not None:
            out.append(self._creds[1].get_secret_value())
        return tuple(s for s in out if len(s) >= 4)

    async def _send_once(
        self,
        method: str,
        path: str,
        full_path: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        auth: AuthKind,
        basic: tuple[str, Secret] | None,
        attempt: int,
        sent_may_matter: bool,
        on_sent: Callable[[], None] | None = None,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        http_auth: Any = None
        if auth == "bearer" and self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        elif auth == "basic" and basic is not None:
            http_auth = httpx.BasicAuth(basic[0], basic[1].get_secret_value())
        extensions: dict[str, Any] = {}
        if sent_may_matter:
            extensions[_NEVER_RETRIED] = True  # no idle connection that may be closing (_Pools)
        if on_sent is not None:

            async def trace(event: str, info: dict) -> None:
                if event.endswith("send_request_body.complete"):
                    on_sent()

            extensions["trace"] = trace
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        request: httpx.Request | None = None
        answer: httpx.Response | None = None
        deadline = self.timeouts.deadline
        scope = asyncio.timeout(deadline)
        try:
            async with scope:
                request = self._http.build_request(
                    method, path, params=params, json=json, headers=headers,
                    extensions=extensions or None,
                )
                resp = answer = await self._http.send(request, auth=http_auth, stream=True)
                status = resp.status_code
                try:
                    await self._read_body(resp, method, full_path)
                finally:
                    await resp.aclose()
            return resp
        except TimeoutError:
            if not scope.expired():
                raise
            timed_out = RequestTimeout(
                f"{self.host} did not finish answering {method} {path} within {deadline:g} s "
                "(request_deadline)"
                + (" — the request was sent and may have been processed" if sent_may_matter else ""),
                method=method, path=full_path,
            )
            timed_out.phase = "deadline"
            timed_out.maybe_sent = sent_may_matter
            error = f"{type(timed_out).__name__}: {timed_out.message}"
            raise timed_out from None
        except CcmError as exc:
            error = f"{type(exc).__name__}: {exc.message}"
            raise
        except httpx.HTTPError as exc:
            mapped = errmap.from_transport_error(
                exc, host=self.host, method=method, path=full_path, sent_may_matter=sent_may_matter
            )
            error = f"{type(mapped).__name__}: {mapped.message}"
            raise mapped from None
        except asyncio.CancelledError:
            error = "cancelled"
            raise
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            self._emit(self._record(
                method, full_path, status, elapsed_ms, error, auth=auth, json=json, basic=basic,
                attempt=attempt, request=request, answer=answer,
            ))

    def _record(
        self,
        method: str,
        full_path: str,
        status: int | None,
        elapsed_ms: float,
        error: str | None,
        *,
        auth: AuthKind,
        json: Any,
        basic: tuple[str, Secret] | None,
        attempt: int,
        request: httpx.Request | None,
        answer: httpx.Response | None,
    ) -> RequestRecord:
        """The log's record of one attempt, every secret masked now: the Basic and Bearer
        headers, the request's secret members, and whatever the answer holds (a login's
        ``access_token``, an echoed password)."""
        secrets = self._scrub(json, basic)
        sent = answer.request if answer is not None else request
        body, whole = request_body_text(json, secrets) if json is not None else (None, True)
        response_headers: tuple[tuple[str, str], ...] = ()
        response_body = None
        request_id = None
        if answer is not None:
            response_headers = masked_headers(answer.headers.multi_items(), secrets)
            request_id = request_id_of(answer.headers)
            content = getattr(answer, "_content", None)  # only when the body was read
            if isinstance(content, bytes):
                response_body = response_body_text(
                    content, answer.headers.get("content-type", ""), secrets)
        return RequestRecord(
            method=method,
            path=full_path,
            status=status,
            elapsed_ms=elapsed_ms,
            error=error,
            base_url=self.base_url,
            auth=auth if (auth != "bearer" or self._token is not None) else "none",
            sent_json=json is not None,
            attempt=attempt,
            request_id=request_id,
            request_headers=masked_headers(sent.headers.multi_items(), secrets) if sent else (),
            request_body=body,
            request_body_whole=whole,
            response_headers=response_headers,
            response_body=response_body,
        )

    async def _read_body(self, resp: httpx.Response, method: str, full_path: str) -> None:
        """Read the (decoded) body in chunks, at most ``max_response_bytes`` of it."""
        cap = self.limits.max_response_bytes
        declared = resp.headers.get("content-length", "")
        total = int(declared) if declared.isdigit() else 0
        chunks: list[bytes] = []
        if total <= cap:
            total = 0
            async for chunk in resp.aiter_bytes():
                total += len(chunk)
                if total > cap:
                    break
                chunks.append(chunk)
        if total > cap:
            raise ResponseTooLarge(
                f"the server sent an unreadable answer (larger than {_mib(cap)}, the "
                f"max_response_mb limit; reading stopped there) to {method} "
                f"{full_path.split('?')[0]}",
                status=resp.status_code, method=method, path=full_path,
            )
        # What Response.aread() would have stored; .content/.text/.json() read it from here.
        resp._content = b"".join(chunks)

    def _emit(self, record: RequestRecord) -> None:
        self.history.add(record)
        if log.isEnabledFor(logging.INFO):
            log.info("%s", record.log_line())
        if self.on_request is not None:
            try:
                self.on_request(record)
            except Exception:  # a broken log hook must never break a request
                log.debug("on_request hook failed", exc_info=False)

    # ---------------------------------------------------------------- members (issue 13)
    # All four act on the session's selected account (select_account first). Reads are
    # retried like every GET; the writes never are (an invitation is not idempotent, and a
    # change or removal after an unclear answer is for the caller to check by re-reading).

    async def list_users(
        self,
        *,
        all_search: str | None = None,
        limit: int = 100,
        offset: int = 0,
        sort_by: str | None = None,
    ) -> UserListResponse:
        """``GET /v1/users``: one page of the selected account's members."""
        params: dict[str, Any] = {"limit": int(limit), "offset": int(offset)}
        if all_search:
            params["all_search"] = all_search
        if sort_by:
            params["sort_by"] = sort_by
        raw = await self._call("GET", "/v1/users", params=params)
        return raw.model(UserListResponse)

    async def invite_user(
        self, req: InviteUserRequest, *, on_sent: Callable[[], None] | None = None
    ) -> User:
        """``POST /v1/users/invite``. Never retried, not even after a 401."""
        raw = await self._call(
            "POST", "/v1/users/invite", json=req.wire_body(), retry=False, reauth=False,
            create=True, on_sent=on_sent,
        )
        return raw.model(User)

    async def update_user(self, user_id: str, req: UpdateUserRequest) -> User:
        """``PATCH /v1/users/{user-id}`` (roles, membership status, names). Never retried."""
        raw = await self._call(
            "PATCH", f"/v1/users/{quote(user_id, safe='')}", json=req.wire_body(), retry=False
        )
        return raw.model(User)

    async def remove_user_from_account(self, user_id: str) -> None:
        """``DELETE /v1/users/{user-id}/accounts``: the user leaves the selected account (the
        user itself is not deleted). Never retried."""
        await self._call("DELETE", f"/v1/users/{quote(user_id, safe='')}/accounts", retry=False)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _retryable(exc: CcmError) -> bool:
    from ccm_tui.api.errors import ConnectionLost, NetworkError, RequestTimeout, TlsError

    if isinstance(exc, TlsError):
        return False
    if isinstance(exc, RequestTimeout):
        return exc.phase in ("connect", "pool")  # nothing was sent; a slow read is reported
    return isinstance(exc, (NetworkError, ConnectionLost))
