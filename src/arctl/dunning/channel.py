"""How a dunning document actually goes: the plan's channel, the customer's address and preference."""

from __future__ import annotations


def actual_channel(channel: str, fallback: str | None, has_email: bool, preferred: str | None = None) -> str:
    """A statement by e-mail where there is an address, else by its fallback or by letter; an e-mail without
    an address by the fallback, else a person must act ("person"). A customer who prefers letters gets
    letters for e-mails and statements; one who prefers e-mail gets plain letters by e-mail (never a
    registered letter)."""
    if preferred == "letter" and channel in ("email", "statement"):
        return "letter"
    if preferred == "email" and channel == "letter" and has_email:
        return "email"
    if channel == "statement":
        return "email" if has_email else (fallback or "letter")
    if channel == "email" and not has_email:
        return fallback or "person"
    return channel
