"""The command line as users run it: entry points, exit codes, help, the dev server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO, copy_case


def run(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_python_dash_m_builds_a_site(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    result = run("build", "--site", site, "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (site / "output" / "index.html").is_file()


def test_errors_exit_1_without_a_traceback(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    (site / "content/cities/shelbyville.yaml").write_text("name: [\n")
    result = run("build", "--site", site)
    assert result.returncode == 1
    assert result.stderr.startswith("content/cities/shelbyville.yaml:2:1: error: YAML syntax")
    assert "Traceback" not in result.stderr


def test_a_missing_site_yaml_is_an_error_not_a_crash(tmp_path: Path) -> None:
    result = run("check", "--site", tmp_path)
    assert result.returncode == 1
    assert result.stderr == "site.yaml:1:1: error: cannot read: No such file or directory\n" \
                            "1 error.\n"


def test_usage_mistakes_exit_2_with_argparse_help() -> None:
    assert run("biuld").returncode == 2
    assert "invalid choice: 'biuld'" in run("biuld").stderr
    assert run("build", "--nope").returncode == 2
    assert run().returncode == 2


def test_every_command_has_help_with_an_example() -> None:
    for command in ("build", "check", "serve"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "example: factsheet " + command in result.stdout


def test_version() -> None:
    assert run("--version").stdout.startswith("factsheet ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_builds_and_serves_the_site(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site),
                               "--port", str(port)], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/companies/acme/") as page:
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert ">Acme Corporation</h1>" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
