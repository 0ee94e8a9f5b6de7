#!/bin/sh
# night.sh DB INBOX N [P] - drops a day's export of N new sessions for P
# existing patients of the benchmark database (default P = N: one each) into
# INBOX, dated in NIGHT_MONTH (default 2030-01), days 1-28.
set -eu
db=$1 inbox=$2 n=$3 p=${4:-$3}
sqlite3 "$db" "SELECT patient_id FROM patients ORDER BY id LIMIT $p" |
awk -v month="${NIGHT_MONTH:-2030-01}" -v n="$n" -v p="$p" '
     { id[NR] = $1 }
     END { print "patient_id,session_date,fatigue,sleep,focus,pain,therapist,notes"
	   per = int(n / p)
	   for (i = 1; i <= n; i++) {
		k = (i - 1) % p + 1; d = int((i - 1) / p)
		printf "%s,%s-%02d,%d,%d,%d,%d,Anna Berg,nightly benchmark\n", id[k], month,
		       28 - d * int(28 / (per > 0 ? per : 1)) - (k % 3), i % 11, (i * 7) % 11, (i * 3) % 11, (i * 5) % 11 } }' >"$inbox/day.csv"
touch -d '10 minutes ago' "$inbox/day.csv"
