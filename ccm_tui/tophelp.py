"""``ccm-tui --help`` (the top-level help) without importing argparse.

Importing argparse costs about as much as starting the interpreter (it brings re, enum,
functools, collections and gettext): ``--help`` built by argparse took ~2.9x ``python -c
pass``. ``ccm_tui.entry`` answers a bare ``--help``/``-h`` from here instead, with the words
below and a copy of the layout argparse's ``HelpFormatter`` makes (usage wrapping, the help
column, ``textwrap``'s line breaking). Only ``os`` and ``sys``.

The words are shared: ``cli/main.py`` builds its parser from these help lines, and
``tests/packaging/test_light_imports.py`` compares :func:`render` with argparse's help of the
whole parser at every width from 1 to 200 columns, so the two cannot drift apart.
"""

import os
import sys

PROG = "ccm-tui"
DESCRIPTION = ("A keyboard-driven console for Fortanix Confidential Computing Manager "
               "accounts. Without a subcommand it starts the terminal UI.")
EPILOG = "Exit codes: 0 success, 1 server/network/auth failure, 2 invalid input or usage."

#: The subcommands' help lines (the words of ``cli/members.py`` for ``members``).
EMULATOR_HELP = "run the CCM emulator standalone (loopback)"
ACCOUNTS_HELP = "list, show, create, update and delete accounts (headless)"
MEMBERS_HELP = "list, invite, change and remove the members of an account (headless)"
CONFIG_HELP = "configuration file"
COMPLETION_HELP = "print a shell completion script (bash, zsh, fish)"

#: Top-level options' help lines (``cli/main.py`` adds the options with these).
DEMO_HELP = "start the UI on the embedded emulator (loopback, demo login)"
NO_MOUSE_HELP = "do not capture the mouse"
THEME_HELP = "UI theme, e.g. ansi-dark, ansi-light, textual-dark"
VERBOSE_HELP = ("print one line per request to stderr: METHOD path status duration "
                "[request-id] (no secrets; stdout is unchanged)")
SERVER_HELP = "CCM base URL (env CCM_URL), e.g. https://ccm.fortanix.com"
EMAIL_HELP = ("login email (env CCM_EMAIL); the password comes from CCM_PASSWORD or a no-echo "
              "prompt, never from a flag")
TOKEN_STDIN_HELP = ("read a bearer token (for SSO users) from standard input, or a no-echo "
                    "prompt on a terminal; CCM_TOKEN works too")
TOKEN_FILE_HELP = "read the bearer token from PATH, which only you may read (chmod 600)"
CA_BUNDLE_HELP = "CA bundle file to verify the server's certificate"
PROFILE_HELP = "a profile from config.toml (see `ccm-tui config path`)"
INSECURE_HELP = ("allow http:// to a non-loopback host and skip TLS verification "
                 "(DANGEROUS: credentials can be read or changed in transit)")

#: The usage line's parts, in the parser's order of actions (``-v`` comes after the
#: connection group; ``--token`` is hidden).
_USAGE_OPTIONS = ("[-h]", "[--version]", "[--demo]", "[--no-mouse]", "[--theme NAME]",
                  "[--server URL]", "[--email EMAIL]", "[--token-stdin]", "[--token-file PATH]",
                  "[--ca-bundle PEM]", "[--profile NAME]", "[--insecure]", "[-v]")
_USAGE_POSITIONALS = ("COMMAND", "...")

#: (heading, [(invocation, help or None, [(subcommand, help), ...])]) in argparse's order.
_SECTIONS = (
    ("positional arguments", (
        ("COMMAND", None, (("emulator", EMULATOR_HELP), ("accounts", ACCOUNTS_HELP),
                           ("members", MEMBERS_HELP), ("config", CONFIG_HELP),
                           ("completion", COMPLETION_HELP))),
    )),
    ("options", (
        ("-h, --help", "show this help message and exit", ()),
        ("--version", "show program's version number and exit", ()),
        ("--demo", DEMO_HELP, ()),
        ("--no-mouse", NO_MOUSE_HELP, ()),
        ("--theme NAME", THEME_HELP, ()),
        ("-v, --verbose", VERBOSE_HELP, ()),
    )),
    ("connection", (
        ("--server URL", SERVER_HELP, ()),
        ("--email EMAIL", EMAIL_HELP, ()),
        ("--token-stdin", TOKEN_STDIN_HELP, ()),
        ("--token-file PATH", TOKEN_FILE_HELP, ()),
        ("--ca-bundle PEM", CA_BUNDLE_HELP, ()),
        ("--profile NAME", PROFILE_HELP, ()),
        ("--insecure", INSECURE_HELP, ()),
    )),
)


def help_width() -> int:
    """The width argparse formats to: COLUMNS, then the terminal, then 80 (as
    ``shutil.get_terminal_size``), minus 2 (as ``argparse.HelpFormatter``)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            stdout = sys.__stdout__
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


# ---- textwrap.wrap (width, break_on_hyphens, break_long_words), for the texts above -------
_WS = "\t\n\x0b\x0c\r "


def _letter(text: str, i: int) -> bool:  # textwrap's [^\d\W]
    return 0 <= i < len(text) and (text[i].isalpha() or text[i] == "_")


def _chunks(text: str) -> list[str]:
    """textwrap's ``wordsep_re`` split: runs of whitespace, and words cut after a hyphen
    between letters ("keyboard-" "driven"). Texts with "--" (its em-dash rules) are not
    handled: :func:`render` is only used for the words above, which have none."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        if text[i] in _WS:
            while j < n and text[j] in _WS:
                j += 1
        else:
            j = i + 1
            while True:
                e = j - 1  # the last character taken; a hyphen there may end the chunk
                if (text[e] == "-" and (
                        (_letter(text, e - 2) and _letter(text, e - 1))
                        or (_letter(text, e - 3) and text[e - 2] == "-" and _letter(text, e - 1)))
                        and _letter(text, e + 1)
                        and (_letter(text, e + 2)
                             or (e + 2 < n and text[e + 2] == "-" and _letter(text, e + 3)))):
                    break
                if j == n or text[j] in _WS:
                    break
                j += 1
        out.append(text[i:j])
        i = j
    return out


def _wrap(text: str, width: int) -> list[str]:
    chunks = _chunks(text)
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        line: list[str] = []
        size = 0
        if chunks[-1].strip() == "" and lines:
            del chunks[-1]
        while chunks and size + len(chunks[-1]) <= width:
            size += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > width:  # a word longer than the line: cut it
            space_left = 1 if width < 1 else width - size
            chunk = chunks[-1]
            end = space_left
            if len(chunk) > space_left:
                hyphen = chunk.rfind("-", 0, space_left)
                if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
                    end = hyphen + 1
            line.append(chunk[:end])
            chunks[-1] = chunk[end:]
        if line and line[-1].strip() == "":
            del line[-1]
        if line:
            lines.append("".join(line))
    return lines


def _squash(text: str) -> str:
    return " ".join(text.split())


# ---- argparse.HelpFormatter's layout ------------------------------------------------------
def _usage(width: int) -> str:
    prefix = "usage: "
    usage = " ".join((PROG, *_USAGE_OPTIONS, *_USAGE_POSITIONALS))
    if len(prefix) + len(usage) <= width:
        return prefix + usage

    def get_lines(parts, indent, first=None):
        lines: list[str] = []
        line: list[str] = []
        size = len(first if first is not None else indent) - 1
        for part in parts:
            if size + 1 + len(part) > width and line:
                lines.append(indent + " ".join(line))
                line = []
                size = len(indent) - 1
            line.append(part)
            size += len(part) + 1
        if line:
            lines.append(indent + " ".join(line))
        if first is not None:
            lines[0] = lines[0][len(indent):]
        return lines

    if len(prefix) + len(PROG) <= 0.75 * width:
        indent = " " * (len(prefix) + len(PROG) + 1)
        lines = get_lines([PROG, *_USAGE_OPTIONS], indent, prefix)
        lines.extend(get_lines(_USAGE_POSITIONALS, indent))
    else:
        indent = " " * len(prefix)
        lines = get_lines([*_USAGE_OPTIONS, *_USAGE_POSITIONALS], indent)
        if len(lines) > 1:
            lines = [*get_lines(_USAGE_OPTIONS, indent), *get_lines(_USAGE_POSITIONALS, indent)]
        lines = [PROG, *lines]
    return prefix + "\n".join(lines)


def _text(text: str, width: int) -> str:
    return "\n".join(_wrap(_squash(text), max(width, 11)))


def render(width: int) -> str:
    """The top-level help, as argparse formats it ``width`` columns wide."""
    max_help = min(24, max(width - 20, 4))
    longest = 0
    for _heading, items in _SECTIONS:
        for invocation, _help, subs in items:
            # argparse measures the subcommands at their parent's indent, not their own
            longest = max(longest, len(invocation) + 2, *(len(name) + 2 for name, _ in subs))
    help_position = min(longest + 2, max_help)
    help_width = max(width - help_position, 11)

    def action(invocation: str, text: str | None, indent: int) -> str:
        action_width = help_position - indent - 2
        if not text:
            return " " * indent + invocation + "\n"
        if len(invocation) <= action_width:
            out = " " * indent + invocation.ljust(action_width) + "  "
            first = 0
        else:
            out = " " * indent + invocation + "\n"
            first = help_position
        lines = _wrap(_squash(text), help_width)
        out += " " * first + lines[0] + "\n"
        return out + "".join(" " * help_position + line + "\n" for line in lines[1:])

    parts = [_usage(width), _text(DESCRIPTION, width)]
    for heading, items in _SECTIONS:
        body = "".join(action(inv, text, 2)
                       + "".join(action(name, sub_help, 4) for name, sub_help in subs)
                       for inv, text, subs in items)
        parts.append(heading + ":\n" + body.rstrip("\n"))
    parts.append(_text(EPILOG, width))
    return "\n\n".join(parts) + "\n"


def print_help() -> int:
    """What ``ccm-tui --help`` prints; the exit status (0) as argparse's help action. Output
    piped into a reader that closed early (``| head``) is no error, as in ``cli.main``."""
    try:
        sys.stdout.write(render(help_width()))
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more to flush there
        except OSError:
            pass
    return 0
