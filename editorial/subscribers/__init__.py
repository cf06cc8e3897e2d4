"""The subscribers door: readers ask for the digest by mail, confirm, and unsubscribe."""
