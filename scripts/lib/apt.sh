# Installing Debian packages on a machine where another apt or dpkg may be running (a fresh CI
# runner still doing its own updates holds the dpkg lock for minutes). Source this file.
# DBCTL_APT_LOCK_WAIT: seconds to wait for the locks in all (default 900).

# apt_retry CMD...: run an apt command; while it fails because another process holds one of
# apt's or dpkg's locks (apt-get update does not wait for the lists lock, and install waits
# silently at best), say so and try again every 5 s until DBCTL_APT_LOCK_WAIT seconds passed.
apt_retry() {
  local limit=${DBCTL_APT_LOCK_WAIT:-900} start=$SECONDS log status
  log=$(mktemp)
  while true; do
    status=0
    "$@" 2>"$log" || status=$?
    if ((status == 0)) || ! grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock' "$log"; then
      cat "$log" >&2
      rm -f "$log"
      return "$status"
    fi
    if ((SECONDS - start >= limit)); then
      cat "$log" >&2
      echo "setup: another apt or dpkg process still holds its lock after $((SECONDS - start)) s; giving up" >&2
      rm -f "$log"
      return "$status"
    fi
    echo "setup: another apt or dpkg process holds its lock ($(grep -m1 -oE 'held by process [0-9]+( \([^)]*\))?' "$log" || echo "$(grep -m1 -oE '/var/lib/[a-z/_-]*lock[a-z-]*' "$log")")); waiting ($((SECONDS - start)) s of ${limit} s)" >&2
    sleep 5
  done
}

# apt_install PACKAGE...: apt-get update, then install the packages without recommends and
# without starting their services (the tests start their own servers). DBCTL_APT_NO_UPDATE=1
# skips the update.
apt_install() {
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  if [[ ${DBCTL_APT_NO_UPDATE:-0} != 1 ]]; then
    apt_retry "${sudo[@]}" apt-get update -qq
  fi
  apt_retry "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq \
    --no-install-recommends "$@" >&2
}
