"""Collected links, and everything that fetches a page: inbox, summary drafts, link checks."""
