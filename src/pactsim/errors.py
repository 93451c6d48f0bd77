"""Errors that pactsim reports to users as clean messages, never as tracebacks."""

from __future__ import annotations


class PactsimError(Exception):
    """Base of every error the CLI turns into a one-paragraph message and exit code 1."""


class InputError(PactsimError):
    """Bad user input other than a scenario file: a CSV, a flag value, a store."""
