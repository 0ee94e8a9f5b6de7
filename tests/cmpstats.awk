# cmpstats.awk - compares symtrend's stats CSV (second file) with R's
# reference values (first file), by the key columns, for every column of the
# reference.  Numbers agree when |a - b| <= tol * max(|a|, |b|, 1e-300) or
# |a - b| <= 1e-12; plateau and s90 use ptol.  An empty cell must be empty
# on both sides.  Prints each mismatch; exits 1 if any.
#   awk -F, -v keys=3 -v tol=1e-6 -v ptol=1e-3 -f cmpstats.awk expected actual
function abs(x) { return x < 0 ? -x : x }
FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, i] = $i; ncol[FILENAME] = NF; next }
{
	key = $1; for (i = 2; i <= keys; i++) key = key "|" $i
	if (NR == FNR) { exp_row[key] = $0; nexp++ ; next }
	act_row[key] = $0
}
END {
	bad = 0
	for (key in exp_row) {
		if (!(key in act_row)) { print "missing row " key; bad++; continue }
		ne = split(exp_row[key], e, ","); na = split(act_row[key], a, ",")
		for (i = keys + 1; i <= ne; i++) {
			name = col[ARGV[1], i]
			# find same column in actual by name
			j = 0; for (k = 1; k <= ncol[ARGV[2]]; k++) if (col[ARGV[2], k] == name) j = k
			if (!j) { print "no column " name; bad++; continue }
			x = e[i]; y = a[j]
			if (x == "" || y == "") { if (x != y) { print key ": " name " expected '" x "' got '" y "'"; bad++ } continue }
			if (x !~ /^[-+0-9.eE]+$/) { if (x != y) { print key ": " name " expected " x " got " y; bad++ } continue }
			t = (name == "plateau" || name == "s90") ? ptol : tol
			d = abs(x - y); m = abs(x) > abs(y) ? abs(x) : abs(y)
			if (d > t * m && d > 1e-12) { printf "%s: %s expected %.15g got %.15g (rel %.3g)\n", key, name, x, y, d / m; bad++ }
			checked++
		}
	}
	for (key in act_row) if (!(key in exp_row)) { print "unexpected row " key; bad++ }
	printf "%d values compared, %d mismatches\n", checked, bad
	exit bad > 0
}
