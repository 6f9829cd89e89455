#!/usr/bin/env bash
# Make sure a Docker engine answers: install Debian's docker.io, docker-registry (for the
# publishing tests), debootstrap and git when missing;
# start dockerd when no engine answers. Prints the pid of a dockerd it started to the file
# named by $STARTED_DOCKERD_PIDFILE (if set), so the caller can stop only what it started.
set -euo pipefail

need_packages=()
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need_packages+=(docker-registry)
command -v debootstrap >/dev/null 2>&1 || need_packages+=(debootstrap)
command -v git >/dev/null 2>&1 || need_packages+=(git)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "installing ${need_packages[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "Docker engine answers"
  exit 0
fi

echo "starting dockerd (log: /var/log/dockerd.log)"
setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
pid=$!
if [ -n "${STARTED_DOCKERD_PIDFILE:-}" ]; then
  echo "$pid" >"$STARTED_DOCKERD_PIDFILE"
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "Docker engine answers (dockerd pid $pid)"
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s: see /var/log/dockerd.log" >&2
exit 1
