"""Real-browser tests; their fixtures are in tests/browser/fixtures.py, a root plugin."""
