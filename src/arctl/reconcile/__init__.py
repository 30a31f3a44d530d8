"""Matching bank payments to open invoices: pure functions from frames to matches."""
