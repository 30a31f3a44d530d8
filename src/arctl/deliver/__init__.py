"""Delivery: documents into the outbox (SMTP arrives with the letters release)."""
