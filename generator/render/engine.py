"""Jinja2 set-up and page rendering: each page is made from the linked Site alone."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from markupsafe import Markup

from generator.errors import Diagnostic, did_you_mean, error_at
from generator.link.link import Site
from generator.read.load import TEMPLATES_DIR
from generator.render import pages, viewmodels
from generator.render.compiled import COMPILED
from generator.render.messages import messages_for, template_gettext
from generator.render.outputs import render_file
from generator.render.pages import page_context
from generator.render.plan import HTML_KINDS, Page, in_tree, template_names
from generator.render.sandbox import SiteSandbox
from generator.render.templatefiles import (
    TEMPLATE_SUFFIXES,
    TemplateFileError,
    TemplateFiles,
    display_path,
)
from generator.render.text import markdown_filter

THEME_DIR = Path(__file__).parent.parent / "theme"
# What each kind of object handed to templates holds, for "did you mean" hints.
_VIEW_FIELDS = {cls.__name__: [f.name for f in dataclasses.fields(cls)]
                for module in (viewmodels, pages) for cls in vars(module).values()
                if isinstance(cls, type) and dataclasses.is_dataclass(cls)}
I18N = "jinja2.ext.i18n"  # {% trans %} and _() in templates (render/messages.py)
PAGE_SECONDS = 30.0  # a page that takes longer to render is stuck in a loop


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One output file's bytes, and the records and templates it was made from."""

    path: str
    content: bytes
    depends_on: frozenset[str]
    templates: frozenset[str] = frozenset()


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block after `seconds` (main thread on POSIX; else no limit).

    A template can loop without end in ways a capped range() cannot stop (nested loops);
    a timer turns that into an error at the template line instead of a hung build.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"rendering one page took more than {seconds:g} s; is there an "
                           "endless loop?")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # someone else's timer (a test runner's, say) keeps running
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started),
                                                     0.001))


def make_environment(site: Site, site_dir: Path) -> jinja2.Environment:
    """A sandboxed Jinja2 environment for `site`: autoescaped, strict about undefined names.

    Templates are looked up in the site's templates/ first, then in the built-in theme.
    """
    env = SiteSandbox(
        loader=TemplateFiles(site_dir, THEME_DIR / TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=COMPILED,
        extensions=[I18N],
    )
    words = messages_for(site.config.catalog)
    # newstyle: a translation is escaped like any other value, and fills in %(name)s itself.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        words.gettext, words.ngettext, newstyle=True)
    env.globals["_"] = template_gettext(words.gettext)
    to_html = markdown_filter(site)

    # markdown-it escapes raw HTML, so its output is safe to mark as such.
    @jinja2.pass_context
    def markdown(context: jinja2.runtime.Context, text: str) -> Markup:
        return Markup(to_html(text, context["root"]))

    @jinja2.pass_context
    def markdown_inline(context: jinja2.runtime.Context, text: str) -> Markup:
        return Markup(to_html(text, context["root"], True))

    env.filters["markdown"] = markdown
    env.filters["markdown_inline"] = markdown_inline
    env.filters["count"] = words.number
    return env


def check_templates(env: jinja2.Environment, site_dir: Path) -> list[Diagnostic]:
    """A diagnostic for every template (the site's and the theme's) that does not compile,
    and for every other file in templates/ that cannot be read as one."""
    assert isinstance(env.loader, TemplateFiles)
    diagnostics = []
    for name in env.list_templates():
        try:
            if name.endswith(TEMPLATE_SUFFIXES):
                env.get_template(name)
            else:  # not compiled, but an include may use it, and the cache hashes it
                env.loader.get_source(env, name)
        except jinja2.TemplateSyntaxError as exc:
            diagnostics.append(_syntax_error(exc, site_dir))
        except TemplateFileError as exc:
            diagnostics.append(exc.diagnostic)
        except (RecursionError, SyntaxError):  # Jinja's parser or Python's compiler gave up
            diagnostics.append(Diagnostic(
                env.loader.shown(name), 1, 1, "the template nests too deeply to compile; "
                "nest fewer blocks and expressions, or split it with macros and includes"))
    return diagnostics


def render_page(env: jinja2.Environment, site: Site, page: Page, site_dir: Path
                ) -> RenderedPage | Diagnostic:
    """Render one page; a template problem comes back as a Diagnostic at its template line."""
    path, page = page.path, in_tree(page, site)
    if page.kind not in HTML_KINDS:
        content, used = render_file(site, page)
        return RenderedPage(path, content, used)
    context, used = page_context(site, page)
    candidates = template_names(site, page)
    try:
        template = env.select_template(candidates)
    except jinja2.TemplateSyntaxError as exc:
        return _syntax_error(exc, site_dir)
    except jinja2.TemplateNotFound as exc:
        return Diagnostic(TEMPLATES_DIR, 1, 1, f"no template for {page.path}: {exc.message}")
    except TemplateFileError as exc:
        return exc.diagnostic
    try:
        with time_limit(PAGE_SECONDS):
            text = template.render(context)
        # A more specific template added later takes over the page, so it counts as used.
        used_templates = templates_used(env, str(template.name)) | frozenset(candidates)
    except jinja2.TemplateSyntaxError as exc:
        return _syntax_error(exc, site_dir)
    except Exception as exc:  # a template raised: report where, never a traceback
        return _runtime_error(exc, site_dir, context, env)
    return RenderedPage(path, text.encode("utf-8"), used, used_templates)


@functools.lru_cache(maxsize=256)
def templates_used(env: jinja2.Environment, name: str) -> frozenset[str]:
    """`name` and every template it extends, includes or imports, however deep."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        try:
            source = env.loader.get_source(env, current)[0]
        except jinja2.TemplateNotFound:
            continue  # an optional include the site does not have
        todo.extend(_referenced(source))
    return frozenset(seen)


# Only parses, for the names a template refers to; the syntax is that of make_environment's.
_PARSER = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=[I18N])


@functools.lru_cache(maxsize=256)
def _referenced(source: str) -> tuple[str, ...]:
    return tuple(ref for ref in meta.find_referenced_templates(_PARSER.parse(source)) if ref)


def _syntax_error(exc: jinja2.TemplateSyntaxError, site_dir: Path) -> Diagnostic:
    filename = exc.filename or exc.name or "?"
    text = exc.source if exc.source is not None else _read(filename)
    return error_at(display_path(filename, site_dir), text, exc.lineno, 1,
                    f"template syntax error: {exc.message}")


def _runtime_error(exc: Exception, site_dir: Path, context: dict[str, Any],
                   env: jinja2.Environment) -> Diagnostic:
    if isinstance(exc, TemplateFileError):  # an include of a file that cannot be read
        return exc.diagnostic
    assert isinstance(env.loader, TemplateFiles)
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if env.loader.holds(frame.filename)]
    if isinstance(exc, RecursionError):
        frames = _cycle(frames)
        message = _recursion_message(frames, site_dir)
    elif isinstance(exc, jinja2.UndefinedError):
        message = _undefined_message(str(exc.message), context)
    elif isinstance(exc, jinja2.TemplateNotFound):  # an include or import of a missing name
        message = f"no template '{exc.name}'{did_you_mean(str(exc.name), env.list_templates())}"
    elif isinstance(exc, jinja2.TemplateError):
        message = str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}"
    if not frames:
        return Diagnostic(TEMPLATES_DIR, 1, 1, f"template error: {message}")
    frame = frames[0] if isinstance(exc, RecursionError) else frames[-1]
    return error_at(display_path(frame.filename, site_dir), _read(frame.filename),
                    frame.lineno or 1, 1, f"template error: {message}")


def _cycle(frames: list[traceback.FrameSummary]) -> list[traceback.FrameSummary]:
    """The template lines a recursion goes round (between two visits of the last one), in
    call order from the first of them in file order: the same wherever Python's recursion
    limit cut the loop, which depends on how deep the stack was when the page began."""
    where = [(f.filename, f.lineno or 1) for f in frames]
    if not where:
        return []
    start = max((i for i in range(len(where) - 1) if where[i] == where[-1]), default=0)
    cycle = {where[start]: frames[start]}
    for place, frame in zip(where[start + 1:], frames[start + 1:], strict=True):
        cycle.setdefault(place, frame)
    order = list(cycle)
    first = order.index(min(order))
    return [cycle[place] for place in order[first:] + order[:first]]


def _recursion_message(cycle: list[traceback.FrameSummary], site_dir: Path) -> str:
    """Where a template calls itself: the lines of `cycle` (see _cycle)."""
    if not cycle:
        return "templates call themselves without end"
    steps = " → ".join(f"{display_path(f.filename, site_dir)}:{f.lineno or 1}" for f in cycle)
    return (f"templates call themselves without end ({steps} → again); an include, extends, "
            "macro or recursive loop never stops")


def _undefined_message(message: str, context: dict[str, Any]) -> str:
    """Jinja's message about an undefined name, in our types' words, with a did-you-mean."""
    name = re.fullmatch(r"'(\w+)' is undefined", message)
    if name:
        return message + did_you_mean(name.group(1), context)
    attribute = re.fullmatch(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '(\w+)'", message)
    if attribute and attribute.group(1) in _VIEW_FIELDS:
        kind, attr = attribute.groups()
        return f"{kind} has no attribute '{attr}'{did_you_mean(attr, _VIEW_FIELDS[kind])}"
    return message


def _read(filename: str) -> str | None:
    try:
        return Path(filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
