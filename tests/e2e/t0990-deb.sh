#!/bin/sh
# t0990-deb: the Debian package (make deb) on the machine the tests run on,
# as root: installed with apt-get, 'symtrend --version', one night as the
# symtrend user with the folders of /etc/symtrend.conf, systemd-analyze
# verify of its units; removed (the data kept), purged (no file left).
# Skipped, saying why, when not root, without dpkg, without the package
# built (make check builds it when root), in the sanitizer run (the package
# holds the optimised build: tested once), or when a symtrend package is
# already installed here (never touched).
. "$(dirname "$0")/lib.sh"
DEB=$(ls "$TOP"/build-deb/symtrend_*.deb 2>/dev/null | head -1)
why=""
if [ "$(id -u)" -ne 0 ]; then why="not root: installing a package needs root"
elif ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then why="no dpkg/apt-get: not a Debian system"
elif [ "${VARIANT:-build}" = build-asan ]; then why="the package holds the optimised build: tested once, in that run"
elif [ -z "$DEB" ]; then why="no package built: 'make deb' (needs scripts/install-deps.sh deb)"
elif dpkg-query -W -f='${Status}' symtrend 2>/dev/null | grep -q installed; then why="a symtrend package is installed on this machine: not touched"
fi
if [ -n "$why" ]; then
	skip "the Debian package installs, runs a night, removes and purges cleanly" "$why"
	finish
fi
# One package test at a time on this machine; apt waits for dpkg's lock.
exec 9>/tmp/symtrend-deb-test.lock
flock 9
APT="apt-get -y -q -o DPkg::Lock::Timeout=300"
export DEBIAN_FRONTEND=noninteractive

$APT install "$DEB" >apt.log 2>&1; rc=$?
check "apt-get install of the package" test $rc -eq 0
check "symtrend --version" sh -c "/usr/bin/symtrend --version | grep -qx 'symtrend [0-9.]*'"
check "the manual page" test -f /usr/share/man/man1/symtrend.1.gz
check "a system user symtrend without a login shell" sh -c "test \$(getent passwd symtrend | cut -d: -f3) -lt 1000 && getent passwd symtrend | grep -q ':/usr/sbin/nologin$'"
check "/var/lib/symtrend: 0700, owned by symtrend" test "$(stat -c '%a %U %G' /var/lib/symtrend)" = "700 symtrend symtrend"
check "/etc/symtrend.conf names the database, the inbox and the reports" sh -c "grep -q '^SYMTREND_DB=/var/lib/symtrend/symtrend.db$' /etc/symtrend.conf && grep -q '^SYMTREND_INBOX=' /etc/symtrend.conf && grep -q '^SYMTREND_OUT=' /etc/symtrend.conf"
check "... a conffile" grep -qx /etc/symtrend.conf /var/lib/dpkg/info/symtrend.conffiles
check "systemd-analyze verify accepts the service and the timer" \
	systemd-analyze verify /lib/systemd/system/symtrend-nightly.service /lib/systemd/system/symtrend-nightly.timer
check "the timer is enabled (timers.target wants it)" sh -c "test -L /etc/systemd/system/timers.target.wants/symtrend-nightly.timer || grep -qx symtrend-nightly.timer /var/lib/systemd/deb-systemd-helper-enabled/timers.target.wants/symtrend-nightly.timer 2>/dev/null || test -e /var/lib/systemd/deb-systemd-helper-enabled/timers.target.wants/symtrend-nightly.timer"

# One night as the service runs it: the user symtrend, the folders of the conffile.
install -o symtrend -g symtrend -m 0600 "$TOP/sample-data/patients.csv" /var/lib/symtrend/inbox/patients.csv
install -o symtrend -g symtrend -m 0600 "$TOP/sample-data/sessions-2025-h1.csv" /var/lib/symtrend/inbox/sessions.csv
touch -d '10 minutes ago' /var/lib/symtrend/inbox/*.csv
as_symtrend() { setpriv --reuid=symtrend --regid=symtrend --init-groups "$@"; }
(set -a && . /etc/symtrend.conf && umask 022 && SYMTREND_TODAY=2026-03-12 as_symtrend sh -c \
	'/usr/bin/symtrend --db "$SYMTREND_DB" nightly --inbox "$SYMTREND_INBOX" --out "$SYMTREND_OUT"') >night.out 2>night.err
rc=$?
check "a night as the user symtrend: exit 0" sh -c "test $rc -eq 0 || { echo exit $rc; cat night.out night.err; exit 1; }"
check "... it stored the sessions, in a 0600 database owned by symtrend" sh -c "test \"\$(stat -c '%a %U' /var/lib/symtrend/symtrend.db)\" = '600 symtrend' && test \$(sqlite3 /var/lib/symtrend/symtrend.db 'SELECT count(*) FROM patients') -eq 60"
check "... and wrote its summary and the morning page" sh -c "test -s /var/lib/symtrend/reports/2026-03-12/summary.txt && test -s /var/lib/symtrend/reports/index.html"

files=$(dpkg -L symtrend | while read -r f; do [ -f "$f" ] && echo "$f"; done)
$APT remove symtrend >apt.log 2>&1; rc=$?
check "apt-get remove" test $rc -eq 0
check "... the program is gone" test ! -e /usr/bin/symtrend
check "... the clinic's data is kept" sh -c "test -s /var/lib/symtrend/symtrend.db && test -s /var/lib/symtrend/reports/index.html"
$APT purge symtrend >apt.log 2>&1; rc=$?
check "apt-get purge" test $rc -eq 0
check "... no file of the package is left" sh -c "for f in $(echo $files) /etc/symtrend.conf /var/lib/symtrend; do test ! -e \$f || { echo \$f; exit 1; }; done"
check "... nor a unit link" sh -c "! ls /etc/systemd/system/*/symtrend-nightly.* /var/lib/systemd/deb-systemd-helper-enabled/*/symtrend-nightly.* 2>/dev/null | grep -q ."
check "dpkg knows nothing of it" sh -c "! dpkg-query -W -f='\${Status}' symtrend 2>/dev/null | grep -q ."
finish
