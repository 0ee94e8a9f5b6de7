#!/bin/sh
# t0817-encodings: encodings guessed right.  A UTF-8 file with umlauts is
# read as UTF-8 even when input_encoding (or --encoding) names WINDOWS-1252,
# never decoded twice ("MÃ¼ller"); a Windows-1252 file is still read in
# it; a file that starts as UTF-8 and then has a Windows-1252 byte is
# refused with the reason.  UTF-16 and UTF-32 without a byte-order mark are
# told from their zero bytes (and UTF-32 with one); other zero bytes are
# refused with a hint of the encoding.
. "$(dirname "$0")/lib.sh"

DD=$DATA/dialects
export SYMTREND_TODAY=2025-12-01
"$SYMTREND" --db "$T/clean.db" ingest "$DD/clean.csv" >/dev/null 2>&1
"$SYMTREND" --db "$T/clean.db" stats --format csv >"$T/clean.stats"

# same DESC FILE ARGS...: ingested into a new database without rejects, the
# same statistics and therapists as the clean file.
same() {
	desc=$1 file=$2; shift 2
	rm -f "$T/x.db"
	"$SYMTREND" --db "$T/x.db" ingest "$@" "$file" >"$T/out" 2>"$T/err"; rc=$?
	if [ "$rc" -ne 0 ]; then nok "$desc" "exit $rc: $(cat "$T/err")"; return; fi
	"$SYMTREND" --db "$T/x.db" stats --format csv >"$T/x.stats" 2>&1
	if ! cmp -s "$T/clean.stats" "$T/x.stats"; then nok "$desc" "$(diff "$T/clean.stats" "$T/x.stats" | head)"; return; fi
	if [ "$(sqlite3 "$T/x.db" "SELECT group_concat(DISTINCT therapist) FROM (SELECT therapist FROM sessions ORDER BY therapist)")" = "Anna Berg,Jürgen Müller,Zoë Straße" ]; then
		ok "$desc"; else nok "$desc" "therapists: $(sqlite3 "$T/x.db" 'SELECT DISTINCT therapist FROM sessions')"; fi
}

cp "$DD/clean.csv" utf8.csv
same "UTF-8 with umlauts under --encoding WINDOWS-1252: read as UTF-8" utf8.csv --encoding WINDOWS-1252
same "... and under --encoding ISO-8859-15" utf8.csv --encoding ISO-8859-15
same "a Windows-1252 file is still read in it" "$DD/german.csv" --encoding WINDOWS-1252
# UTF-8 first, then one Windows-1252 byte (0xfc, u-umlaut) on a later line
{ cat "$DD/clean.csv"; printf 'D09,2025-06-01,5,4,3,2,J\374rgen,\n'; } >mixed.csv
expect 1 "UTF-8, then a Windows-1252 byte: refused" ingest --encoding WINDOWS-1252 mixed.csv
grep_err "with the reason, never garbled" "not valid UTF-8 (read as UTF-8: its first characters beyond ASCII were UTF-8, though WINDOWS-1252 was named; a file mixing the two is refused) (byte 0xfc"
check "nothing stored" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0
# Windows-1252 first (a lone 0xfc), then bytes that are UTF-8: refused too
printf 'patient_id,session_date,fatigue,sleep,focus,pain,therapist\nW1,2025-01-02,5,5,5,5,J\374rgen\nW1,2025-01-03,4,4,4,4,J\303\274rgen\n' >w1252.csv
expect 1 "Windows-1252 first, then a UTF-8 character: refused" ingest --encoding WINDOWS-1252 w1252.csv
grep_err "at the line of the UTF-8 character" "w1252.csv:3: mixes WINDOWS-1252 and UTF-8: the bytes at offset 111 are a UTF-8 character (refused, never stored garbled)"
check "nothing stored, nothing garbled" test "$(sqlv 'SELECT count(*) FROM sessions')" = 0
rm -f db
# input_encoding in the nightly: LibreOffice's default CSV (UTF-8)
expect 0 "input_encoding WINDOWS-1252" config set input_encoding WINDOWS-1252
mkdir -p inbox && cp "$DD/clean.csv" inbox/libreoffice.csv && touch -d '10 minutes ago' inbox/*
expect 0 "the nightly reads a UTF-8 file under input_encoding WINDOWS-1252" nightly --inbox inbox --out rep
check "Müller once, not MÃ¼ller" test "$(sqlv "SELECT count(DISTINCT therapist) FROM sessions WHERE therapist LIKE 'J%'")" = 1
check "stored as UTF-8" test "$(sqlv "SELECT count(*) FROM sessions WHERE therapist = 'Jürgen Müller'")" -gt 0
rm -f db

# --- UTF-16 and UTF-32 without a byte-order mark ------------------------------------
for enc in utf-16-le utf-16-be utf-32-le utf-32-be; do
	python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding="utf-8").read().encode(sys.argv[2]))' "$DD/clean.csv" $enc >$enc.csv
	same "$enc without a BOM: told from its zero bytes" $enc.csv
done
python3 -c 'import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding="utf-8").read().encode("utf-32"))' "$DD/clean.csv" >utf-32-bom.csv
same "UTF-32 with its BOM" utf-32-bom.csv
same "UTF-16LE without a BOM under input_encoding WINDOWS-1252" utf-16-le.csv --encoding WINDOWS-1252
printf 'patient_id,session_date,fatigue\0\nP1,2025-01-02,5\n' >zero.csv
expect 1 "other zero bytes" ingest zero.csv
grep_err "refused with a hint of the encoding" "zero.csv:1: header is not valid CSV: it has zero bytes (UTF-16 or UTF-32 without a byte-order mark? save the file as UTF-8, or name its encoding with --encoding UTF-16LE)"
finish
