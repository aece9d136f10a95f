"""The playground: the real bot against the local Bot API server, used from a web page that behaves like a
Telegram chat; no bot token, no Telegram account, no network."""
