"""Files a user starts from: a new record from its type (`new`), a new site (`init`), and
the JSON Schema of each type for editors (`schema`)."""

from __future__ import annotations

import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, Diagnostic, UsageError, did_you_mean
from generator.read.load import CONTENT_DIR, RECORD_SUFFIX, STATIC_DIR, load_records
from generator.site.config import CONFIG_FILE, load_config
from generator.site.model import FieldSpec, SiteConfig, TypeSpec
from generator.site.schema import FACT_FIELDS, FIELD_TYPES, SOURCE_TYPE, schema_json
from generator.urls import SLUG, suggest_slug

SKELETON_DIR = Path(__file__).parent / "skeleton"
SCHEMA_DIR = "schema"
_SLUG = re.compile(SLUG)


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record file just written, and the fields it still needs."""

    path: Path
    to_fill: tuple[FieldSpec, ...]


def new_record(site_dir: Path, type_name: str, slug: str) -> NewRecord:
    """Write content/<folder>/<slug>.yaml with every field of the type, to be filled in."""
    config = load_config(site_dir)
    if not config.has_type(type_name):
        names = [t.name for t in config.types]
        raise UsageError(f"unknown type '{type_name}'{did_you_mean(type_name, names)}; "
                         f"{CONFIG_FILE} declares {', '.join(sorted(names))}")
    if not _SLUG.fullmatch(slug):
        raise UsageError(f"'{slug}' is not a valid slug: use lowercase letters, digits and "
                         f"'-' (e.g. '{suggest_slug(slug)}')")
    type_spec = config.type(type_name)
    shown = f"{CONTENT_DIR}/{type_spec.folder}/{slug}{RECORD_SUFFIX}"
    text = record_skeleton(config, type_spec, _slugs_by_type(site_dir, config))
    path = site_dir / shown
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite a record
            out.write(text)
    except FileExistsError:
        raise BuildFailed([Diagnostic(shown, 1, 1, "already exists; choose another slug or "
                                      "edit this file")]) from None
    return NewRecord(path, tuple(f for f in type_spec.fields if f.required))


def _slugs_by_type(site_dir: Path, config: SiteConfig) -> dict[str, list[str]]:
    """Existing slugs of each type, to show real examples in the comments."""
    content, _ = load_records(site_dir, config.folders)
    found: dict[str, list[str]] = {}
    for key in sorted(content.keys):
        type_name, _, slug = key.partition(":")
        found.setdefault(type_name, []).append(slug)
    return found


def record_skeleton(config: SiteConfig, type_spec: TypeSpec, slugs: dict[str, list[str]]
                    ) -> str:
    """A record's YAML: required fields left empty (so `check` names them), the rest and an
    example fact commented out, each with a comment saying what goes there."""
    required = [f for f in type_spec.fields if f.required]
    optional = [f for f in type_spec.fields if not f.required]
    lines = [f"# A new {type_spec.label}. Fill in the fields, then run `factsheet check`.", ""]
    if required:
        lines += ["# Required: `factsheet check` reports each one until it has a value.", ""]
        for f in required:
            lines += [*_comment(_describe(f, slugs)), f"{f.name}:", ""]
    if optional:
        lines += ["# Optional: remove the '# ' in front of the ones you fill in.", ""]
        for f in optional:
            lines += [*_comment(_describe(f, slugs)), f"# {f.name}:", ""]
    lines += _fact_example(slugs)
    return "\n".join(lines) + "\n"


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=90, initial_indent="# ", subsequent_indent="#   ",
                         break_long_words=False, break_on_hyphens=False)


def _describe(f: FieldSpec, slugs: dict[str, list[str]]) -> str:
    """'name (required) — text: plain text, …', with real examples, label and description."""
    examples = slugs.get(f.to or "", [])[:3]
    if f.type == "ref":
        what = f"the slug of one {f.to} record" + (f", e.g. {examples[0]}" if examples else "")
    elif f.type == "refs":
        what = f"a list of slugs of {f.to} records, e.g. [{', '.join(examples) or 'a, b'}]"
    else:
        what = FIELD_TYPES[f.type].summary
    parts = [f"{f.name}{' (required)' if f.required else ''} — {f.type}: {what}"]
    if f.label != f.name.replace("_", " ").capitalize():
        parts.append(f"Shown as “{f.label}”")
    if f.inverse:
        parts.append(f"The {f.to} page lists this record under “{f.inverse}”")
    if f.description:
        parts.append(f.description)
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _fact_example(slugs: dict[str, list[str]]) -> list[str]:
    source = (slugs.get(SOURCE_TYPE) or ["source-slug"])[0]
    about = next((s[0] for name, s in sorted(slugs.items()) if name != SOURCE_TYPE), "some-slug")
    return [
        "# Facts: each quotes its source record's text word for word, or check fails.",
        "# facts:",
        f"#   - text: {_sentence(FACT_FIELDS['text'])}",
        f"#     source: {source}  # {FACT_FIELDS['source']}",
        f"#     quote: \"{FACT_FIELDS['quote']}\"",
        "#     date: 2020-06-11  # optional: YYYY-MM-DD, or YYYY-MM or YYYY",
        f"#     about: [{about}]  # optional: the records the fact is about",
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def init_site(target: Path) -> tuple[str, ...]:
    """Copy the skeleton site into `target`, which must be missing or empty."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BuildFailed([Diagnostic(str(target), 1, 1, "refusing to create a site here: it "
                                      "is not an empty folder; choose a new one")])
    try:
        shutil.copytree(SKELETON_DIR, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        (target / STATIC_DIR).mkdir(exist_ok=True)  # package data cannot hold an empty folder
        (target / ".gitignore").write_text("output/\n.cache/\n", encoding="utf-8")
    except OSError as exc:
        raise BuildFailed([Diagnostic(str(exc.filename or target), 1, 1,
                                      f"cannot write: {exc.strerror or exc}")]) from None
    return tuple(sorted(p.relative_to(target).as_posix()
                        for p in target.rglob("*") if p.is_file()))


def write_schemas(site_dir: Path, out_dir: Path | None) -> tuple[Path, ...]:
    """Write <out>/<type>.json, the JSON Schema of each type (the build's exact bytes)."""
    config = load_config(site_dir)
    out = out_dir if out_dir is not None else site_dir / SCHEMA_DIR
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for type_spec in config.types:
            path = out / f"{type_spec.name}.json"
            path.write_bytes(schema_json(type_spec))
            written.append(path)
    except OSError as exc:
        raise BuildFailed([Diagnostic(str(exc.filename or out), 1, 1,
                                      f"cannot write the schema: {exc.strerror or exc}")]) from None
    return tuple(written)
