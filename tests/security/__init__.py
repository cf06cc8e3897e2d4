"""Security checks: XSS through every editable field, CSRF, throttling, production settings."""
