"""Middleware for every request: language, malformed requests, who may keep a response."""
