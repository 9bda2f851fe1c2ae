"""The Jinja2 loader of site templates: regular files inside templates/ and the theme only."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from generator.errors import Diagnostic
from generator.read.load import TEMPLATES_DIR
from generator.read.marks import text_position

# The biggest theme template is 3.6 KB; a template of 256 KiB compiles in about 0.8 s and
# 110 MB, one of 1 MB in 3.4 s and 350 MB, so anything bigger is a mistake, not a page.
MAX_TEMPLATE_BYTES = 256 * 1024
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")  # the files compiled before any page is made
# What each kind of file that is not a regular one is called in messages.
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class TemplateFileError(jinja2.TemplateError):
    """A template file that exists but cannot be used; `diagnostic` says why and where.

    Not a TemplateNotFound, so select_template does not pass over a broken site template
    to the theme's one of the same name.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class TemplateFiles(jinja2.BaseLoader):
    """The site's templates/ first, then the theme's (the first that has a name wins).

    A name is a path of '/'-separated parts inside a folder ('..' and skipped parts refused).
    A file that is there but is a folder, a dangling or looping link, a FIFO or device, a
    link out of the site, too big or not UTF-8 is a TemplateFileError: it must not hang,
    crash, leak a file or fall back to the theme's template silently.
    """

    def __init__(self, site_dir: Path, theme_templates: Path) -> None:
        self.site_dir = site_dir
        # Each folder, and the folder its files' real paths must stay in.
        self.folders = ((os.path.abspath(site_dir / TEMPLATES_DIR), os.path.realpath(site_dir)),
                        (os.path.abspath(theme_templates), os.path.realpath(theme_templates)))
        # Jinja caches the templates it finds but asks again for each one it does not: a
        # per-type name most sites lack ('company.html') or an include marked 'ignore
        # missing' would cost two stats on every page. A build makes its own loader.
        self.missing: set[str] = set()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        if template in self.missing:
            raise jinja2.TemplateNotFound(template)
        pieces = split_template_path(template)  # TemplateNotFound for '..'
        if any(_skipped(piece) or "\0" in piece for piece in pieces):
            raise jinja2.TemplateNotFound(template)
        for folder, root in self.folders:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            shown = display_path(path, self.site_dir)
            if os.path.commonpath([os.path.realpath(path), root]) != root:
                raise TemplateFileError(Diagnostic(
                    shown, 1, 1, "a symbolic link that leads outside the site; copy the file "
                    "in instead"))
            return read_template(path, shown), path, _fresh
        self.missing.add(template)
        raise jinja2.TemplateNotFound(template)

    def shown(self, template: str) -> str:
        """Where the file of the template named `template` is, as users see it."""
        pieces = split_template_path(template)
        paths = [os.path.join(folder, *pieces) for folder, _ in self.folders]
        found = next((path for path in paths if os.path.lexists(path)), paths[0])
        return display_path(found, self.site_dir)

    def holds(self, filename: str) -> bool:
        """Whether `filename` (a path get_source gave) is one of these templates."""
        return any(filename.startswith(folder + os.sep) for folder, _ in self.folders)

    def list_templates(self) -> list[str]:
        """Every name get_source answers: files and broken entries alike, not those skipped."""
        found: set[str] = set()
        for folder, _ in self.folders:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
                rel = os.path.relpath(dirpath, folder)
                # A folder named like a template is listed too, so that it is reported.
                named = [*filenames, *(d for d in dirnames if d.endswith(TEMPLATE_SUFFIXES))]
                found.update(Path(rel, name).as_posix() for name in named if not _skipped(name))
        return sorted(found)


def _skipped(name: str) -> bool:
    """Hidden files and editors' backups (.DS_Store, .x.swp, x~) are not templates, as they
    are not content: a binary swap file must not break the dev server's rebuild."""
    return name.startswith(".") or name.endswith("~")


def _fresh() -> bool:
    return True  # the environment never reloads (auto_reload is off): each build makes its own


def read_template(path: str, shown: str) -> str:
    """The text of the template file at `path`, or a TemplateFileError naming it as `shown`."""
    try:
        # Non-blocking, so a FIFO is opened (and then refused) instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise TemplateFileError(Diagnostic(shown, 1, 1, _open_problem(path, exc))) from None
    try:
        status = os.fstat(descriptor)
        problem = _kind_problem(status.st_mode)
        if problem:
            raise TemplateFileError(Diagnostic(shown, 1, 1, problem))
        raw = _read_at_most(descriptor, MAX_TEMPLATE_BYTES + 1)  # the file may grow meanwhile
    except OSError as exc:
        raise TemplateFileError(Diagnostic(shown, 1, 1, f"cannot read: {exc.strerror}")
                                ) from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_TEMPLATE_BYTES:
        size = max(status.st_size, len(raw))
        raise TemplateFileError(Diagnostic(
            shown, 1, 1, f"template is {size:,} bytes; the limit is {MAX_TEMPLATE_BYTES:,}"))
    return _decode(raw, shown)


def _read_at_most(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(descriptor, min(left, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, shown: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8")
        line, col = text_position(before + "?", len(before))
        raise TemplateFileError(Diagnostic(
            shown, line, col, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start}; save the file as UTF-8")) from None


def _open_problem(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that leads round in a loop; a template must be a file"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return (f"a symbolic link to '{os.readlink(path)}', which does not exist; a template "
                "must be a file")
    try:  # a socket cannot be opened at all: say what it is rather than the system's words
        problem = _kind_problem(os.stat(path).st_mode)
    except OSError:
        problem = ""
    return problem or f"cannot read: {exc.strerror}"


def _kind_problem(mode: int) -> str:
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder, not a file; a template must be a file"
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a file; a template must be a regular file"


def display_path(filename: str, site_dir: Path) -> str:
    """A template's path as users see it: relative to the site when inside it.

    The folder's links are resolved, the file's own is not: a looping link has no target.
    """
    path = os.path.abspath(filename)
    real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    try:
        return Path(real).relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return os.path.normpath(filename)
