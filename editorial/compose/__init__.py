"""The editors' and reviewers' screens: dashboard, composer, review."""
