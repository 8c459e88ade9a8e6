"""ccm-tui: a keyboard-driven terminal console for Fortanix CCM accounts.

Importing this package must stay cheap: no textual, httpx or pydantic here.
"""

__version__ = "0.1.0"
