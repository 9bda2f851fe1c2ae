"""Development server: build, serve output/ on localhost, rebuild and reload on change."""

from __future__ import annotations

import sys
from pathlib import Path

from livereload import Server

from generator.build import build_site
from generator.config import CONFIG_FILE
from generator.errors import BuildFailed, format_all
from generator.load import CONTENT_DIR
from generator.render import STATIC_DIR, TEMPLATES_DIR

WATCHED = (CONFIG_FILE, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)


def rebuild(site_dir: Path, out_dir: Path) -> bool:
    """Build once, printing the result; a failed build keeps the old output and says why."""
    try:
        result = build_site(site_dir, out_dir)
    except BuildFailed as failed:
        print(format_all(failed.diagnostics), file=sys.stderr, flush=True)
        return False
    print(f"Rebuilt {result.pages} pages in {result.seconds:.2f} s.", file=sys.stderr, flush=True)
    return True


def serve(site_dir: Path, out_dir: Path, host: str, port: int) -> None:
    """Serve `out_dir` on http://host:port until interrupted, rebuilding on every change."""
    rebuild(site_dir, out_dir)
    server = Server()
    for name in WATCHED:
        path = site_dir / name
        if path.exists():
            server.watch(str(path), lambda: rebuild(site_dir, out_dir))
    print(f"Serving {out_dir} on http://{host}:{port}/ (Ctrl-C stops).", file=sys.stderr)
    server.serve(root=str(out_dir), host=host, port=port, open_url_delay=None)
