"""Dunning: plans, the engine that decides which step is due, and the legal costs (pure)."""
