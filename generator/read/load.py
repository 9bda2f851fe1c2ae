"""Find and read the site's input files: content/**/*.yaml and static/ (the only reader)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Diagnostic, did_you_mean
from generator.read.rawfile import Refused, is_folder, list_folder, read_bounded
from generator.read.yamlsrc import MAX_BYTES, Document, parse_yaml, too_big
from generator.urls import RESERVED_SLUGS, SLUG, WINDOWS_DEVICES, suggest_slug

CONTENT_DIR = "content"
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
RECORD_SUFFIX = ".yaml"
_SLUG = re.compile(SLUG)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One content file, parsed but not yet checked against its type."""

    type: str
    slug: str
    doc: Document

    def __reduce__(self) -> tuple[Any, tuple[str, str, Document]]:
        return RawRecord, (self.type, self.slug, self.doc)


@dataclass(frozen=True, slots=True)
class Content:
    """The records under content/, and the key of every record file, readable or not."""

    records: tuple[RawRecord, ...]
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file copied verbatim: `source` on disk to `dest` in the output."""

    dest: str
    source: Path


Parse = Callable[[str, bytes], Document | Diagnostic]  # parse_yaml, or a memo of it
# The last build's parse of a file its time stamps say is as it was then, else None
Unchanged = Callable[[str], Document | Diagnostic | None]


def load_records(site_dir: Path, by_folder: Mapping[str, str], parse: Parse = parse_yaml,
                 unchanged: Unchanged | None = None) -> tuple[Content, list[Diagnostic]]:
    """Every record file under content/, parsed; diagnostics for files that cannot be.

    `by_folder` maps each record type's folder to the type's name. A file that `unchanged`
    has a parse of is not read.
    """
    content = site_dir / CONTENT_DIR
    root = os.path.realpath(site_dir)
    records: list[RawRecord] = []
    keys: set[str] = set()
    diagnostics: list[Diagnostic] = []
    listed = _sorted_entries(content) if os.path.lexists(content) else []
    if isinstance(listed, Refused):
        return Content((), frozenset()), [Diagnostic(CONTENT_DIR, 1, 1, listed.message)]
    for entry in listed:
        rel = f"{CONTENT_DIR}/{entry.name}"
        if entry.name in by_folder:
            # Not only folders: a file, FIFO or broken link of this name is reported there.
            found, problems = _load_folder(root, Path(entry.path), by_folder[entry.name], keys,
                                           parse, unchanged)
            records.extend(found)
            diagnostics.extend(problems)
        elif is_folder(entry):
            diagnostics.append(Diagnostic(rel, 1, 1, f"folder '{entry.name}' is not a record "
                                          f"type's folder{did_you_mean(entry.name, by_folder)}; "
                                          f"the folders are {', '.join(sorted(by_folder))}"))
        else:
            diagnostics.append(Diagnostic(rel, 1, 1, "ignored: records go in "
                                          f"{CONTENT_DIR}/<folder>/<slug>{RECORD_SUFFIX}",
                                          "warning"))
    return Content(tuple(records), frozenset(keys)), diagnostics


def _sorted_entries(folder: Path) -> list[os.DirEntry[str]] | Refused:
    entries = list_folder(str(folder))
    if isinstance(entries, Refused):
        return entries
    # Hidden files and editors' backups are not content.
    return sorted((e for e in entries if not e.name.startswith(".")
                   and not e.name.endswith("~")), key=lambda e: e.name)


def _load_folder(root: str, folder: Path, type_name: str, keys: set[str], parse: Parse,
                 unchanged: Unchanged | None) -> tuple[list[RawRecord], list[Diagnostic]]:
    records: list[RawRecord] = []
    diagnostics: list[Diagnostic] = []
    # Resolving links costs system calls, so the folder is resolved once and a file
    # only when it is a link itself.
    folder_outside = _outside(root, folder)
    listed = _sorted_entries(folder)
    if isinstance(listed, Refused):
        return [], [Diagnostic(f"{CONTENT_DIR}/{folder.name}", 1, 1, listed.message)]
    taken = _taken_slugs(listed)  # a suggested new name must not be another file's
    for entry in listed:
        rel = f"{CONTENT_DIR}/{folder.name}/{entry.name}"
        stem, suffix = os.path.splitext(entry.name)
        if is_folder(entry) or suffix != RECORD_SUFFIX:
            hint = f"; rename it to {stem}{RECORD_SUFFIX}" if suffix == ".yml" else ""
            diagnostics.append(Diagnostic(rel, 1, 1, f"ignored: not a {RECORD_SUFFIX} file{hint}",
                                          "error" if hint else "warning"))
            continue
        problem = _name_problem(rel, stem, taken)
        if problem:
            diagnostics.append(problem)
            continue
        keys.add(f"{type_name}:{stem}")
        outside = folder_outside or (_outside(root, Path(entry.path)) if entry.is_symlink()
                                     else "")
        if outside:
            diagnostics.append(Diagnostic(rel, 1, 1, outside))
            continue
        doc = unchanged(rel) if unchanged else None
        if doc is None:
            doc = _parsed(entry.path, rel, parse)
        if isinstance(doc, Diagnostic):
            diagnostics.append(doc)
        else:
            records.append(RawRecord(type_name, stem, doc))
    return records, diagnostics


def _parsed(path: str, rel: str, parse: Parse) -> Document | Diagnostic:
    raw = read_bounded(path, MAX_BYTES)
    if isinstance(raw, Refused):
        return too_big(rel, raw.size) if raw.size >= 0 else Diagnostic(rel, 1, 1, raw.message)
    return parse(rel, raw)


def _name_problem(rel: str, stem: str, taken: set[str]) -> Diagnostic | None:
    """Why a file's stem cannot be a record's slug, or None when it can."""
    if not _SLUG.fullmatch(stem):
        return Diagnostic(rel, 1, 1, _slug_advice(stem, taken))
    if stem in WINDOWS_DEVICES:
        return Diagnostic(rel, 1, 1, f"'{stem}' is a device name on Windows, where a page of "
                          "that name cannot be served; rename the file")
    if stem in RESERVED_SLUGS:
        folder = rel.split("/")[-2]
        return Diagnostic(rel, 1, 1, f"the slug '{stem}' is reserved for the list's own pages "
                          f"({folder}/{stem}/); rename the file, e.g. to "
                          f"{suggest_slug(stem, taken)}{RECORD_SUFFIX}")
    return None


def _taken_slugs(entries: list[os.DirEntry[str]]) -> set[str]:
    stems = (os.path.splitext(e.name) for e in entries)
    return {stem for stem, suffix in stems if suffix == RECORD_SUFFIX and _SLUG.fullmatch(stem)}


def _slug_advice(stem: str, taken: set[str]) -> str:
    """What to rename a file whose name is not a slug to; the name is then taken too."""
    slug = suggest_slug(stem, taken)
    natural = suggest_slug(stem)
    taken.add(slug)  # two such files get two names, not one
    note = f", as '{natural}' is taken" if slug != natural and natural in taken else ""
    return (f"'{stem}' is not a valid slug: use lowercase letters, digits and '-' "
            f"(e.g. '{slug}{RECORD_SUFFIX}'{note})")


def _outside(root: str, path: Path) -> str:
    """Why `path` may not be read (a link that leads out of `root`, a real path), or ''."""
    if os.path.commonpath([os.path.realpath(path), root]) != root:
        return "a symbolic link that leads outside the site; copy the file in instead"
    return ""


def list_static_files(folder: Path, site_dir: Path) -> tuple[list[StaticFile], list[Diagnostic]]:
    """Every file under `folder` (recursively, hidden files skipped), in a stable order."""
    root = os.path.realpath(site_dir)
    files: list[StaticFile] = []
    diagnostics: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # os.walk does not follow a linked folder; one that leads out is still a mistake.
        diagnostics += _links_out(root, site_dir, [Path(dirpath, d) for d in dirnames])
        for name in sorted(n for n in filenames if not n.startswith(".")):
            path = Path(dirpath, name)
            dest = path.relative_to(folder).as_posix()
            outside = _outside(root, path)
            if outside:
                diagnostics.append(Diagnostic(path.relative_to(site_dir).as_posix(), 1, 1,
                                              outside))
            else:
                files.append(StaticFile(dest, path))
    return files, diagnostics


def list_links_out(folder: Path, site_dir: Path) -> list[Diagnostic]:
    """An error for `folder` or anything in it that is a symbolic link leading out of the site.

    For templates/: Jinja2 follows links, so a template could otherwise read any file.
    """
    root = os.path.realpath(site_dir)
    if not os.path.lexists(folder):
        return []
    outside = _outside(root, folder)
    if outside:
        return [Diagnostic(folder.relative_to(site_dir).as_posix(), 1, 1, outside)]
    diagnostics: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        diagnostics += _links_out(root, site_dir, [Path(dirpath, n)
                                                   for n in sorted(dirnames + filenames)])
    return diagnostics


def _links_out(root: str, site_dir: Path, paths: list[Path]) -> list[Diagnostic]:
    return [Diagnostic(path.relative_to(site_dir).as_posix(), 1, 1, outside)
            for path in paths if path.is_symlink() and (outside := _outside(root, path))]
