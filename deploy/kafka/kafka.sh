#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, combined broker+controller) on this machine, from the
# official jars on Maven Central: no Docker, no tarball, no substitute.
#
#   kafka.sh resolve                      resolve the pinned jars into the cache (once)
#   kafka.sh start  [--port P] [--dir D]  format (first time) and start one node on 127.0.0.1:P
#   kafka.sh stop   [--dir D]             SIGTERM, then SIGKILL after --timeout seconds
#   kafka.sh status [--dir D]             is it running, and where
#   kafka.sh wait   [--port P]            wait until the broker answers metadata requests
#   kafka.sh cluster-start [--port P] [--dir D]   three nodes, replication 3, min ISR 2
#   kafka.sh cluster-stop  [--dir D]
#   kafka.sh node-stop  N [--dir D] / node-start N [--dir D]   one node of the cluster
#   kafka.sh run-class CLASS [ARGS...]    run a Kafka tool class (e.g. ProducerPerformance)
#
# Secured mode (docs/security.md): `start --secure` (or `cluster-start --secure`, without TLS)
# gives the client listener SASL/SCRAM and turns on ACLs (StandardAuthorizer, nothing allowed
# without an ACL, one super user):
#   --admin-user NAME            the super user (admin), created at format time
#   --admin-password-file FILE   its password (default: generated into D/admin.password)
#   --ssl-port P2 --ssl-pem FILE also a SASL_SSL listener, with the broker's key and certificate
#                                chain in one PEM file (unencrypted PKCS#8 key)
# It writes D/admin.properties (mode 600), a client config for tools: run-class
# org.apache.kafka.tools.AclCommand --command-config D/admin.properties ...
#
# Environment: KAFKA_PORT (9092), KAFKA_DIR (.run/kafka), KAFKA_CACHE (.cache/kafka),
# KAFKA_HEAP_OPTS (-Xms256m -Xmx1g), KAFKA_STOP_TIMEOUT (20), KAFKA_WAIT_TIMEOUT (90).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
pom="$here/pom.xml"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
cache=${KAFKA_CACHE:-$root/.cache/kafka}
libs="$cache/$version/libs"
port=${KAFKA_PORT:-9092}
dir=${KAFKA_DIR:-$root/.run/kafka}
stop_timeout=${KAFKA_STOP_TIMEOUT:-20}
wait_timeout=${KAFKA_WAIT_TIMEOUT:-90}
secure=false
admin_user=${KAFKA_ADMIN_USER:-admin}
admin_password_file=""
ssl_port=""
ssl_pem=""
# A 2-core, 24 GiB machine runs up to three brokers beside the services and the tests:
# a small heap each, G1 with short pauses, and no more GC threads than cores.
heap_opts=${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
jvm_opts="-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1
  -Djava.awt.headless=true"

die() { echo "kafka.sh: $*" >&2; exit 1; }
log() { echo "kafka.sh: $*" >&2; }

check_prereqs() {
  command -v java >/dev/null || die "Java 17+ is needed: apt-get install -y openjdk-17-jdk-headless"
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
  [ "${major%%.*}" -ge 17 ] 2>/dev/null ||
    die "Java 17+ is needed, found ${major:-unknown}: apt-get install -y openjdk-17-jdk-headless"
  command -v mvn >/dev/null || [ -f "$libs/.complete" ] ||
    die "Maven is needed to resolve the Kafka jars: apt-get install -y maven"
}

resolve() {
  check_prereqs
  if [ -f "$libs/.complete" ]; then return 0; fi
  log "resolving Apache Kafka $version jars into $libs (once)"
  local started=$SECONDS
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DoutputDirectory="$libs" \
    -DincludeScope=runtime >&2 || die "mvn could not resolve the Kafka jars (see above)"
  touch "$libs/.complete"
  log "resolved $(ls "$libs" | wc -l) jars in $((SECONDS - started)) s"
}

java_run() { # java_run LOG4J_CONFIG CLASS ARGS...
  local config=$1; shift
  # shellcheck disable=SC2086
  java $heap_opts $jvm_opts -Dlog4j2.configurationFile="$config" -cp "$libs/*" "$@"
}

tool() { # a short-lived tool JVM: small heap, quick start
  local class=$1; shift
  java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$here/tools-log4j2.yaml" \
    -cp "$libs/*" "$class" "$@"
}

# write_config NODE_DIR NODE_ID BROKER_PORT CONTROLLER_PORT VOTERS REPLICATION MIN_ISR
write_config() {
  local node_dir=$1 id=$2 bport=$3 cport=$4 voters=$5 rf=$6 isr=$7
  mkdir -p "$node_dir/data"
  cat > "$node_dir/server.properties" <<EOF
# Written by deploy/kafka/kafka.sh: one combined broker+controller on loopback.
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$node_dir/data
# Every topic comes from the topic table in contracts/: nothing is created by accident.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
# Sized for 2 cores.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
# Consumer groups form at once: tests and the demo start many short-lived groups.
group.initial.rebalance.delay.ms=0
# Kafka's own default message size bound, matching the contracts' 1 MiB limit plus headroom.
message.max.bytes=2097152
log.retention.check.interval.ms=60000
EOF
  if $secure; then write_security_config "$node_dir" "$bport" "$cport"; fi
}

# write_security_config NODE_DIR BROKER_PORT CONTROLLER_PORT: SASL/SCRAM on the client listener
# (and SASL_SSL with --ssl-port), ACLs on. The controller listener cannot use SCRAM (the
# credentials live in the metadata it serves) and, left PLAINTEXT, its callers would be
# User:ANONYMOUS, which the authorizer refuses (registration needs ClusterAction) unless made a
# super user: a super-user door on loopback. It uses SASL/PLAIN with the admin as its one user.
write_security_config() {
  local node_dir=$1 bport=$2 cport=$3 password listeners advertised protocols
  password=$(cat "$admin_password_file")
  listeners="SASL_PLAINTEXT://127.0.0.1:$bport"
  advertised="SASL_PLAINTEXT://127.0.0.1:$bport"
  protocols="SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
  if [ -n "$ssl_port" ]; then
    listeners="$listeners,SASL_SSL://127.0.0.1:$ssl_port"
    advertised="$advertised,SASL_SSL://127.0.0.1:$ssl_port"
    protocols="$protocols,SASL_SSL:SASL_SSL"
  fi
  sed -i -e "s|^listeners=.*|listeners=$listeners,CONTROLLER://127.0.0.1:$cport|" \
    -e "s|^advertised.listeners=.*|advertised.listeners=$advertised|" \
    -e "s|^inter.broker.listener.name=.*|inter.broker.listener.name=SASL_PLAINTEXT|" \
    -e "s|^listener.security.protocol.map=.*|listener.security.protocol.map=$protocols|" \
    "$node_dir/server.properties"
  local scram="org.apache.kafka.common.security.scram.ScramLoginModule required"
  local plain="org.apache.kafka.common.security.plain.PlainLoginModule required"
  cat >> "$node_dir/server.properties" <<EOF
# Secured mode (kafka.sh start --secure): SCRAM users, ACLs, no access without an ACL.
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=$plain username="$admin_user" password="$password" user_$admin_user="$password";
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram username="$admin_user" password="$password";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$scram;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$admin_user
EOF
  if [ -n "$ssl_port" ]; then
    cat >> "$node_dir/server.properties" <<EOF
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$scram;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$scram;
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$ssl_pem
EOF
  fi
  cat > "$node_dir/admin.properties" <<EOF
# The super user, for Kafka's tools: run-class CLASS --command-config $node_dir/admin.properties
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username="$admin_user" password="$password";
EOF
  chmod 600 "$node_dir/server.properties" "$node_dir/admin.properties"
}

# prepare_secrets DIR: the admin password (given, or generated once) and checks on TLS options.
prepare_secrets() {
  local d=$1
  if [ -z "$admin_password_file" ]; then
    admin_password_file="$d/admin.password"
    [ -s "$admin_password_file" ] ||
      (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$admin_password_file")
  fi
  [ -s "$admin_password_file" ] || die "no admin password in $admin_password_file"
  # The password goes into JAAS and --add-scram syntax: keep it to characters safe in both.
  grep -Eq '^[A-Za-z0-9._~-]{12,}$' "$admin_password_file" ||
    die "the admin password must be 12 or more of A-Z a-z 0-9 . _ ~ -"
  [ -z "$ssl_port" ] || [ -f "$ssl_pem" ] || die "--ssl-port needs --ssl-pem FILE (key and chain)"
  [[ "$admin_user" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad admin user name $admin_user"
}

node_pid() { [ -f "$1/kafka.pid" ] && cat "$1/kafka.pid" || true; }
node_alive() { local pid; pid=$(node_pid "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

start_node() { # start_node NODE_DIR
  local node_dir=$1
  if node_alive "$node_dir"; then log "already running (pid $(node_pid "$node_dir"))"; return 0; fi
  if [ ! -f "$node_dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(cat "$node_dir/../cluster.id" 2>/dev/null || cat "$node_dir/cluster.id" 2>/dev/null || true)
    [ -n "$cluster_id" ] || cluster_id=$(tool kafka.tools.StorageTool random-uuid)
    echo "$cluster_id" > "$node_dir/cluster.id"
    local scram=()
    if $secure; then # the super user's SCRAM credential, in the metadata log from the start
      scram=(--add-scram "SCRAM-SHA-512=[name=$admin_user,password=$(cat "$admin_password_file")]")
    fi
    tool kafka.tools.StorageTool format -t "$cluster_id" -c "$node_dir/server.properties" \
      --ignore-formatted "${scram[@]}" >/dev/null || die "formatting $node_dir failed"
  fi
  # setsid: the broker outlives the shell that started it (make up, the test session).
  setsid bash -c "exec java $heap_opts $(echo $jvm_opts) \
    -Dlog4j2.configurationFile='$here/log4j2.yaml' -Dkafka.logs.dir='$node_dir' \
    -cp '$libs/*' kafka.Kafka '$node_dir/server.properties'" \
    > "$node_dir/server.log" 2>&1 < /dev/null &
  echo $! > "$node_dir/kafka.pid"
}

stop_nodes() { # stop_nodes NODE_DIR...: all at once, so the last one never waits for a lost quorum
  local node_dir pid pids=()
  for node_dir in "$@"; do
    pid=$(node_pid "$node_dir"); rm -f "$node_dir/kafka.pid"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null; pids+=("$pid"); fi
  done
  local deadline=$((SECONDS + stop_timeout))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "broker pid $pid did not stop within ${stop_timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

wait_ready() { # wait_ready PORT [NODE_DIR]: the broker answers a metadata request
  local p=$1 node_dir=${2:-} deadline=$((SECONDS + wait_timeout))
  until (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    if [ -n "$node_dir" ] && ! node_alive "$node_dir"; then
      tail -n 30 "$node_dir/server.log" >&2; die "the broker in $node_dir exited during start-up"
    fi
    [ $SECONDS -lt $deadline ] || die "nothing listens on 127.0.0.1:$p after ${wait_timeout}s"
    sleep 0.2
  done
  # Listing topics is a metadata request: it succeeds once the broker has joined the quorum.
  local auth=()
  if [ -n "$node_dir" ] && [ -f "$node_dir/admin.properties" ]; then
    auth=(--command-config "$node_dir/admin.properties")
  fi
  until tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$p" --list \
      "${auth[@]}" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "127.0.0.1:$p does not answer metadata after ${wait_timeout}s"
    sleep 0.5
  done
}

parse_opts() {
  while [ $# -gt 0 ]; do
    case $1 in
      --port) port=$2; shift 2 ;;
      --dir) dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
      --timeout) stop_timeout=$2; shift 2 ;;
      --secure) secure=true; shift ;;
      --admin-user) admin_user=$2; shift 2 ;;
      --admin-password-file) admin_password_file=$2; shift 2 ;;
      --ssl-port) ssl_port=$2; shift 2 ;;
      --ssl-pem) ssl_pem=$2; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
}

cluster_node_dir() { echo "$dir/node$1"; }
cluster_ports() { # cluster_ports N -> "BROKER_PORT CONTROLLER_PORT"
  echo "$((port + 2 * ($1 - 1))) $((port + 2 * ($1 - 1) + 1))"
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
  resolve) resolve ;;
  start)
    parse_opts "$@"; resolve; mkdir -p "$dir"
    if $secure; then prepare_secrets "$dir"; else rm -f "$dir/admin.properties"; fi
    started=$SECONDS
    write_config "$dir" 1 "$port" "$((port + 1))" "1@127.0.0.1:$((port + 1))" 1 1
    start_node "$dir"
    wait_ready "$port" "$dir"
    log "Kafka $version ready on 127.0.0.1:$port in $((SECONDS - started)) s (logs: $dir/server.log)"
    ;;
  stop) parse_opts "$@"; stop_nodes "$dir" ;;
  status)
    parse_opts "$@"
    if node_alive "$dir"; then echo "running (pid $(node_pid "$dir"), $dir)"; else echo "stopped"; exit 3; fi
    ;;
  wait) parse_opts "$@"; resolve; wait_ready "$port" ;;
  cluster-start)
    port=${KAFKA_PORT:-19092}; dir=${KAFKA_DIR:-$root/.run/kafka-cluster}
    parse_opts "$@"; resolve; mkdir -p "$dir"
    if $secure; then
      [ -z "$ssl_port" ] || die "cluster-start --secure has no TLS listener (use start)"
      prepare_secrets "$dir"
    fi
    voters=""
    for n in 1 2 3; do
      read -r _ c < <(cluster_ports $n); voters="${voters:+$voters,}$n@127.0.0.1:$c"
    done
    [ -f "$dir/cluster.id" ] || tool kafka.tools.StorageTool random-uuid > "$dir/cluster.id"
    for n in 1 2 3; do
      read -r b c < <(cluster_ports $n)
      write_config "$(cluster_node_dir $n)" $n "$b" "$c" "$voters" 3 2
      start_node "$(cluster_node_dir $n)"
    done
    for n in 1 2 3; do read -r b _ < <(cluster_ports $n); wait_ready "$b" "$(cluster_node_dir $n)"; done
    log "3-node Kafka $version cluster ready on 127.0.0.1:$port,$((port + 2)),$((port + 4))"
    ;;
  cluster-stop)
    dir=${KAFKA_DIR:-$root/.run/kafka-cluster}; parse_opts "$@"
    stop_nodes "$(cluster_node_dir 1)" "$(cluster_node_dir 2)" "$(cluster_node_dir 3)"
    ;;
  node-stop|node-start)
    n=${1:?node number 1-3}; shift
    port=${KAFKA_PORT:-19092}; dir=${KAFKA_DIR:-$root/.run/kafka-cluster}; parse_opts "$@"
    if [ "$cmd" = node-stop ]; then stop_nodes "$(cluster_node_dir "$n")"
    else
      start_node "$(cluster_node_dir "$n")"
      read -r b _ < <(cluster_ports "$n"); wait_ready "$b" "$(cluster_node_dir "$n")"
    fi
    ;;
  run-class) resolve; java_run "$here/tools-log4j2.yaml" "$@" ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
