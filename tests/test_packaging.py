"""Every dependency is pinned, once, in the lock file of the command that needs it."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "-r ")):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{lock}: not an exact pin: {line!r}"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


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
