#!/usr/bin/env bash
# Rehearse PostgreSQL point-in-time recovery (docs/operations.md, "Back-ups"), start to end, on a
# throw-away cluster in a temporary directory (loopback only), with Meldpunt's own schema:
#
#   1. a cluster with WAL archiving (archive_mode=on, archive_command copies each segment);
#   2. meldpunt migrate, and processing-log records written by the product;
#   3. a base backup (pg_basebackup);
#   4. more records after the base backup (must come back from the archived WAL);
#   5. the moment to return to, then a mistake (records deleted behind the product's back);
#   6. the cluster is lost (stopped with -m immediate, its data directory set aside);
#   7. recovery: the base backup + restore_command from the archive + recovery_target_time;
#   8. checks: every record up to the moment is back, the mistake is not, and
#      `meldpunt verify-processing-log` finds the hash chain intact.
#
# Usage: deploy/pitr-rehearsal.sh   (from the repository, after make install; takes ~30 s)
# Needs the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup). Run as root, the
# server programs run as the "postgres" user. Not part of `make test` (slow, starts a server).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
meldpunt="${repo}/.venv/bin/meldpunt"
pgbin="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"
port="${PITR_PORT:-54329}"
records_before="${PITR_RECORDS_BEFORE:-500}"
records_after="${PITR_RECORDS_AFTER:-300}"

[[ -x "${meldpunt}" ]] || { echo "eerst: make install" >&2; exit 1; }
[[ -x "${pgbin}/initdb" ]] || { echo "PostgreSQL-serverprogramma's niet gevonden (PGBIN)" >&2; exit 1; }

work="$(mktemp -d /tmp/meldpunt-pitr.XXXXXX)"
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[[ "$(id -u)" == 0 ]] && chown postgres: "${work}"
cleanup() {
  as_pg "${pgbin}/pg_ctl" -D "${work}/data" stop -m immediate >/dev/null 2>&1 || true
  as_pg "${pgbin}/pg_ctl" -D "${work}/restored" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "${work}"
}
trap cleanup EXIT
step() { printf '\n== %s (%(%H:%M:%S)T)\n' "$*" -1; }
sql() { as_pg "${pgbin}/psql" -X -q -At -h 127.0.0.1 -p "${port}" -U postgres -d "${1}" -c "${2}"; }

export DJANGO_SETTINGS_MODULE=meldpunt.conf.settings MELDPUNT_ENV_FILE=/nonexistent
export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/meldpunt"
export DJANGO_SECRET_KEY="pitr-rehearsal-$(openssl rand -hex 16)"
export MELDPUNT_ENCRYPTION_KEYS="k1:$(openssl rand -base64 32)" MELDPUNT_ENCRYPTION_ACTIVE_KEY=k1
export MELDPUNT_BLIND_INDEX_KEY="$(openssl rand -base64 32)"
write_records() {  # $1 = how many, $2 = label
  "${meldpunt}" shell --no-imports -c "
from meldpunt.privacy.services import Processing, processing_log_record_many
for i in range(${1}):
    processing_log_record_many(actor=None, activity='intake', action='create', name='pitr-${2}',
        items=[Processing(f'${2}-{i}', 'signal', i)])
"
}

step "1. cluster met WAL-archivering in ${work}"
as_pg mkdir -p "${work}/wal"
as_pg "${pgbin}/initdb" -D "${work}/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"${work}/data/postgresql.conf" <<CONF
port = ${port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${work}'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f ${work}/wal/%f && cp %p ${work}/wal/%f'
CONF
as_pg "${pgbin}/pg_ctl" -D "${work}/data" -l "${work}/data.log" -w start >/dev/null
sql postgres "CREATE DATABASE meldpunt"

step "2. meldpunt migrate en ${records_before} records in het verwerkingslog"
"${meldpunt}" migrate --noinput -v0
write_records "${records_before}" voor

step "3. basisback-up (pg_basebackup)"
as_pg "${pgbin}/pg_basebackup" -h 127.0.0.1 -p "${port}" -U postgres -D "${work}/base" -Fp -Xstream -c fast
du -sh "${work}/base" | cut -f1 | sed 's/^/   grootte: /'

step "4. ${records_after} records na de basisback-up"
write_records "${records_after}" na
expected="$(sql meldpunt 'SELECT count(*) FROM privacy_processinglogentry')"
sleep 1
target="$(sql meldpunt "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US TZH:TZM')")"
sleep 1
echo "   ${expected} records; hersteldoel: ${target}"

step "5. een vergissing: records buiten het product om verwijderd"
sql meldpunt "DELETE FROM privacy_processinglogentry WHERE name = 'pitr-na'"
echo "   nu $(sql meldpunt 'SELECT count(*) FROM privacy_processinglogentry') records"
segment="$(sql meldpunt 'SELECT pg_walfile_name(pg_switch_wal())')"
for _ in $(seq 1 60); do
  [[ -f "${work}/wal/${segment}" ]] && break
  sleep 0.5
done
[[ -f "${work}/wal/${segment}" ]] || { echo "WAL-segment ${segment} niet gearchiveerd" >&2; exit 1; }
echo "   gearchiveerd: $(ls "${work}/wal" | wc -l) WAL-segment(en), laatste ${segment}"

step "6. de server valt weg"
as_pg "${pgbin}/pg_ctl" -D "${work}/data" stop -m immediate >/dev/null

step "7. herstel: basisback-up + WAL-archief tot ${target}"
as_pg cp -a "${work}/base" "${work}/restored"
cat >>"${work}/restored/postgresql.auto.conf" <<CONF
restore_command = 'cp ${work}/wal/%f %p'
recovery_target_time = '${target}'
recovery_target_action = 'promote'
CONF
as_pg touch "${work}/restored/recovery.signal"
as_pg "${pgbin}/pg_ctl" -D "${work}/restored" -l "${work}/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 1 60); do
  [[ "$(sql postgres 'SELECT pg_is_in_recovery()')" == f ]] && break
  sleep 0.5
done
grep -E "recovery stopping|archive recovery complete|selected new timeline" "${work}/restored.log" | sed 's/^/   /' || true

step "8. controle"
found="$(sql meldpunt 'SELECT count(*) FROM privacy_processinglogentry')"
after="$(sql meldpunt "SELECT count(*) FROM privacy_processinglogentry WHERE name = 'pitr-na'")"
echo "   ${found} records terug (verwacht ${expected}), waarvan ${after} van na de basisback-up"
"${meldpunt}" verify-processing-log | sed 's/^/   /'
if [[ "${found}" != "${expected}" || "${after}" != "${records_after}" ]]; then
  echo "HERSTEL MISLUKT" >&2
  exit 1
fi
echo
echo "Herstel naar een tijdstip geslaagd."
