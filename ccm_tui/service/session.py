"""Log in, resume a remembered session, log out. Shared by the TUI and the headless CLI.

The remembered token is read, written and deleted in a thread (``asyncio.to_thread``): the
OS keyring (D-Bus, Keychain) or the 0600 file (write + fsync) can take a long time, and the
console's event loop must keep handling keys meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ccm_tui.api.errors import AuthRequired, CcmError
from ccm_tui.api.policy import Limits, RetryPolicy, Timeouts
from ccm_tui.models.session import SessionInfo, User
from ccm_tui.secret import SecretLike
from ccm_tui.service import token_store

if TYPE_CHECKING:
    from ccm_tui.api.client import CcmClient  # httpx: imported when a client is made
    from ccm_tui.config import ConnectionSettings


def make_client(
    settings: ConnectionSettings,
    *,
    transport: Any = None,
    token: str | SecretLike | None = None,
    **extra: Any,
) -> CcmClient:
    """A CcmClient configured from connection settings (CA bundle, timeouts and bounds,
    insecure)."""
    from ccm_tui.api.client import CcmClient

    verify: Any = True
    if settings.ca_bundle:
        verify = settings.ca_bundle
    elif settings.insecure:
        verify = False  # the operator asked for insecure mode explicitly (header warns)
    return CcmClient(
        settings.url,
        transport=transport,
        verify=verify,
        timeouts=Timeouts(connect=settings.connect_timeout, read=settings.read_timeout,
                          deadline=settings.request_deadline),
        retry=extra.pop("retry", RetryPolicy()),
        limits=extra.pop("limits", None) or Limits(
            max_list_items=settings.max_list_items,
            max_response_bytes=settings.max_response_mb * 1024 * 1024,
        ),
        token=token,
        insecure=settings.insecure,
        **extra,
    )


class Session:
    """One logged-in connection.

    A session whose login another process made (the start-up helper, ``service/prefetch``)
    is built with ``client=None`` and a ``make_client`` that continues that login: its
    client — and the HTTP stack's import — is made on first use of ``client`` (or by
    :meth:`ready`, which imports the stack in a thread), not before the first rows."""

    def __init__(
        self,
        settings: ConnectionSettings,
        client: CcmClient | None,
        user: User | None,
        *,
        remember: bool = False,
        email: str | None = None,
        make_client: Callable[[], CcmClient] | None = None,
        session_info: SessionInfo | None = None,
    ) -> None:
        if client is None and make_client is None:
            raise ValueError("a session needs a client or a way to make one")
        self.settings = settings
        self._client = client
        self._make_client = make_client
        self._pending_info = session_info  # until the client is made
        self.user = user
        self.remember = remember
        self.email = email or settings.email or (user.user_email if user else None)
        #: Set when "remember" was asked: which store keeps the token, or why none does.
        self.token_store_note: str | None = None

    @property
    def client(self) -> CcmClient:
        if self._client is None:
            assert self._make_client is not None
            self._client, self._make_client = self._make_client(), None
            self._pending_info = None
        return self._client

    @property
    def has_client(self) -> bool:
        """False while the client of a login made elsewhere is still to be made."""
        return self._client is not None

    async def ready(self) -> None:
        """Make the client now if it is still to be made, its imports in a thread (the
        event loop keeps painting and reading keys meanwhile)."""
        if self._client is None:
            await asyncio.to_thread(_import_client)
            self.client  # noqa: B018 - made here, on the loop

    @property
    def session_info(self) -> SessionInfo | None:
        return self._client.session_info if self._client is not None else self._pending_info

    @property
    def selected_account_id(self) -> str | None:
        info = self.session_info
        return info.selected_account_id if info else None

    @property
    def expires_at(self) -> int | None:
        info = self.session_info
        return info.session_token_expires_at if info else None

    def save_token(self) -> str | None:
        """Remember the current token (never the password): the OS keyring or the 0600 file
        (``token_store``). Returns where it went; raises token_store.KeyringUnavailable or
        OSError when it could not be kept."""
        token = self.client.access_token
        if token is None:
            return None
        info = self.client.session_info
        return token_store.save_token(
            self.settings.url,
            self.email,
            token,
            expires_at=info.session_token_expires_at if info else None,
            session_expires_at=info.session_expires_at if info else None,
            subject_id=info.subject_id if info else None,
            selected_account_id=info.selected_account_id if info else None,
        )

    async def logout(self) -> None:
        """End the session on the server, forget the cached token, close the connection."""
        await asyncio.to_thread(token_store.delete_token, self.settings.url, self.email)
        try:
            await self.client.terminate()
        except CcmError:
            pass
        finally:
            await self.client.aclose()

    async def close(self) -> None:
        """Close the connection; keep the server session (and refresh the cached expiry)."""
        if self._client is None:  # never made: no connection was opened by this process
            return
        if self.remember and self.client.is_authenticated:
            try:
                await asyncio.to_thread(self.save_token)
            except (OSError, token_store.KeyringUnavailable):
                pass
        await self.client.aclose()


async def open_session(
    settings: ConnectionSettings,
    *,
    password: str | SecretLike | None = None,
    token: str | SecretLike | None = None,
    transport: Any = None,
    remember: bool = False,
    on_request: Callable[..., None] | None = None,
    reauth: Callable[[], Awaitable[bool]] | None = None,
    **client_kwargs: Any,
) -> Session:
    """Log in with a password (Basic) or a pasted token. Raises CcmError on failure."""
    if not password and not token:
        raise AuthRequired("a password or a token is needed to log in")
    if password and not token and not settings.email:
        raise AuthRequired("email: a login email is needed to log in with a password")
    client = make_client(
        settings, transport=transport, on_request=on_request, reauth=reauth, **client_kwargs
    )
    try:
        if token:
            user = await client.login_with_token(token)
        else:
            await client.login(settings.email or "", password or "")
            user = await client.current_user()
    except BaseException:
        await client.aclose()
        raise
    session = Session(settings, client, user, remember=remember)
    if remember:
        await asyncio.to_thread(_remember, session)
    return session


def _remember(session: Session) -> None:
    """Keep the session's token (blocking: keyring or file write; run in a thread)."""
    try:
        where = session.save_token()
        session.token_store_note = token_store.announce_once(where)
    except (OSError, token_store.KeyringUnavailable) as exc:
        # Logged in all the same; say why it will not be remembered.
        session.remember = False
        session.token_store_note = f"The session could not be remembered: {exc}"


async def resume_session(
    settings: ConnectionSettings,
    *,
    transport: Any = None,
    on_request: Callable[..., None] | None = None,
    reauth: Callable[[], Awaitable[bool]] | None = None,
    **client_kwargs: Any,
) -> Session | None:
    """A session from the remembered token, or None when there is none or it is no longer
    accepted (the stale entry is then deleted). Network problems raise CcmError."""
    entry = await asyncio.to_thread(token_store.load_token, settings.url, settings.email)
    if entry is None:
        return None
    client = make_client(
        settings, transport=transport, on_request=on_request, reauth=reauth, **client_kwargs
    )
    cached_info = SessionInfo(
        subject_id=entry.subject_id,
        session_token_expires_at=entry.expires_at,
        session_expires_at=entry.session_expires_at,
        selected_account_id=entry.selected_account_id,
    )
    try:
        user = await client.login_with_token(entry.token, session_info=cached_info)
    except AuthRequired:
        await client.aclose()
        await asyncio.to_thread(token_store.delete_token, settings.url, entry.email)
        return None
    except BaseException:
        await client.aclose()
        raise
    return Session(settings, client, user, remember=True, email=entry.email)


def _import_client() -> None:
    import ccm_tui.api.client  # noqa: F401 - the HTTP stack, imported off the event loop


def adopt_session(
    settings: ConnectionSettings,
    login: dict[str, Any],
    *,
    password: str | SecretLike | None = None,
    transport: Any = None,
    on_request: Callable[..., None] | None = None,
    reauth: Callable[[], Awaitable[bool]] | None = None,
    records: Callable[[Callable[[Any], None]], None] | None = None,
) -> Session:
    """The session of a login made by the start-up helper (service/prefetch: ``login`` is
    its token, session info, user and cookies). Its client is made on first use; it then
    logs the helper's requests (``records(sink)`` hands them over) and, with the password,
    can log in again when the token is refused, as a client that logged in itself would."""

    def make() -> CcmClient:
        client = make_client(settings, transport=transport, on_request=on_request, reauth=reauth)
        client.take_over(login["token"], session_info=login.get("session_info"),
                         user=login.get("user"), email=settings.email, password=password,
                         cookies=login.get("cookies") or ())
        if records is not None:
            records(client.replay)
        return client

    return Session(settings, None, login.get("user"), make_client=make,
                   session_info=login.get("session_info"))
