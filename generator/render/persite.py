"""What a build works out once for the Site it renders: a build, or a forked worker,
renders one Site at a time (a multilingual site's languages one after another)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from generator.link.link import Site

T = TypeVar("T")


def per_site(make: Callable[[Site], T]) -> Callable[[Site], T]:
    """`make`, run once for the Site it was last asked about and kept until another is."""
    last: list[tuple[Site, T]] = []

    @functools.wraps(make)
    def once(site: Site) -> T:
        if not last or last[0][0] is not site:
            last[:] = [(site, make(site))]
        return last[0][1]
    return once
