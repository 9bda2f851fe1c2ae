"""Compiled templates: Jinja's bytecode, kept in memory and handed to and from the store."""

from __future__ import annotations

import jinja2

from generator.render.templatefiles import TemplateFileError


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and source checksum (Jinja checks it), so
    a dev server's rebuild does not compile every template again; the store keeps them for
    the next build from the command line (see `compiled_templates`)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = _CompiledTemplates()


def compiled_templates(env: jinja2.Environment) -> dict[str, bytes]:
    """The templates of `env` compiled so far (Jinja's bytecode, for a BytecodeCache)."""
    assert env.loader is not None
    found = {}
    for name in env.list_templates():
        try:
            key = COMPILED.get_cache_key(name, env.loader.get_source(env, name)[1])
        except (jinja2.TemplateNotFound, TemplateFileError):
            continue
        if key in COMPILED.compiled:
            found[key] = COMPILED.compiled[key]
    return found


def know_compiled(compiled: dict[str, bytes]) -> None:
    """Templates an earlier build compiled: Jinja takes one only if its source is the same
    and it was compiled by this Python. Give them only from a store that is this user's."""
    for key, code in compiled.items():
        COMPILED.compiled.setdefault(key, code)
