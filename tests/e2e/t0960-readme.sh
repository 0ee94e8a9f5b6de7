#!/bin/sh
# t0960-readme: the README's tour runs.  Every '$ ' line of the section "A
# five-minute tour" (a command, continued over lines ending in '\') is run in
# order, in one shell, in a scratch folder holding a copy of sample-data/,
# with 'symtrend' on PATH meaning the binary under test; its output (stdout
# and stderr together) is compared with the lines the README shows under it.
# Where the README abbreviates:
#   a line '...'         stands for any number of lines (none included);
#   a line ending in '...' must only begin as shown.
# Trailing blanks are ignored; every other line must match exactly.  The
# tour's run date is its own 'export SYMTREND_TODAY=...' line.
. "$(dirname "$0")/lib.sh"

README=${README:-$TOP/README.md}
mkdir -p tour/bin work
cp -R "$TOP/sample-data" tour/sample-data
cat >tour/bin/symtrend <<EOF
#!/bin/sh
exec "$SYMTREND" "\$@"
EOF
chmod 755 tour/bin/symtrend

# The tour's code blocks (4-space indented, blank lines inside kept) cut into
# work/cmd.N (the command) and work/exp.N (what the README shows).
awk -v dir=work '
	/^## / { intour = ($0 ~ /^## A five-minute tour/); next }
	!intour { next }
	/^    \$ / || (cont && /^    /) {
		line = cont ? substr($0, 5) : substr($0, 7)
		if (!cont) { n++; cf = dir "/cmd." n; ef = dir "/exp." n; printf "" >ef }
		print line >cf
		cont = (line ~ /\\$/)
		inblock = 1
		next
	}
	inblock && /^    / { print substr($0, 5) >ef; next }
	inblock && /^$/ { print "" >ef; next }
	{ inblock = 0; cont = 0 }
	END { print n >(dir "/count") }
' "$README"
count=$(cat work/count)
check "the README tour has examples" test "$count" -gt 5

# One script runs them all in order, so that 'export' carries over.
{
	echo 'PATH=$TOURBIN:$PATH; export PATH'
	# ls writes columns on an 80-column terminal, as the README shows them.
	echo 'ls() { command ls -C -w 80 --tabsize=0 "$@"; }'
	i=1
	while [ "$i" -le "$count" ]; do
		printf '{\n%s\n} >%s/work/out.%s 2>&1\n' "$(cat work/cmd.$i)" "$T" "$i"
		i=$((i + 1))
	done
} >work/tour.sh
(cd tour && unset SYMTREND_TODAY SYMTREND_DB && TOURBIN=$T/tour/bin sh "$T/work/tour.sh")

# match EXPECTED ACTUAL: prints the first difference and fails.
match() {
	awk -v expf="$1" '
		function trim(s) { sub(/[ \t]+$/, "", s); return s }
		function fits(e, a) {
			if (e ~ /\.\.\.$/) return index(a, trim(substr(e, 1, length(e) - 3))) == 1
			return e == a
		}
		BEGIN {
			while ((getline l <expf) > 0) e[++ne] = trim(l)
			while (ne > 0 && e[ne] == "") ne--
		}
		{ a[++na] = trim($0) }
		END {
			while (na > 0 && a[na] == "") na--
			j = 1
			for (i = 1; i <= ne; i++) {
				if (e[i] == "...") {
					if (i == ne) { j = na + 1; continue }
					while (j <= na && !fits(e[i + 1], a[j])) j++
					continue
				}
				if (j > na) { printf "README line \"%s\": the output has ended\n", e[i]; exit 1 }
				if (!fits(e[i], a[j])) {
					printf "README: \"%s\"\noutput: \"%s\"\n", e[i], a[j]; exit 1
				}
				j++
			}
			if (j <= na) { printf "output goes on: \"%s\"\n", a[j]; exit 1 }
		}
	' "$2"
}

i=1
while [ "$i" -le "$count" ]; do
	what=$(head -1 work/cmd.$i)
	check "README tour, \$ $what" match work/exp.$i work/out.$i
	i=$((i + 1))
done

# The matcher itself fails where it should: a changed line, a missing line,
# an extra line, a wrong beginning before ' ...'.
printf 'a\nb\n' >work/m.out
printf 'a\nc\n' >work/m1
match work/m1 work/m.out >/dev/null
check "the matcher fails on a changed line" test $? -ne 0
printf 'a\n' >work/m2
match work/m2 work/m.out >/dev/null
check "the matcher fails on an extra output line" test $? -ne 0
printf 'a\nb\nc\n' >work/m3
match work/m3 work/m.out >/dev/null
check "the matcher fails on a missing output line" test $? -ne 0
printf 'x ...\nb\n' >work/m4
match work/m4 work/m.out >/dev/null
check "the matcher fails on a wrong beginning" test $? -ne 0
printf '...\nb\n' >work/m5
check "'...' stands for lines left out" match work/m5 work/m.out
printf 'a ...\n...\n' >work/m6
check "'a ...' matches a line that begins 'a'" match work/m6 work/m.out

finish
