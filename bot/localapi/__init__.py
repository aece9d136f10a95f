"""The project's own local Bot API server and the simulated people who talk to the bot through it."""
