"""Reusable widgets of the console (UI only; no HTTP)."""
