"""Use-cases shared by the TUI and the headless CLI. No Textual imports here.

CONTRACT (screens and cli.py rely on these; keep the names):

service/session.py
    class Session:                      # one logged-in connection
        settings: ConnectionSettings; client: CcmClient; user: User | None
        session_info: SessionInfo | None; selected_account_id: str | None
        expires_at -> int | None        # session_token_expires_at
        async close()
    async open_session(settings, *, password=None, token=None, transport=None,
                       remember=False) -> Session     # raises CcmError
    async resume_session(settings, *, transport=None) -> Session | None   # from the 0600 token cache
    adopt_session(settings, login, *, password=None, ...) -> Session   # a login made by the
        # start-up helper: its client (and httpx's import) is made on first use or ready()

service/accounts.py
    @dataclass(frozen=True) AccountRow: acct_id, name, roles: tuple[str, ...],
        roles_text (e.g. "MANAGER WRITER READER"), console_roles (e.g. "Administrator, Editor, Viewer"),
        status, account_status, component, created_at: int | None, account: Account
        short_id -> str ; created_local -> str
    rows_from_accounts(accounts) -> list[AccountRow]
    filter_rows(rows, query) -> list[AccountRow]   # case-insensitive over name/id/roles/status
    sort_rows(rows, key, reverse=False) -> list[AccountRow]
    class Phase(StrEnum): VALIDATING CONNECTING SENDING WAITING RECONCILING DONE
    @dataclass CreateOutcome: state: Literal["created","not_created","unknown"],
        account: Account | None, error: CcmError | None, reconciled: bool, message: str
        field: str | None   # the request field the server named, if any
    async create_account(client, req: AccountRequest, *, on_phase=None) -> CreateOutcome
        # never retries the POST; after an ambiguous failure lists accounts and matches the name
    async reconcile_create(client, name) -> Account | None

service/members.py   members of the session's selected account (issue 13)
    select_account(client, acct_id) -> bool; load_members(client, *, search=None) -> MemberList
    MemberRow (name, email, roles, status, email_verified, last_login, is_me, ...),
    filter_rows / sort_rows / find_member / summary ("3 members, 1 invitation pending")
    check_action(rows, action, target, *, roles=None, confirmed_self=False) -> Refusal | None
        # before sending: MANAGER only, last active MANAGER, own MANAGER role needs confirmation
    async invite_member / set_roles / set_status / remove_member -> MemberOutcome
        state: created updated removed already_member forbidden last_manager
               needs_confirmation no_change not_found invalid failed unknown
        # never repeated; unclear answers resolved by re-reading the member list

service/listing.py   async account_pages(client, *, first_page_size=None) -> AsyncIterator[ListedPage]
    # the one paging loop of the table and `accounts list`: page.rows() / .accounts() / .json_lines()
    # / .fields() (the table's columns as plain values, with the page's body: what the helper sends)
                     async account_field_pages(client, *, first_page_size=None) -> AsyncIterator[FieldsPage]
    # the same pages with only the table's columns read (api/listcols): the console and the helper
service/prefetch.py  the start-up helper: forked before Textual's import, it logs in and
    reads the account list (open_session, account_field_pages) and sends them through a pipe;
    Prefetch.poll_login() / login() / pages() (FieldsPage: the same rows()); ListingLost
    when it dies mid-list
service/batch.py     async create_many(client, requests, *, concurrency=8) -> AsyncIterator[(index, CreateOutcome)]
service/drafts.py    (wizard drafts; non-secret fields only; 0600 file, 0700 dir)
service/redact.py    redact(obj) -> copy with secret values masked; re-exports ccm_tui/redaction.py (SECRET_KEYS: the one list)
"""
