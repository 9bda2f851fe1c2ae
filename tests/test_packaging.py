"""Every dependency is pinned, once, in the lock file of the command that needs it."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "-r ")):
            continue
        name, _, version = line.partition("==")
        assert _NAME.fullmatch(name) and version, f"{lock}: not an exact pin: {line!r}"
        pins[_canonical(name)] = version
    return pins


def _declared(requirements: list[str]) -> set[str]:
    return {_canonical(m.group()) for r in requirements if (m := _NAME.match(r))}


PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_what_a_build_needs_is_pinned_in_the_runtime_lock() -> None:
    runtime = _pins("requirements.lock")
    assert _declared(PROJECT["project"]["dependencies"]) <= runtime.keys()
    # make site installs factsheet without build isolation, so its build backend is pinned.
    assert _declared(PROJECT["build-system"]["requires"]) <= runtime.keys()
    assert {"wheel", "pagefind-bin"} <= runtime.keys()


def test_the_test_stack_is_pinned_apart_and_only_once() -> None:
    runtime, tests = _pins("requirements.lock"), _pins("requirements-test.lock")
    assert _declared(PROJECT["project"]["optional-dependencies"]["test"]) <= tests.keys()
    assert not runtime.keys() & tests.keys(), "pinned in both lock files"
    first = next(line for line in (REPO / "requirements-test.lock").read_text().splitlines()
             if not line.startswith("#"))
    assert first == "-r requirements.lock"


def test_nothing_of_the_test_stack_is_in_the_runtime_lock() -> None:
    runtime = _pins("requirements.lock")
    assert not {"pytest", "playwright", "mypy", "ruff", "hypothesis"} & runtime.keys()
