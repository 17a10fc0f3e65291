# Throwaway PostgreSQL 15 and MariaDB servers for the tests and the demo.
# Each server listens on 127.0.0.1 only, on a free port, with its data under a folder the
# caller owns (and removes). Source this file; call stop_servers from an EXIT trap.

pg_bin=/usr/lib/postgresql/15/bin
started_pg=()
started_mysql=()
started_pgbouncer=()
started_redis=()
started_patroni=()
started_etcd=()

# Print a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port found" >&2
  return 1
}

# Run a command as a service account when root (initdb refuses root), else as ourselves.
as_user() {
  local user=$1
  shift
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

random_password() {
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24
}

# start_postgres DIR: init and start a server; sets PG_URL, PG_PORT, PG_LOG, PG_PASSWORD.
# DIR/restart restarts it (fast shutdown: sessions are ended, open transactions roll back).
start_postgres() {
  local dir=$1
  mkdir -p "$dir"
  PG_PASSWORD=$(random_password)
  printf '%s\n' "$PG_PASSWORD" >"$dir/pwfile"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; fi
  as_user postgres "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pwfile"
  PG_LOG=$dir/server.log
  # log_statement=all lets tests prove that no password reaches the server log.
  pg_start "$dir" start_postgres "-c log_statement=all -c synchronous_commit=off -c full_page_writes=off" ||
    return 1
  PG_PORT=$STARTED_PORT
  PG_URL="postgres://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
  local as=()
  if [[ $(id -u) -eq 0 ]]; then as=(runuser -u postgres --); fi
  printf '#!/bin/sh\nexec %s %q -D %q -l %q -w -t 60 -m fast restart >/dev/null\n' \
    "${as[*]}" "$pg_bin/pg_ctl" "$dir/data" "$PG_LOG" >"$dir/restart"
  chmod 755 "$dir/restart"
}

# pg_start DIR WHO SETTINGS: start the cluster in DIR/data on a free port (five tries), its log
# DIR/server.log, with dbctl's test settings and SETTINGS; sets STARTED_PORT.
pg_start() {
  local dir=$1 who=$2 settings=$3 attempt
  for attempt in 1 2 3 4 5; do
    STARTED_PORT=$(free_port)
    if as_user postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -p $STARTED_PORT -k $dir -c fsync=off -c max_connections=300 $settings" \
      start >/dev/null; then
      started_pg+=("$dir/data")
      return 0
    fi
    echo "$who: attempt $attempt failed on port $STARTED_PORT" >&2
    tail -5 "$dir/server.log" >&2 || true
  done
  return 1
}

# make_tls DIR: a throwaway CA and a server certificate for 127.0.0.1 in DIR.
make_tls() {
  local tls=$1
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dbctl test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/san.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile "$tls/san.ext" -out "$tls/server.pem" >/dev/null 2>&1
}

# start_mariadb DIR: init and start a server with TLS; sets MYSQL_URL, MYSQL_PORT, MYSQL_LOG,
# MYSQL_PASSWORD and MYSQL_CA (the CA that signed its certificate). DIR/restart stops it
# (SIGTERM: a normal shutdown) and starts it again on the same port.
start_mariadb() {
  local dir=$1 attempt extra=("${@:2}")
  mkdir -p "$dir/data"
  make_tls "$dir/tls"
  MYSQL_CA=$dir/tls/ca.pem
  if [[ $(id -u) -eq 0 ]]; then chown -R mysql:mysql "$dir"; fi
  # root@localhost as Debian ships it: unix_socket (or an invalid password). MariaDB then
  # refuses an unknown user with error 1698 instead of 1045 for some names, which dbctl must
  # read as "not created yet" too. dbctl and the tests log in as root@127.0.0.1 by password.
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=mysql \
    --skip-test-db >"$dir/install.log" 2>&1 ||
    { cat "$dir/install.log" >&2; return 1; }
  MYSQL_PASSWORD=${MYSQL_CLUSTER_PASSWORD:-$(random_password)} # a cluster's nodes share their users
  MYSQL_LOG=$dir/general.log
  for attempt in 1 2 3 4 5; do
    MYSQL_PORT=$(free_port)
    local args=(--no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock"
      --port="$MYSQL_PORT" --bind-address=127.0.0.1 --user=mysql --pid-file="$dir/mysqld.pid"
      --log-error="$dir/error.log" --general-log=1 --general-log-file="$MYSQL_LOG"
      --skip-name-resolve --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0
      --max-connections=300 --ssl-ca="$dir/tls/ca.pem" --ssl-cert="$dir/tls/server.pem"
      --ssl-key="$dir/tls/server.key" "${extra[@]}")
    mariadbd "${args[@]}" >/dev/null 2>&1 &
    local pid=$!
    disown # a test may kill it (-9): no "Killed" line from this shell
    {
      # A server killed (-9) before is just started again.
      printf '#!/usr/bin/env bash\nset -e\npid=$(cat %q)\n' "$dir/mysqld.pid"
      printf 'if [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = mariadbd ]; then kill "$pid"; fi\n'
      printf 'while [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = mariadbd ]; do sleep 0.1; done\n'
      printf 'mariadbd'
      printf ' %q' "${args[@]}"
      printf ' >/dev/null 2>&1 &\n'
      printf 'for _ in $(seq 1 240); do mariadb-admin --no-defaults --socket=%q -u root ping >/dev/null 2>&1 && exit 0; sleep 0.25; done\nexit 1\n' "$dir/mysqld.sock"
    } >"$dir/restart"
    chmod 755 "$dir/restart"
    for _ in $(seq 1 120); do
      if mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -u root ping >/dev/null 2>&1; then
        break
      fi
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      sleep 0.25
    done
    if mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -u root ping >/dev/null 2>&1; then
      started_mysql+=("$dir")
      # The admin password stays out of the general log the secrets tests read.
      mariadb --no-defaults --socket="$dir/mysqld.sock" -u root <<SQL
SET SESSION sql_log_off = 1;
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
SQL
      MYSQL_URL="mysql://root:$MYSQL_PASSWORD@127.0.0.1:$MYSQL_PORT/"
      return 0
    fi
    echo "start_mariadb: attempt $attempt failed on port $MYSQL_PORT" >&2
    tail -5 "$dir/error.log" >&2 || true
  done
  return 1
}

# start_postgres_standby DIR PRIMARY_PORT PRIMARY_PASSWORD: a streaming standby of the server on
# PRIMARY_PORT (pg_basebackup -R), read-only, on a free port of its own; sets STANDBY_PORT.
start_postgres_standby() {
  local dir=$1 primary_port=$2 password=$3
  mkdir -p "$dir"
  printf '127.0.0.1:%s:*:postgres:%s\n' "$primary_port" "$password" >"$dir/pgpass"
  chmod 600 "$dir/pgpass"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; fi
  as_user postgres env PGPASSFILE="$dir/pgpass" "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" \
    -U postgres -D "$dir/data" -R -X stream >"$dir/basebackup.log" 2>&1 ||
    { cat "$dir/basebackup.log" >&2; return 1; }
  pg_start "$dir" start_postgres_standby "" || return 1
  STANDBY_PORT=$STARTED_PORT
}

# start_galera DIR: a MariaDB Galera node that bootstraps a cluster of its own (gcomm:// on a
# free loopback port), otherwise as start_mariadb (same variables set). One node: enough to
# see wsrep_on=ON and the cluster's certification; not yet the three-node cluster of issue 22.
start_galera() {
  local dir=$1 gcomm
  gcomm=$(free_port)
  start_mariadb "$dir" --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so \
    --wsrep-cluster-address=gcomm:// --wsrep-new-cluster --wsrep-node-address="127.0.0.1:$gcomm" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gcomm;gcache.size=16M" \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2
}

# start_pgbouncer DIR PG_PORT PG_PASSWORD: a PgBouncer in transaction pooling mode in front of
# the PostgreSQL server on PG_PORT, one server connection per database and user (so that two
# clients provably share one); sets PGBOUNCER_URL (as postgres) and PGBOUNCER_PORT.
start_pgbouncer() {
  local dir=$1 pg_port=$2 password=$3 attempt
  mkdir -p "$dir"
  printf '"postgres" "%s"\n' "$password" >"$dir/userlist.txt"
  for attempt in 1 2 3 4 5; do
    PGBOUNCER_PORT=$(free_port)
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 1
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    chmod 600 "$dir/userlist.txt"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; fi
    # PgBouncer refuses to run as root.
    if as_user postgres pgbouncer -d "$dir/pgbouncer.ini" >/dev/null 2>&1; then
      for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PGBOUNCER_PORT") 2>/dev/null; then
          started_pgbouncer+=("$dir")
          PGBOUNCER_URL="postgres://postgres:$password@127.0.0.1:$PGBOUNCER_PORT/postgres"
          return 0
        fi
        sleep 0.1
      done
    fi
    echo "start_pgbouncer: attempt $attempt failed on port $PGBOUNCER_PORT" >&2
    tail -5 "$dir/pgbouncer.log" >&2 || true
  done
  return 1
}

# start_redis DIR: a Redis 7 with ACLs (the default user behind a password), on a plain port and
# a TLS port, every command in its slow log (so tests can read what reached it); sets REDIS_URL,
# REDIS_TLS_URL, REDIS_PORT, REDIS_PASSWORD and REDIS_CA. The password is in DIR/redis.conf
# (mode 600), never on a command line.
start_redis() {
  local dir=$1 attempt
  mkdir -p "$dir"
  REDIS_PASSWORD=$(random_password)
  make_tls "$dir/tls"
  REDIS_CA=$dir/tls/ca.pem
  for attempt in 1 2 3 4 5; do
    REDIS_PORT=$(free_port)
    REDIS_TLS_PORT=$(free_port)
    cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
tls-port $REDIS_TLS_PORT
tls-cert-file $dir/tls/server.pem
tls-key-file $dir/tls/server.key
tls-ca-cert-file $dir/tls/ca.pem
tls-auth-clients no
requirepass $REDIS_PASSWORD
dir $dir
save ""
appendonly no
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
slowlog-log-slower-than 0
slowlog-max-len 100000
CONF
    chmod 600 "$dir/redis.conf"
    if redis-server "$dir/redis.conf" >/dev/null 2>&1; then
      for _ in $(seq 1 100); do
        if REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -p "$REDIS_PORT" PING 2>/dev/null | grep -q PONG; then
          started_redis+=("$dir")
          REDIS_URL="redis://default:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
          REDIS_TLS_URL="rediss://default:$REDIS_PASSWORD@127.0.0.1:$REDIS_TLS_PORT"
          return 0
        fi
        sleep 0.1
      done
    fi
    echo "start_redis: attempt $attempt failed on port $REDIS_PORT" >&2
    tail -5 "$dir/redis.log" >&2 || true
  done
  return 1
}

# Stop every server this shell started.
stop_servers() {
  local data dir
  for data in "${started_pg[@]}"; do
    as_user postgres "$pg_bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  done
  for dir in "${started_mysql[@]}"; do
    if [[ -f "$dir/mysqld.pid" ]]; then
      local pid
      pid=$(cat "$dir/mysqld.pid")
      # A node killed by a test leaves its pid file: that pid may be another process's now.
      [[ $(ps -p "$pid" -o comm= 2>/dev/null) == mariadbd ]] || continue
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  for dir in "${started_pgbouncer[@]}"; do
    if [[ -f "$dir/pgbouncer.pid" ]]; then kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; fi
  done
  for dir in "${started_redis[@]}"; do
    if [[ -f "$dir/redis.pid" ]]; then kill -9 "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  done
  stop_clusters
  started_pg=()
  started_mysql=()
  started_pgbouncer=()
  started_redis=()
}

# shellcheck source=clusters.sh
source "$(dirname "${BASH_SOURCE[0]}")/clusters.sh"
