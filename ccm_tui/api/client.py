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
    await client.list_accounts(*, page_size=100, scope=None, sort_by=None) -> list[Account]
    client.iter_account_pages(...) -> AsyncIterator[list[Account]]
    await client.get_account(acct_id, *, with_totals=False) -> Account
    await client.create_account(req: AccountRequest) -> Account   # NEVER retried
    await client.update_account(acct_id, req: AccountUpdateRequest) -> Account
    await client.delete_account(acct_id) -> None
    await client.current_user() -> User
    await client.user_accounts(user_id) -> dict[str, UserAccountInfo]
    await client.aclose()
    client.session_info: SessionInfo | None ; client.token_expires_at: int | None
    client.base_url: str ; client.is_authenticated: bool

Errors: everything raised is a ccm_tui.api.errors.CcmError subclass.
"""
