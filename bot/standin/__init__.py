"""The local Discord stand-in: a fake Discord the real bot logs into."""
