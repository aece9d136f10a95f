"""Persistence: the SQLite database, its migrations and the repositories that hold all SQL."""
