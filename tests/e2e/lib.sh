# lib.sh - helpers for the end-to-end scripts: a temporary directory, TAP
# output, and assertions that run the real binary ($SYMTREND).
set -u
: "${SYMTREND:?set SYMTREND to the binary under test}"
export LC_ALL=C TZ=UTC
unset SYMTREND_DB
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$TOP/tests/data
GOLDEN=$TOP/tests/golden
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 3
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | head -c 2000 | sed 's/^/# /'
	return 0
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# st ARGS...: symtrend on the test database; output in $T/out, $T/err.
st() { "$SYMTREND" --db "$T/db" "$@" >"$T/out" 2>"$T/err"; }

# expect RC DESC ARGS...: runs symtrend ARGS and checks the exit status.
expect() {
	want=$1 desc=$2; shift 2
	st "$@"; rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$desc"; else nok "$desc" "exit $rc, want $want; stderr: $(cat "$T/err")"; fi
}

# check DESC CMD...: passes when CMD succeeds.
check() {
	desc=$1; shift
	if "$@" >"$T/check.out" 2>&1; then ok "$desc"; else nok "$desc" "$(cat "$T/check.out")"; fi
}

# golden DESC FILE NAME: compares FILE with tests/golden/NAME
# (UPDATE_GOLDEN=1 rewrites the golden file instead).
golden() {
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$GOLDEN/$3"; ok "$1 (golden updated)"; return; fi
	if diff -u "$GOLDEN/$3" "$2" >"$T/diff" 2>&1; then ok "$1"; else nok "$1" "$(head -40 "$T/diff")"; fi
}

# grep_err DESC PATTERN: stderr of the last st matches PATTERN.
grep_err() {
	if grep -q -- "$2" "$T/err"; then ok "$1"; else nok "$1" "stderr: $(cat "$T/err")"; fi
}

sqlv() { sqlite3 "$T/db" "$1"; }
mode_of() { stat -c %a "$1"; }

finish() { exit $((failed > 0)); }
