#!/usr/bin/env bash
# Throwaway redis-server for tests and benchmarks, on a free loopback port.
#
#   scripts/redis.sh start   start one (daemonized, own temp dir, pidfile) and print its URL
#   scripts/redis.sh url     print the URL of the running one (exit 1 if none)
#   scripts/redis.sh stop    shut it down and remove its temp dir
#
# Typical use:  export REDIS_URL="$(scripts/redis.sh start)"; pnpm test; scripts/redis.sh stop
# State (url, port, pidfile and data dir) lives in $BOTTANGO_REDIS_STATE (default: <repo>/.bottango/redis),
# so several checkouts, or the bench and the tests, can each keep their own server.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${BOTTANGO_REDIS_STATE:-$repo/.bottango/redis}"
url_file="$state/url"

die() { echo "redis.sh: $*" >&2; exit 1; }

need_redis() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed. Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y redis-server; macOS: brew install redis"
  command -v redis-cli >/dev/null 2>&1 || die "redis-cli is not installed (it comes with the redis-server package)"
}

running() {
  [[ -f "$state/port" ]] && redis-cli -p "$(cat "$state/port")" ping 2>/dev/null | grep -q PONG
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
}

start() {
  need_redis
  if running; then cat "$url_file"; echo; return 0; fi
  mkdir -p "$state"
  local port dir
  port="$(free_port)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bottango-redis.XXXXXX")"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --save '' --appendonly no >/dev/null \
    || die "redis-server failed to start on port $port (log: $dir/redis.log)"
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
      echo "$port" >"$state/port"
      echo "$dir" >"$state/dir"
      printf 'redis://127.0.0.1:%s/0' "$port" >"$url_file"
      cat "$url_file"; echo
      return 0
    fi
    sleep 0.1
  done
  die "redis-server did not answer on port $port within 10 s (log: $dir/redis.log)"
}

stop() {
  if [[ -f "$state/port" ]]; then
    local port dir pid
    port="$(cat "$state/port")"
    dir="$(cat "$state/dir" 2>/dev/null || true)"
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    if [[ -n "$dir" && -f "$dir/redis.pid" ]]; then
      pid="$(cat "$dir/redis.pid")"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    [[ -n "$dir" && "$dir" == */bottango-redis.* ]] && rm -rf "$dir"
  fi
  rm -f "$state/port" "$state/dir" "$url_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || die "no redis-server started by this script is running (state: $state)"; cat "$url_file"; echo ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
