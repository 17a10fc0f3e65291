# Throwaway clusters for the cluster tests (ctest -L cluster): a three-node Patroni cluster of
# PostgreSQL 15 over one etcd member, and a three-node MariaDB Galera cluster. Every process
# listens on 127.0.0.1 only, on free ports, with its data under a folder the caller owns.
# Source after servers.sh; stop_servers stops these too (from the caller's EXIT trap).

# start_etcd DIR: one etcd member; sets ETCD_URL.
start_etcd() {
  local dir=$1 attempt client peer
  mkdir -p "$dir"
  for attempt in 1 2 3 4 5; do
    client=$(free_port)
    peer=$(free_port)
    etcd --name dbctl-test --data-dir "$dir/data" --listen-client-urls "http://127.0.0.1:$client" \
      --advertise-client-urls "http://127.0.0.1:$client" --listen-peer-urls "http://127.0.0.1:$peer" \
      --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "dbctl-test=http://127.0.0.1:$peer" >"$dir/etcd.log" 2>&1 &
    echo $! >"$dir/etcd.pid"
    disown # stop_clusters kills it: no "Killed" line from the shell
    started_etcd+=("$dir")
    for _ in $(seq 1 100); do
      if ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$client" endpoint health >/dev/null 2>&1; then
        ETCD_URL=127.0.0.1:$client
        return 0
      fi
      if ! kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null; then break; fi
      sleep 0.1
    done
    echo "start_etcd: attempt $attempt failed on port $client" >&2
    tail -5 "$dir/etcd.log" >&2 || true
    kill -9 "$(cat "$dir/etcd.pid")" 2>/dev/null || true
    rm -rf "$dir/data"
  done
  return 1
}

# patroni_node_config DIR NAME SCOPE ETCD REST_PORT PG_PORT PASSWORD: a node's patroni.yml.
patroni_node_config() {
  local dir=$1 name=$2 scope=$3 etcd=$4 rest=$5 port=$6 password=$7
  cat <<YAML
scope: $scope
name: $name
log: {level: WARNING}
restapi: {listen: "127.0.0.1:$rest", connect_address: "127.0.0.1:$rest"}
etcd3: {hosts: "$etcd"}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      parameters:
        fsync: "off"
        full_page_writes: "off"
        synchronous_commit: "off"
        max_connections: 300
        wal_log_hints: "on"
  initdb: [{encoding: UTF8}, {locale: C.UTF-8}, {auth: scram-sha-256}]
postgresql:
  listen: "127.0.0.1:$port"
  connect_address: "127.0.0.1:$port"
  data_dir: "$dir/data"
  bin_dir: "$pg_bin"
  pgpass: "$dir/pgpass"
  authentication:
    superuser: {username: postgres, password: "$password"}
    replication: {username: replicator, password: "$password"}
    rewind: {username: postgres, password: "$password"}
  parameters: {unix_socket_directories: "$dir"}
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
YAML
}

# start_patroni DIR: etcd and three Patroni nodes (the first bootstraps, the others stream from
# it), waited for until one leads and two replicas stream; sets PATRONI_URL (a libpq multi-host
# URL of the three nodes, as postgres), PATRONI_PASSWORD and PATRONI_CTL (DIR/patronictl: patronictl
# with this cluster's configuration). DIR/switchover, DIR/kill-primary (kill -9 of the leader's
# postmaster) and DIR/stop-primary (Patroni paused, the leader stopped: no primary until
# DIR/resume) fault it; DIR/leader prints the leading node's folder, DIR/wait-healthy waits for
# a leader and two streaming replicas.
start_patroni() {
  local dir=$1 scope name i hosts=""
  mkdir -p "$dir"
  start_etcd "$dir/etcd" || return 1
  scope=dbctl-$(random_password | head -c 8)
  PATRONI_PASSWORD=$(random_password)
  for i in 1 2 3; do
    name=node$i
    mkdir -p "$dir/$name"
    local rest port
    rest=$(free_port)
    port=$(free_port)
    patroni_node_config "$dir/$name" "$name" "$scope" "$ETCD_URL" "$rest" "$port" "$PATRONI_PASSWORD" \
      >"$dir/$name/patroni.yml"
    chmod 700 "$dir/$name"
    chmod 600 "$dir/$name/patroni.yml"
    echo "$rest" >"$dir/$name/rest-port"
    hosts+="${hosts:+,}127.0.0.1:$port"
  done
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; fi
  for i in 1 2 3; do
    # Patroni runs initdb and pg_ctl, which refuse root.
    as_user postgres patroni "$dir/node$i/patroni.yml" >"$dir/node$i/patroni.log" 2>&1 &
    disown
    started_patroni+=("$dir/node$i")
    if [[ $i -eq 1 ]]; then
      # The first node bootstraps the cluster before the others ask to join it.
      for _ in $(seq 1 600); do
        curl -sf "http://127.0.0.1:$(cat "$dir/node1/rest-port")/primary" >/dev/null 2>&1 && break
        sleep 0.1
      done
    fi
  done
  printf '#!/bin/sh\nexec patronictl -c %q "$@"\n' "$dir/node1/patroni.yml" >"$dir/patronictl"
  {
    printf '#!/usr/bin/env bash\n# Wait (up to 120 s) for a leader and two streaming replicas.\n'
    printf 'for _ in $(seq 1 1200); do\n  running=0 leader=0\n'
    printf '  for rest in %s; do\n' "$(cat "$dir"/node*/rest-port | tr '\n' ' ')"
    printf '    curl -sf "http://127.0.0.1:$rest/health" >/dev/null 2>&1 &&\n'
    printf '      curl -sf "http://127.0.0.1:$rest/primary" >/dev/null 2>&1 && leader=$((leader + 1))\n'
    printf '    curl -sf "http://127.0.0.1:$rest/replica?lag=1MB" >/dev/null 2>&1 && running=$((running + 1))\n'
    printf '  done\n  if [[ $leader -eq 1 && $running -eq 2 ]]; then exit 0; fi\n  sleep 0.1\ndone\n'
    printf 'echo "the Patroni cluster has no leader and two replicas after 120 s" >&2\n%q list >&2\nexit 1\n' \
      "$dir/patronictl"
  } >"$dir/wait-healthy"
  {
    printf '#!/usr/bin/env bash\n# Switch the leader over to a replica (Patroni picks one); print the new leader.\nset -e\n'
    printf 'leader=$(%q list -f json | /usr/bin/python3 -c %q)\n' "$dir/patronictl" \
      'import json,sys; print([m["Member"] for m in json.load(sys.stdin) if m["Role"] == "Leader"][0])'
    printf '%q switchover --leader "$leader" --force >/dev/null\n' "$dir/patronictl"
  } >"$dir/switchover"
  {
    printf '#!/usr/bin/env bash\n# Print the folder of the node that leads now.\n'
    printf 'for node in %q/node*; do\n' "$dir"
    printf '  if curl -sf "http://127.0.0.1:$(cat "$node/rest-port")/primary" >/dev/null 2>&1; then\n'
    printf '    echo "$node"\n    exit 0\n  fi\ndone\necho "no leader" >&2\nexit 1\n'
  } >"$dir/leader"
  {
    printf '#!/usr/bin/env bash\n# kill -9 the leader'"'"'s postmaster; print its node.\nset -e\n'
    printf 'node=$(%q)\nkill -9 "$(head -1 "$node/data/postmaster.pid")"\nbasename "$node"\n' "$dir/leader"
  } >"$dir/kill-primary"
  {
    printf '#!/usr/bin/env bash\n# Pause Patroni (no failover) and stop the leader'"'"'s PostgreSQL: no primary at all.\nset -e\n'
    printf '%q pause --wait >/dev/null\nnode=$(%q)\n' "$dir/patronictl" "$dir/leader"
    printf '%s %q -D "$node/data" -m fast -w stop >/dev/null\nbasename "$node"\n' \
      "$( [[ $(id -u) -eq 0 ]] && echo 'runuser -u postgres --')" "$pg_bin/pg_ctl"
  } >"$dir/stop-primary"
  printf '#!/bin/sh\n# Resume Patroni: it starts what stop-primary stopped.\nexec %q resume --wait >/dev/null\n' \
    "$dir/patronictl" >"$dir/resume"
  chmod 755 "$dir/patronictl" "$dir/wait-healthy" "$dir/switchover" "$dir/leader" "$dir/kill-primary" "$dir/stop-primary" "$dir/resume"
  if ! "$dir/wait-healthy"; then
    tail -20 "$dir"/node*/patroni.log >&2 || true
    return 1
  fi
  PATRONI_CTL=$dir/patronictl
  PATRONI_URL="postgres://postgres:$PATRONI_PASSWORD@$hosts/postgres"
}

# start_galera_cluster DIR: three MariaDB Galera nodes (start_mariadb each, under DIR/node1..3):
# node1 bootstraps the cluster, node2 and node3 join it by rsync SST; every gcomm, IST and SST
# address on a free loopback port. Sets GALERA_URL (mysql:// with the three nodes as hosts, as
# root), GALERA_PORTS (space-separated, node1 first) and GALERA_PASSWORD. DIR/nodeN/kill kills
# node N (-9); DIR/nodeN/restart starts it again (after a kill too: it rejoins by IST or SST).
start_galera_cluster() {
  local dir=$1 i gcomm=() ist=() sst=() members="" hosts=""
  for i in 1 2 3; do
    gcomm+=("$(free_port)")
    ist+=("$(free_port)")
    sst+=("$(free_port)")
    members+="${members:+,}127.0.0.1:${gcomm[$((i - 1))]}"
  done
  GALERA_PASSWORD=$(random_password)
  GALERA_PORTS=""
  for i in 1 2 3; do
    local k=$((i - 1)) bootstrap=()
    # Only the first start of node1 makes a new cluster; its restart script joins the others.
    if [[ $i -eq 1 ]]; then bootstrap=(--wsrep-new-cluster); fi
    MYSQL_CLUSTER_PASSWORD=$GALERA_PASSWORD start_mariadb "$dir/node$i" --wsrep-on=ON \
      --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=dbctl-test \
      --wsrep-cluster-address="gcomm://$members" --wsrep-node-name="node$i" \
      --wsrep-node-address="127.0.0.1:${gcomm[$k]}" --wsrep-sst-method=rsync \
      --wsrep-sst-receive-address="127.0.0.1:${sst[$k]}" \
      --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${gcomm[$k]};ist.recv_addr=127.0.0.1:${ist[$k]};gcache.size=32M;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.install_timeout=PT3S;evs.join_retrans_period=PT0.5S" \
      --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 "${bootstrap[@]}" || return 1
    sed -i 's/ --wsrep-new-cluster//' "$dir/node$i/restart"
    printf '#!/bin/sh\n# kill -9 this node.\nkill -9 "$(cat %q)"\necho node%d\n' "$dir/node$i/mysqld.pid" "$i" \
      >"$dir/node$i/kill"
    chmod 755 "$dir/node$i/kill"
    GALERA_PORTS+="${GALERA_PORTS:+ }$MYSQL_PORT"
    hosts+="${hosts:+,}127.0.0.1:$MYSQL_PORT"
  done
  # Each joiner answered ping after its SST; the cluster is whole once node1 counts three.
  for _ in $(seq 1 600); do
    if [[ $(mariadb --no-defaults --socket="$dir/node1/mysqld.sock" -u root -N -B \
      -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2) == 3 ]]; then
      GALERA_URL="mysql://root:$GALERA_PASSWORD@$hosts/"
      return 0
    fi
    sleep 0.1
  done
  echo "start_galera_cluster: the cluster did not reach three nodes" >&2
  tail -20 "$dir"/node*/error.log >&2 || true
  return 1
}

# stop_clusters: stop the Patroni nodes (and their PostgreSQL servers), then etcd.
stop_clusters() {
  local node
  for node in "${started_patroni[@]}"; do
    pkill -9 -f -- "$node/patroni.yml" 2>/dev/null || true # runuser's child, not its pid
    if [[ -f "$node/data/postmaster.pid" ]]; then
      as_user postgres "$pg_bin/pg_ctl" -D "$node/data" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  for node in "${started_etcd[@]}"; do
    if [[ -f "$node/etcd.pid" ]]; then kill -9 "$(cat "$node/etcd.pid")" 2>/dev/null || true; fi
  done
  started_patroni=()
  started_etcd=()
}
