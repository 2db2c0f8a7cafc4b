#!/usr/bin/env bash
# Real servers for the production adapters' integration suites, on loopback, without Docker:
#   scripts/servers.sh start [kafka|mongo|ferretdb|postgres ...]   install if missing, start, wait until each answers
#   scripts/servers.sh stop  [names ...]                           stop them by their pids
#   scripts/servers.sh env                                         the variables the suites read, as `export` lines
#   scripts/servers.sh status
# Each instance lives in $ORDO_SERVERS_DIR/run/<name>-<port> (data, log, pid), so a second one on another
# port (an older Kafka, a private MongoDB to stop in a fault test) never touches the first.
# Downloads land in $ORDO_SERVERS_DIR/cache and are reused; a fresh machine fetches them from the registries.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/scripts/servers"
dir="${ORDO_SERVERS_DIR:-$root/.servers}"
cache="$dir/cache"

kafka_version="${KAFKA_VERSION:-4.4.0}"
kafka_port="${KAFKA_PORT:-9092}"
mongo_port="${MONGO_PORT:-27017}"
ferretdb_port="${FERRETDB_PORT:-27018}"
postgres_port="${PG_PORT:-55432}"
all_servers=(kafka mongo ferretdb postgres)

log() { echo "servers: $*" >&2; }
die() { log "$*"; exit 1; }

instance_dir() { # name port
  if [[ "$1" == postgres ]]; then
    # Under /tmp: the `postgres` account must reach it (a clone under /root is closed to it), and the
    # Unix socket path inside it must stay under 108 bytes.
    echo "${TMPDIR:-/tmp}/ordo-postgres-$(echo "$dir" | sha256sum | cut -c1-8)-$2"
  else
    echo "$dir/run/$1-$2"
  fi
}

port_of() {
  case "$1" in
    kafka) echo "$kafka_port" ;; mongo) echo "$mongo_port" ;;
    ferretdb) echo "$ferretdb_port" ;; postgres) echo "$postgres_port" ;;
    *) die "unknown server '$1' (known: ${all_servers[*]})" ;;
  esac
}

is_running() { # pidfile
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# Fails with the log's tail, so CI shows why a server did not come up instead of skipping its suites.
wait_until_ready() { # name log pidfile probe...
  local name="$1" logfile="$2" pidfile="$3"
  shift 3
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then log "$name ready"; return 0; fi
    is_running "$pidfile" || break
    sleep 1
  done
  log "$name did not become ready; last lines of $logfile:"
  tail -n 40 "$logfile" >&2 || true
  exit 1
}

probe() { # kind address
  node "$here/probe.mjs" "$@"
}

maven_classpath() { # pom-dir output-dir [-Dproperty=value ...]
  local pom="$1" out="$2"
  shift 2
  [[ -d "$out" ]] && return 0
  log "fetching $(basename "$pom") into $out"
  mvn -q -B -Dstyle.color=never -f "$pom/pom.xml" "$@" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out.partial"
  mv "$out.partial" "$out"
}

start_kafka() {
  local run lib
  run="$(instance_dir kafka "$kafka_port")"
  lib="$cache/kafka-$kafka_version/lib"
  is_running "$run/pid" && { log "kafka on $kafka_port already running"; return 0; }
  maven_classpath "$here/kafka" "$lib" "-Dkafka.version=$kafka_version"
  rm -rf "$run" && mkdir -p "$run"
  sed -e "s#@PORT@#$kafka_port#g; s#@CONTROLLER_PORT@#$((kafka_port + 1))#g; s#@DATA@#$run/data#g" \
    "$here/kafka/server.properties" >"$run/server.properties"
  local cluster_id
  cluster_id="$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  java -cp "$lib/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$run/server.properties" >"$run/format.log" 2>&1 \
    || { tail -n 20 "$run/format.log" >&2; die "kafka storage format failed"; }
  nohup java -Xms256m -Xmx1g -XX:+UseSerialGC -cp "$lib/*" kafka.Kafka "$run/server.properties" >"$run/log" 2>&1 &
  echo $! >"$run/pid"
  wait_until_ready "kafka $kafka_version on $kafka_port" "$run/log" "$run/pid" probe kafka "127.0.0.1:$kafka_port"
}

start_mongo() {
  local run lib
  run="$(instance_dir mongo "$mongo_port")"
  lib="$cache/mongo-java-server/lib"
  is_running "$run/pid" && { log "mongo-java-server on $mongo_port already running"; return 0; }
  maven_classpath "$here/mongo-java-server" "$lib"
  rm -rf "$run" && mkdir -p "$run"
  nohup java -Xms256m -Xmx2g -XX:+UseSerialGC -cp "$lib/*" "$here/mongo-java-server/MongoJavaServer.java" \
    127.0.0.1 "$mongo_port" >"$run/log" 2>&1 &
  echo $! >"$run/pid"
  wait_until_ready "mongo-java-server on $mongo_port" "$run/log" "$run/pid" probe mongo "mongodb://127.0.0.1:$mongo_port/"
}

start_ferretdb() {
  local run bin
  run="$(instance_dir ferretdb "$ferretdb_port")"
  bin="$cache/ferretdb/ferretdb-$(sha256sum "$here/ferretdb/go.sum" | cut -c1-12)"
  is_running "$run/pid" && { log "ferretdb on $ferretdb_port already running"; return 0; }
  if [[ ! -x "$bin" ]]; then
    log "building FerretDB into $bin"
    mkdir -p "$(dirname "$bin")"
    (cd "$here/ferretdb" && CGO_ENABLED=0 go build -o "$bin.partial" . && mv "$bin.partial" "$bin")
  fi
  # ORDO_SERVERS_KEEP_DATA=1 restarts on the same SQLite files (an outage test needs the data back).
  [[ "${ORDO_SERVERS_KEEP_DATA:-}" == 1 ]] || rm -rf "$run"
  mkdir -p "$run/data"
  nohup "$bin" -listen "127.0.0.1:$ferretdb_port" -handler sqlite -sqlite-url "file:$run/data/" >"$run/log" 2>&1 &
  echo $! >"$run/pid"
  wait_until_ready "ferretdb on $ferretdb_port" "$run/log" "$run/pid" probe mongo "mongodb://127.0.0.1:$ferretdb_port/"
}

postgres_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$found" || ! -x "$found/initdb" ]]; then
    log "installing PostgreSQL from Debian's packages"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    found="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  echo "$found"
}

# PostgreSQL refuses to run as root: as root, its processes run as the `postgres` account.
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local run bin
  run="$(instance_dir postgres "$postgres_port")"
  bin="$(postgres_bin)"
  is_running "$run/pid" && { log "postgres on $postgres_port already running"; return 0; }
  rm -rf "$run" && mkdir -p "$run/data"
  [[ "$(id -u)" == 0 ]] && chown -R postgres: "$run"
  as_postgres "$bin/initdb" -D "$run/data" -U postgres --auth=trust -E UTF8 --no-instructions >"$run/initdb.log" 2>&1 \
    || { tail -n 20 "$run/initdb.log" >&2; die "initdb failed"; }
  as_postgres "$bin/pg_ctl" -D "$run/data" -l "$run/log" -s -w -t 60 start \
    -o "-h 127.0.0.1 -p $postgres_port -k $run -c max_connections=300 -c shared_buffers=256MB" \
    || { tail -n 40 "$run/log" >&2; die "postgres did not start"; }
  head -n 1 "$run/data/postmaster.pid" >"$run/pid"
  wait_until_ready "postgres on $postgres_port" "$run/log" "$run/pid" \
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$postgres_port" -U postgres
}

stop_one() { # name
  local run pidfile pid
  run="$(instance_dir "$1" "$(port_of "$1")")"
  pidfile="$run/pid"
  is_running "$pidfile" || { log "$1 not running"; return 0; }
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || { log "$1 stopped"; rm -f "$pidfile"; return 0; }; sleep 1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  log "$1 killed after 30 s"
}

print_env() {
  echo "export KAFKA_BROKERS=127.0.0.1:$kafka_port"
  echo "export MONGODB_URL=mongodb://127.0.0.1:$mongo_port/"
  echo "export FERRETDB_URL=mongodb://127.0.0.1:$ferretdb_port/"
  echo "export PG_URL=postgres://postgres@127.0.0.1:$postgres_port/postgres"
}

command="${1:-}"
[[ $# -gt 0 ]] && shift
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=("${all_servers[@]}")

case "$command" in
  start)
    for name in "${names[@]}"; do port_of "$name" >/dev/null; "start_$name"; done
    ;;
  stop)
    for name in "${names[@]}"; do stop_one "$name"; done
    ;;
  env)
    print_env
    ;;
  status)
    for name in "${names[@]}"; do
      run="$(instance_dir "$name" "$(port_of "$name")")"
      if is_running "$run/pid"; then echo "$name: running on $(port_of "$name") (pid $(cat "$run/pid"))"; else echo "$name: stopped"; fi
    done
    ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
