#!/usr/bin/env bash
# The build the peer harness times, run in the converted site folder: the full, normal
# `factsheet build` (every page, data file, feed, sitemap and the Pagefind search index), so
# the time includes all the work factsheet does. Then it deletes the three HTML pages that
# factsheet always writes and the harness's verify.py does not count (it wants exactly
# N + sources + 5 HTML files, the pages every peer renders): 404.html, the timeline and the
# search page. Deleting them afterwards costs microseconds; leaving them out of the build
# would take a change to factsheet that no user has.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"${FACTSHEET:-$here/../../.venv/bin/factsheet}" build --site .
rm -f output/404.html output/timeline/index.html output/search/index.html
rmdir output/timeline output/search 2>/dev/null || true
