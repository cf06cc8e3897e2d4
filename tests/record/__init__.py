"""The editorial record holds through every door: one test per case that once broke it."""
