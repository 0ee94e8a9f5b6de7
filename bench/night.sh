#!/bin/sh
# night.sh DB INBOX N - drops a day's export of N new sessions (one each for
# N existing patients of the benchmark database) into INBOX.
set -eu
db=$1 inbox=$2 n=$3
sqlite3 "$db" "SELECT patient_id FROM patients ORDER BY id LIMIT $n" |
awk -v month="${NIGHT_MONTH:-2030-01}" 'BEGIN { print "patient_id,session_date,fatigue,sleep,focus,pain,therapist,notes" }
     { printf "%s,%s-%02d,%d,%d,%d,%d,Anna Berg,nightly benchmark\n", $1, month, NR % 28 + 1,
       NR % 11, (NR * 7) % 11, (NR * 3) % 11, (NR * 5) % 11 }' >"$inbox/day.csv"
touch -d '10 minutes ago' "$inbox/day.csv"
