"""The center directory: centers and their places, hours, search, cards."""
