"""Watching the site's files for the dev server: one rebuild per burst of saves.

python-livereload's own watcher polls every 0.8 s and runs a task per changed path, so a
burst of saves (an editor writing twice, or deleting then renaming) means a burst of
builds; and its `poll_tasks` drops any change made within 3 s of the last reload, so a
quick second save would never reach the browser. Polling also costs more the bigger the
site. `SiteWatcher` keeps livereload's Watcher interface but is told of changes by the
operating system (inotify and the like, through watchfiles), waits until the files have
been quiet for a moment, and then runs its task once with every path that changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import watchfiles
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback

QUIET_MS = 100  # a burst of saves has settled once nothing changed for this long
LONGEST_BURST_MS = 1000  # changes still coming after this long are handed over anyway
LOOK_FOR_NEW_FOLDERS_MS = 500  # templates/ or static/ made while serving


class SiteWatcher(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """Runs each task once a burst of changes to the watched paths has settled."""

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._watching: list[str] = []
        self._thread: threading.Thread | None = None

    def start(self, callback: Callable[[], None] | None) -> bool:
        """Start watching, if not yet started; True tells livereload not to poll as well."""
        if self._thread is None:
            self._restart()
            PeriodicCallback(self._look_for_new_folders, LOOK_FOR_NEW_FOLDERS_MS).start()
        return True

    def stop(self) -> None:
        """Stop the watching thread (it ends within QUIET_MS)."""
        self._stop.set()

    def _existing(self) -> list[str]:
        return [p for p in sorted(self._tasks) if os.path.exists(p)]

    def _restart(self) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.join()
        self._stop = threading.Event()
        self._watching = self._existing()
        self._thread = threading.Thread(target=self._watch, daemon=True,
                                        args=(IOLoop.current(), self._watching, self._stop))
        self._thread.start()

    def _look_for_new_folders(self) -> None:
        if self._existing() != self._watching:  # e.g. a first template: watch it, rebuild
            gone_or_new = sorted(set(self._existing()) ^ set(self._watching))
            self._restart()
            self._fire(gone_or_new)

    def _watch(self, loop: IOLoop, paths: list[str], stop: threading.Event) -> None:
        if not paths:
            return
        for changes in watchfiles.watch(*paths, watch_filter=_wanted, step=QUIET_MS,
                                        debounce=LONGEST_BURST_MS, stop_event=stop,
                                        raise_interrupt=False):
            loop.add_callback(self._fire, sorted({path for _, path in changes}))

    def _fire(self, changed: list[str]) -> None:
        self.filepath = changed[0]
        # One build per burst, however many watched paths share the task.
        for task in dict.fromkeys(t["func"] for t in self._tasks.values()):
            task(changed)


def _wanted(change: watchfiles.Change, path: str) -> bool:
    # Editors' swap and backup files are not content (the loader skips them too).
    name = os.path.basename(path)
    return not (name.startswith(".") or name.endswith("~"))
