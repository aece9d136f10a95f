"""otbasy-bot: Family Support Centers of Kazakhstan in Telegram, in Kazakh and Russian."""
