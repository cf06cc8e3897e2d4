"""Load and fault tests: concurrent editing, failures mid-transaction, a soak against gunicorn."""
