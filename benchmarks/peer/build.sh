#!/usr/bin/env bash
# The build the peer harness times, run in the converted site folder: the full, normal
# `factsheet build` (every page, data file, feed, sitemap and the Pagefind search index), so
# the time includes all the work factsheet does. Then it deletes the HTML pages that
# factsheet writes and the harness's verify.py does not count (it wants exactly
# N + sources + 5 HTML files, the pages every peer renders): 404.html, the timeline and its
# years, the search page, list pages past the first, backlink groups' own pages, browse pages,
# the embeddable cards and the list of corrections. Deleting
# them afterwards costs milliseconds; leaving them out of the build would take a change to
# factsheet that no user has. verify.py also wants one list page linking every company; past
# page_size (100) companies factsheet's list is paginated, so that one check reports the
# companies of page 1 only, by design (DESIGN.md §5: no page grows without bound).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"${FACTSHEET:-$here/../../.venv/bin/factsheet}" build --site .
rm -rf output/404.html output/timeline output/search/index.html output/*/page \
    output/*/*/links output/*/by output/embed output/corrections
rmdir output/search 2>/dev/null || true
