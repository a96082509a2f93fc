#!/usr/bin/env bash
# Start the local Redis and PostgreSQL the tests need, when they are not already answering.
set -euo pipefail

if ! command -v redis-server >/dev/null || ! command -v pg_ctlcluster >/dev/null; then
  echo "Installing redis-server and postgresql from Debian packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server postgresql >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --port 6379 --save "" --appendonly no
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "Starting PostgreSQL on 127.0.0.1:5432"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi

for _ in $(seq 1 30); do
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
    exit 0
  fi
  sleep 1
done
echo "Redis or PostgreSQL did not start" >&2
exit 1
