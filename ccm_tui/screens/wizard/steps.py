"""The wizard's steps: their numbers, the ids of their panes and the field each focuses first."""

from __future__ import annotations

PANE_IDS = ("step-basics", "step-logo", "step-auth", "step-tls", "step-review", "step-submit")
BASICS, LOGO, AUTH, TLS, REVIEW, SUBMIT = range(6)
FOCUS_FIRST = {BASICS: "#name", LOGO: "#logo-path"}
