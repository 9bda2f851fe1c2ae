"""A clean build's output: a whole new folder, made beside the old one and swapped in."""

from __future__ import annotations

from pathlib import Path

from generator.errors import BuildFailed, Diagnostic
from generator.render.batch import CheckedSite, Progress, write_site
from generator.store.cache import BuildCache, digest, forget_cache, page_entry
from generator.write.indexing import index_whole
from generator.write.lock import hold_interrupts
from generator.write.paths import output_files
from generator.write.staging import Staging
from generator.write.survey import as_left


def write_output(checked: CheckedSite, site_dir: Path, out_dir: Path, fresh: BuildCache,
                 jobs: int, progress: Progress | None) -> tuple[int, int, list[Diagnostic]]:
    """A whole new output folder, swapped in for the old one; the pages made, the files
    written, and warnings about what is left beside it."""
    errors: list[Diagnostic] = []
    digests: dict[str, bytes] = {}
    with Staging(out_dir) as staging:
        def write(rel: str, content: bytes) -> bytes:
            staging.write(rel, content)
            return digest(content)

        for count, written in enumerate(write_site(checked, site_dir, write, jobs), 1):
            if isinstance(written, Diagnostic):
                errors.append(written)
            else:
                digests[written.path] = written.digest
                fresh.pages[written.path] = page_entry(written.depends_on, written.templates)
            if progress:
                progress(count, len(checked.pages))
        if errors:
            raise BuildFailed([*errors, *checked.warnings])
        for static in checked.static:
            staging.copy(static.dest, static.source)
            digests[static.dest] = digest((staging.dir / static.dest).read_bytes())
        fresh.search = index_whole(staging, checked.record_pages(), digests, jobs,
                                   checked.warnings)
        # The old cache describes the old output: a build stopped after the swap must not
        # leave it to be trusted.
        hold_interrupts(out_dir)
        forget_cache(site_dir)
        staging.commit()
    fresh.outputs = {rel: as_left(digests[rel], status)
                     for rel, status in output_files(out_dir) if rel in digests}
    return len(checked.pages), len(digests), staging.notes
