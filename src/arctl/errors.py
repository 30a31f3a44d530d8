"""The error hierarchy: every user error is an ArctlError that carries its exit code (CLI.md)."""

from __future__ import annotations


class ArctlError(Exception):
    """A command cannot give a trustworthy answer; the message says what, where and how to fix it."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(ArctlError):
    """A bad option or argument."""

    exit_code = 2


class ConfigError(ArctlError):
    """A bad arctl.yaml, plan or profile."""

    exit_code = 2


class InputError(ArctlError):
    """An export that cannot be read, or fails validation in strict mode."""

    exit_code = 3


class StateError(ArctlError):
    """The workspace state cannot be used (lock held, database newer than the program)."""

    exit_code = 4


class DeliveryError(ArctlError):
    """Some messages could not be delivered."""

    exit_code = 5


EXIT_OK = 0
EXIT_FOUND = 1
