#!/usr/bin/env bash
# Installs the system packages leakharness needs. Idempotent: quiet when all is there.
# When another apt or dpkg process holds its lock (a fresh machine's own updates), waits for it up to
# SETUP_APT_LOCK_WAIT_S seconds (default 300), then fails with apt's message.
set -euo pipefail

# python3-venv: scripts/test.sh keeps the tests' Python tools (actionlint, check-jsonschema) in .build/venv.
packages=(libsndfile1-dev libjemalloc-dev libfftw3-dev zlib1g-dev pkg-config python3-venv)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
wait_s=${SETUP_APT_LOCK_WAIT_S:-300}
export DEBIAN_FRONTEND=noninteractive

# apt-get with the dpkg lock timeout; `update` ignores that timeout for the lists lock, so a lock error is retried
# here until the same deadline.
apt() {
  local deadline=$((SECONDS + wait_s)) told=0 err
  while ! err=$($sudo apt-get -o DPkg::Lock::Timeout="$wait_s" "$@" 2>&1 >/dev/null); do
    if [[ $err == *"lock"* ]] && ((SECONDS < deadline)); then
      ((told)) || echo "setup: another apt or dpkg process holds the lock; waiting up to $wait_s s" >&2
      told=1
      sleep 2
      continue
    fi
    printf '%s\n' "$err" >&2
    return 1
  done
}

echo "setup: installing ${missing[*]} (waits up to $wait_s s for another apt or dpkg process)" >&2
apt update -qq
apt install -y -qq --no-install-recommends "${missing[@]}"
