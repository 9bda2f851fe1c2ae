"""An open browser tab follows the dev server: it reloads by itself after every save."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SERIAL, copy_default_site
from tests.test_serve import MICROSOFT, edit, start, wait_until

pytestmark = [pytest.mark.timeout(90), SERIAL]  # a reload within a time bound


def test_an_open_tab_reloads_by_itself(browser: Any, tmp_path: Path) -> None:
    served = start(copy_default_site(tmp_path))
    page = browser.new_page()
    try:
        connected = served.count("[I ")
        page.goto(f"{served.url}/companies/microsoft/")
        served.wait_for_line("[I ", after=connected)  # livereload's "Browser Connected"
        heading = page.locator("h1")
        assert "Microsoft" in heading.inner_text()

        # Two saves in quick succession: python-livereload alone would drop the second.
        latencies = []
        for old, new in (("name: Microsoft", "name: Microsoft One"),
                         ("name: Microsoft One", "name: Microsoft Two")):
            page.evaluate("window.notReloaded = true")
            started = time.monotonic()
            edit(served.site, MICROSOFT, old, new)
            page.wait_for_function("!window.notReloaded && document.querySelector('h1') "
                                   f"&& document.querySelector('h1').textContent.includes("
                                   f"'{new.removeprefix('name: ')}')", timeout=10_000)
            latencies.append(time.monotonic() - started)

        # A broken build: the same tab shows the errors, then the site again once fixed.
        edit(served.site, MICROSOFT, "name: Microsoft Two", "name: [Microsoft")
        page.wait_for_selector("pre.build-errors", timeout=10_000)
        assert "content/companies/microsoft.yaml:" in page.locator("pre").inner_text()
        edit(served.site, MICROSOFT, "name: [Microsoft", "name: Microsoft Three")
        page.wait_for_function("document.querySelector('h1') && document.querySelector('h1')"
                               ".textContent.includes('Microsoft Three')", timeout=10_000)
        print("save to reloaded tab: " + ", ".join(f"{s:.2f} s" for s in latencies))
        assert max(latencies) < 5
    finally:
        page.close()
        code, log = served.stop()
    assert code in (0, 130) and "Traceback" not in log
    wait_until(lambda: served.process.poll() is not None, 5, "the server to stop")
