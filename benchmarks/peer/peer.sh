# factsheet as a peer of the bench-peers harness. Sourced by its run.sh, from the harness's
# own folder, so every path here is made from this file's location.
#   PEERS="hugo eleventy pelican $PWD/benchmarks/peer" bash ../shared/bench-peers/run.sh
# BUILD runs in the converted site folder; OUT is what it writes; CLEAN is deleted before
# every timed run (the output and the build cache, so each run is a full, cold build).
FACTSHEET_PEER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FACTSHEET_REPO="$(cd "$FACTSHEET_PEER/../.." && pwd)"
export FACTSHEET="${FACTSHEET:-$FACTSHEET_REPO/.venv/bin/factsheet}"
VERSION="$(printf '%q --version; %q --version; git -C %q describe --always --dirty' \
  "$FACTSHEET" "$(dirname "$FACTSHEET")/python" "$FACTSHEET_REPO")"
BUILD=("$FACTSHEET_PEER/build.sh")
# No .venv yet (run 'make site'): name the missing program, so run.sh skips this peer
# ("not installed") instead of timing a build that cannot start.
[ -x "$FACTSHEET" ] || BUILD=("$FACTSHEET")
OUT=output
CLEAN=(output .cache)
