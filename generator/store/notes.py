"""What the store says when it cannot be used: said the same by loading and saving, so a
build says each once."""

from __future__ import annotations

import sqlite3

from generator.errors import Diagnostic
from generator.store.files import Unfit

CACHE_DIR = ".cache/factsheet"
CACHE_FILE = f"{CACHE_DIR}/store.sqlite"


def unusable_folder(unfit: Unfit) -> Diagnostic:
    return Diagnostic(unfit.folder, 1, 1, f"the build cache folder is {unfit.what}, not a "
                      "folder; the cache is neither read nor written until it is removed",
                      "warning")


def unusable_file(where: str) -> Diagnostic:
    return Diagnostic(where, 1, 1, "the build cache is a folder, not a file; the cache is "
                      "neither read nor written until it is removed", "warning")


def cannot_write(where: str, exc: OSError | sqlite3.Error) -> Diagnostic:
    return Diagnostic(where, 1, 1, f"cannot write the build cache ({reason(exc)}); "
                      "the next build cannot reuse this one's work", "warning")


def note(where: str, message: str) -> Diagnostic:
    return Diagnostic(where, 1, 1, message, "note")


def foreign() -> Diagnostic:
    return note(CACHE_FILE, "the build cache was not written by this user's factsheet, or "
                 "is damaged; ignoring it and building everything")


def cannot_read(exc: OSError | sqlite3.Error) -> Diagnostic:
    return note(CACHE_FILE, f"cannot read the build cache ({reason(exc)}); building "
                 "everything")


def at(unfit: Unfit) -> str:
    return f"{CACHE_DIR}/{unfit.name}" if unfit.name else CACHE_FILE


def reason(exc: OSError | sqlite3.Error) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def unfit(found: Unfit) -> Diagnostic:
    """What a build says of what it found at a store's name (or its folders')."""
    if found.folder or found.what == "a folder":  # what a build cannot replace
        return unusable_folder(found) if found.folder else unusable_file(at(found))
    return note(at(found), f"the build cache is {found.what}; ignoring it and building "
                "everything")


def other_version() -> Diagnostic:
    return note(CACHE_FILE, "the build cache is from another version of factsheet; building "
                "everything")
