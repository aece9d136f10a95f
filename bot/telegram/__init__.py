"""Talking to Telegram: middlewares, retries, the outbox, the chat log, the command lists."""
