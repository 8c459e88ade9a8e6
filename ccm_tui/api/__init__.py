"""Async CCM client over one long-lived httpx.AsyncClient, and its typed errors."""
