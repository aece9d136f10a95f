"""Staff run their center's course groups from Telegram (/groups)."""
