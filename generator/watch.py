"""Watching the site's files for the dev server: one rebuild per burst of saves.

python-livereload's own watcher polls every 0.8 s and runs a task per changed path, so a
burst of saves (an editor writing twice, or deleting then renaming) means a burst of
builds; and its `poll_tasks` drops any change made within 3 s of the last reload, so a
quick second save would never reach the browser. `SiteWatcher` keeps livereload's Watcher
interface but polls by itself, waits until the files have been quiet for a moment, and
then runs its task once with every path that changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

QUIET_SECONDS = 0.2  # a burst of saves has settled once nothing changed for this long
MIN_POLL_SECONDS = 0.1


class SiteWatcher(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """Polls the watched paths; runs each task once a burst of changes has settled."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[str, tuple[int, int, int]] = {}
        self._changed: set[str] = set()
        self._settled_at = 0.0
        self._interval = MIN_POLL_SECONDS

    def start(self, callback: Callable[[], None]) -> bool:
        """Start polling on the running loop; True tells livereload not to poll as well."""
        self._seen = self._snapshot()
        IOLoop.current().call_later(self._interval, self._poll)
        return True

    def _poll(self) -> None:
        try:
            self._examine_once()
        finally:
            IOLoop.current().call_later(self._interval, self._poll)

    def _examine_once(self) -> None:
        started = time.monotonic()
        now = self._snapshot()
        # A big site costs more to scan; never spend more than a fifth of the time on it.
        self._interval = max(MIN_POLL_SECONDS, 5 * (time.monotonic() - started))
        if now != self._seen:
            self._changed |= {p for p in now.keys() | self._seen.keys()
                              if now.get(p) != self._seen.get(p)}
            self._seen = now
            self._settled_at = time.monotonic() + QUIET_SECONDS
        elif self._changed and time.monotonic() >= self._settled_at:
            changed, self._changed = sorted(self._changed), set()
            self.filepath = changed[0]
            # One build per burst, however many watched paths share the task.
            for task in dict.fromkeys(t["func"] for t in self._tasks.values()):
                task(changed)

    def _snapshot(self) -> dict[str, tuple[int, int, int]]:
        """Path -> (mtime, size, inode) of every watched file; a rename changes the inode."""
        found: dict[str, tuple[int, int, int]] = {}
        for root in sorted(self._tasks):
            for path in _files_under(root):
                try:
                    st = os.stat(path)
                except OSError:  # deleted while we looked: the next poll sees it gone
                    continue
                found[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
        return found


def _files_under(root: str) -> Iterable[str]:
    if not os.path.isdir(root):
        yield from [root] if os.path.isfile(root) else []
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not _ignored(d)]
        yield from (os.path.join(folder, f) for f in files if not _ignored(f))


def _ignored(name: str) -> bool:
    # Editors' swap and backup files are not content (the loader skips them too).
    return name.startswith(".") or name.endswith("~")
