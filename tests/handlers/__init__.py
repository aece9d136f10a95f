"""handlers tests."""
