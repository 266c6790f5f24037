#!/usr/bin/env bash
# The distributed specgate topology as separate processes on loopback:
#   verifier-worker(s)  ./specgate verifier --port 50052[+i] --metrics-port 9464[+i]
#   draft-worker        ./specgate draft --port 50053
#   gateway             ./specgate serve --config <generated> (verifier: grpc://127.0.0.1:50052[,...])
# Waits until every process is ready, prints the endpoints, and stops them all on Ctrl-C / SIGTERM.
#
# Usage: deploy/local/specgate-local.sh [--replicas N] [--gateway-port P] [--verifier-port P] [--draft-port P]
#                                       [--metrics-port P] [--no-draft-worker] [--run-dir DIR] [--ready-timeout S]
# Environment: SPECGATE_MODELS (model directory), SPECGATE_BIN (launcher, default ./specgate),
#              SPECGATE_DRAFT / SPECGATE_VERIFIER (model files, default the shared kjv pair).
#
# Each process runs in its own process group (job control), logs to RUN_DIR/<name>.log and has its pid in
# RUN_DIR/<name>.pid. Stopping sends SIGTERM to every group, waits up to 20 s, then SIGKILLs what is left.
set -euo pipefail
set -m # every background job gets its own process group: the trap can stop a whole process tree

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPECGATE_BIN="${SPECGATE_BIN:-$ROOT/specgate}"
DRAFT_MODEL="${SPECGATE_DRAFT:-kjv-draft-1m-q8_0.gguf}"
VERIFIER_MODEL="${SPECGATE_VERIFIER:-kjv-verifier-14m-q8_0.gguf}"
REPLICAS=1
GATEWAY_PORT=8080
VERIFIER_PORT=50052
DRAFT_PORT=50053
METRICS_PORT=9464
DRAFT_WORKER=1
RUN_DIR=""
READY_TIMEOUT=180

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICAS="$2"; shift 2 ;;
    --gateway-port) GATEWAY_PORT="$2"; shift 2 ;;
    --verifier-port) VERIFIER_PORT="$2"; shift 2 ;;
    --draft-port) DRAFT_PORT="$2"; shift 2 ;;
    --metrics-port) METRICS_PORT="$2"; shift 2 ;;
    --no-draft-worker) DRAFT_WORKER=0; shift ;;
    --run-dir) RUN_DIR="$2"; shift 2 ;;
    --ready-timeout) READY_TIMEOUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "specgate-local: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$REPLICAS" in ''|*[!0-9]*|0) echo "specgate-local: --replicas must be >= 1" >&2; exit 2 ;; esac
if [ "$DRAFT_PORT" -ge "$VERIFIER_PORT" ] && [ "$DRAFT_PORT" -lt $((VERIFIER_PORT + REPLICAS)) ]; then
  DRAFT_PORT=$((VERIFIER_PORT + REPLICAS)) # the default 50053 is verifier replica 1's port with --replicas 2
  echo "specgate-local: draft-worker on port $DRAFT_PORT (after the verifier replicas)" >&2
fi
[ -n "$RUN_DIR" ] || RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/specgate-local.XXXXXX")"
mkdir -p "$RUN_DIR"

PIDS=()
NAMES=()
STOPPING=0
SLEEPER=""

log() { echo "specgate-local: $*" >&2; }

stop_all() {
  [ "$STOPPING" = 1 ] && return
  STOPPING=1
  trap '' INT TERM HUP # a second Ctrl-C must not cut the shutdown short; it is bounded below anyway
  local i pid
  [ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null
  log "stopping ${#PIDS[@]} process(es)..."
  # Gateway first (it was started last), so it stops sending rounds before the workers go.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM -- "-${PIDS[$i]}" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 20))
  for pid in "${PIDS[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  done
  for pid in "${PIDS[@]}"; do
    if kill -0 -- "-$pid" 2>/dev/null; then
      log "process group $pid did not stop within 20 s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$RUN_DIR"/*.pid
  log "stopped"
}
on_signal() { stop_all; exit "$1"; }
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
trap stop_all EXIT

# start NAME ARGS...: runs "$SPECGATE_BIN ARGS" in the background, in its own process group.
start() {
  local name="$1"; shift
  "$SPECGATE_BIN" "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  local pid=$!
  PIDS+=("$pid")
  NAMES+=("$name")
  echo "$pid" >"$RUN_DIR/$name.pid"
  log "started $name (pid $pid): $(basename "$SPECGATE_BIN") $*"
}

# wait_for NAME PID CHECK...: polls CHECK until it succeeds; fails when PID exits or on timeout.
wait_for() {
  local name="$1" pid="$2"; shift 2
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; last lines of $RUN_DIR/$name.log:"
      tail -n 20 "$RUN_DIR/$name.log" >&2 || true
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name not ready after ${READY_TIMEOUT}s; see $RUN_DIR/$name.log"
      exit 1
    fi
    sleep 0.5
  done
}
http_ok() { curl -fsS --max-time 2 "$1"; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Build once up front (the launcher builds on first use; several launchers at once would race).
if [ "$SPECGATE_BIN" = "$ROOT/specgate" ]; then
  "$SPECGATE_BIN" --help >/dev/null
fi

VERIFIER_TARGETS=""
for ((r = 0; r < REPLICAS; r++)); do
  vport=$((VERIFIER_PORT + r))
  mport=$((METRICS_PORT + r))
  start "verifier-$r" verifier --model "$VERIFIER_MODEL" --port "$vport" --metrics-port "$mport"
  VERIFIER_TARGETS="${VERIFIER_TARGETS:+$VERIFIER_TARGETS,}grpc://127.0.0.1:$vport"
done
if [ "$DRAFT_WORKER" = 1 ]; then
  start draft draft --model "$DRAFT_MODEL" --port "$DRAFT_PORT"
fi
for ((r = 0; r < REPLICAS; r++)); do
  wait_for "verifier-$r" "${PIDS[$r]}" tcp_open $((VERIFIER_PORT + r))
  wait_for "verifier-$r" "${PIDS[$r]}" http_ok "http://127.0.0.1:$((METRICS_PORT + r))/health"
done
if [ "$DRAFT_WORKER" = 1 ]; then
  wait_for draft "${PIDS[$REPLICAS]}" tcp_open "$DRAFT_PORT"
fi

# The gateway drafts on the draft-worker over gRPC when one runs (its tokenizer comes from the model file of
# the same name in $SPECGATE_MODELS), and in-process otherwise.
if [ "$DRAFT_WORKER" = 1 ]; then
  GATEWAY_DRAFT="grpc://127.0.0.1:$DRAFT_PORT"
else
  GATEWAY_DRAFT="$DRAFT_MODEL"
fi
cat >"$RUN_DIR/gateway.yaml" <<EOF
host: 127.0.0.1
port: $GATEWAY_PORT
verifier: "$VERIFIER_TARGETS"
default_mode: speculative
EOF
start gateway serve --config "$RUN_DIR/gateway.yaml" --draft "$GATEWAY_DRAFT"
wait_for gateway "${PIDS[-1]}" http_ok "http://127.0.0.1:$GATEWAY_PORT/health/ready"

{
  echo "specgate-local: ready (run dir $RUN_DIR)"
  echo "  gateway   http://127.0.0.1:$GATEWAY_PORT/v1   (health: /health/live /health/ready, metrics: /metrics)"
  for ((r = 0; r < REPLICAS; r++)); do
    echo "  verifier-$r grpc://127.0.0.1:$((VERIFIER_PORT + r))   metrics http://127.0.0.1:$((METRICS_PORT + r))/metrics   pid ${PIDS[$r]}"
  done
  if [ "$DRAFT_WORKER" = 1 ]; then
    echo "  draft     grpc://127.0.0.1:$DRAFT_PORT   pid ${PIDS[$REPLICAS]}"
  fi
  echo "  Ctrl-C stops everything"
} | tee "$RUN_DIR/endpoints.txt"
echo ready >"$RUN_DIR/ready"

# Stay in the foreground until a signal; if the gateway dies, stop the rest.
while kill -0 "${PIDS[-1]}" 2>/dev/null; do
  sleep 1 &
  SLEEPER=$!
  wait "$SLEEPER" 2>/dev/null || true
done
log "gateway exited; see $RUN_DIR/gateway.log"
exit 1
