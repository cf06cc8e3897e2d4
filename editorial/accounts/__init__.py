"""Signing in and out, throttling, the session endpoints."""
