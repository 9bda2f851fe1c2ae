"""This user's secret for signing build caches: random bytes in a file outside every site.

The key lives in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache) as
factsheet/cache-key. A cache is unpickled only when its signature is right for this key, so
a cache that came with a site (committed to a repository, copied from another machine) is
never loaded: unpickling runs code.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass

from generator.errors import Diagnostic
from generator.store.files import Unfit, read_regular, write_new

KEY_SIZE = 32
KEY_NAME = "cache-key"
_UNKNOWN_HOME = "~/.cache/factsheet/cache-key"


@dataclass(frozen=True, slots=True)
class CacheKey:
    """The key, or None when there is none to use, and what was wrong with it."""

    value: bytes | None
    notes: tuple[Diagnostic, ...] = ()


def key_folder() -> str | None:
    """The folder the key is kept in, or None when this user has no place for it."""
    chosen = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(chosen):  # the XDG rule: a relative path is ignored
        return os.path.join(chosen, "factsheet")
    home = os.environ.get("HOME", "")
    # Not expanduser: with no HOME and no account it gives "~", a folder in this one.
    home = home if os.path.isabs(home) else _account_home()
    return os.path.join(home, ".cache", "factsheet") if home else None


def _account_home() -> str:
    try:
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):  # no such module (Windows), or no account for this uid
        return ""
    return home if os.path.isabs(home) else ""


def cache_key(make: bool = False) -> CacheKey:
    """This user's key; with `make`, a new one when there is none or it is unfit (the unfit
    one is replaced, never written through)."""
    folder = key_folder()
    if folder is None:
        return CacheKey(None, (Diagnostic(
            _UNKNOWN_HOME, 1, 1, "no place for the cache key: neither XDG_CACHE_HOME nor HOME "
            "is set to a full path, and this user has no home folder; the build cache is "
            "neither read nor written", "warning"),))
    where = os.path.join(folder, KEY_NAME)
    try:
        key = bytes(read_regular(where, KEY_SIZE))
        unfit = "" if len(key) == KEY_SIZE else f"{len(key)} bytes long"
    except FileNotFoundError:
        key, unfit = b"", ""
    except Unfit as problem:
        key, unfit = b"", problem.what
    except OSError as exc:
        return CacheKey(None, (_cannot(where, f"cannot read the cache key ({exc.strerror})"),))
    if len(key) == KEY_SIZE:
        return CacheKey(key)
    if unfit == "a folder":  # not ours to remove
        return CacheKey(None, (Diagnostic(
            where, 1, 1, "the cache key is a folder, not a file; the build cache is neither "
            "read nor written until it is removed", "warning"),))
    # Said the same whether the key is read or made, so a build says it once.
    notes = (Diagnostic(where, 1, 1, f"the cache key is {unfit}, not a file of {KEY_SIZE} "
                        "bytes; caches signed with it are ignored, and a new key is made",
                        "note"),) if unfit else ()
    if not make:
        return CacheKey(None, notes)
    try:
        return CacheKey(_make(folder, replace=bool(unfit)), notes)
    except FileExistsError:  # another build made it meanwhile
        return cache_key()
    except OSError as exc:
        made = _cannot(where, f"cannot make the cache key ({exc.strerror})")
        return CacheKey(None, (*notes, made))


def _make(folder: str, replace: bool) -> bytes:
    """A new key, written beside its place and then moved there: a full disk leaves no key
    rather than an empty one. An unfit key is replaced; a good one made meanwhile is not."""
    os.makedirs(folder, exist_ok=True)
    key = secrets.token_bytes(KEY_SIZE)
    temporary = f".{KEY_NAME}.{secrets.token_hex(4)}"
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        write_new(temporary, (key,), descriptor, 0o600)
        try:
            if not replace:
                try:
                    os.link(temporary, KEY_NAME, src_dir_fd=descriptor, dst_dir_fd=descriptor,
                            follow_symlinks=False)
                    return key
                except FileExistsError:
                    raise
                except OSError:  # no hard links on this file system: a rename will do
                    pass
            os.replace(temporary, KEY_NAME, src_dir_fd=descriptor, dst_dir_fd=descriptor)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=descriptor)
    finally:
        os.close(descriptor)
    return key


def _cannot(where: str, what: str) -> Diagnostic:
    return Diagnostic(where, 1, 1, f"{what}; the build cache is neither read nor written",
                      "warning")
