#!/bin/sh
# valgrind.sh - stands in for the symtrend binary in the end-to-end tests
# (make valgrind): every run under memcheck, any leak or error fails it.
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
	--log-file="${VALGRIND_LOG:-/dev/stderr}" "$(dirname "$0")/../symtrend" "$@"
