"""Rules of the domain, free of Telegram: tests call them directly."""
