"""One cog per feature; each reaches the core services through the bot."""
