"""The public site: issues, archive, search, feed, its cache."""
