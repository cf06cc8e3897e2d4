"""Real-browser tests; their fixtures are in tests/support/browser.py, a root plugin."""
