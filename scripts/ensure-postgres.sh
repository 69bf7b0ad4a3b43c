#!/usr/bin/env bash
# Make sure the PostgreSQL server the database tests use is up: 127.0.0.1:5432, user postgres,
# trust authentication. Starts an installed cluster that is down; installs one from Debian's
# packages only where there is none and we are root (a fresh CI machine), and then allows
# trust on loopback, which only such a throw-away server may. Never fails: without a server
# the tests marked `postgres` skip, except when CI is set, where they fail and say why.
set -u

ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }

ready && exit 0

installed=no
if ! command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
   && command -v apt-get >/dev/null 2>&1; then
  echo "make test: installing PostgreSQL from Debian's packages for the database tests" >&2
  if apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
     apt-get install -y -qq postgresql >/dev/null; then
    installed=yes
  fi
fi

if command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    if [ "$installed" = yes ] && [ -w "$hba" ]; then
      printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
        | cat - "$hba" > "$hba.new" && mv "$hba.new" "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 \
      || pg_ctlcluster --skip-systemctl-redirect "$version" main reload >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 20); do ready && exit 0; sleep 0.5; done
fi

echo "make test: no PostgreSQL server on 127.0.0.1:5432; the database tests will skip" >&2
exit 0
