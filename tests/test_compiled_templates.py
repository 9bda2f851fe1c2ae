"""Compiled templates kept in the store: a build from the command line compiles only the
templates whose source changed since the last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.build import Options, build_site
from generator.render import compiled
from tests.conftest import copy_case, tree_bytes, write_files


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from now on."""
    names: list[str] = []

    def counted(self: jinja2.Environment, source: Any, name: str | None = None,
                *args: Any, **kwargs: Any) -> Any:
        names.append(name or "")
        return real(self, source, name, *args, **kwargs)
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def as_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process compiled, as the next command does."""
    monkeypatch.setattr(compiled.COMPILED, "compiled", {})


def test_a_new_build_compiles_only_the_templates_that_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, out = copy_case("basic", tmp_path), tmp_path / "out"
    write_files(site, {"templates/city.html": '{% extends "record.html" %}\n'})
    build_site(site, out)
    as_a_new_process(monkeypatch)
    names = compiles(monkeypatch)
    (site / "content/companies/acme.yaml").write_text(
        (site / "content/companies/acme.yaml").read_text().replace("1947", "1948"))
    build_site(site, out)
    assert names == []
    as_a_new_process(monkeypatch)
    write_files(site, {"templates/city.html": '{% extends "record.html" %}\n'
                                              "{% block title %}City {{ super() }}"
                                              "{% endblock %}\n"})
    build_site(site, out)
    assert names == ["city.html"]
    clean = tmp_path / "clean"
    build_site(site, clean, options=Options(load=False, save=False))
    assert tree_bytes(out) == tree_bytes(clean)
