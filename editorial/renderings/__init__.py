"""Renderings of an issue for the channels beyond the site: made from the issue's data
(editorial.canonical.data.IssueData), never from another rendering, each under the plain-text
rule (every character as stored, escaped for its medium). The record keeps what a revision was
published with, so these live beside it rather than in a door."""
