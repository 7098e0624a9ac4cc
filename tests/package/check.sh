#!/usr/bin/env bash
# The package end to end (scripts/package --check; slow: two Release builds,
# a fresh Debian root). Not part of scripts/test or CTest.
#
#  1. builds the .deb (scripts/package) and a newer version of it (the same
#     sources re-versioned), checks its contents and lints it (lintian);
#  2. makes a clean Debian bookworm root (mmdebstrap minbase, from this
#     machine's apt sources) and installs the .deb there with apt-get;
#  3. starts the service and checks /health, the process's user and
#     capabilities, the TFTP port 69, and adds a user with ivmctl;
#  4. upgrades to the newer version with apt-get: the user is still there;
#     `apt-get remove` keeps the data, `apt-get purge` removes it all.
#
# How the service runs (IVM_PKG_CHECK_MODE):
#  nspawn   (default when systemd-nspawn exists) the root has systemd and is
#           booted with systemd-nspawn (private network): the real unit with
#           its whole sandbox, started by systemd, restarted by the upgrade.
#  setpriv  no systemd: the unit's ExecStart, User, Group, WorkingDirectory,
#           UMask and AmbientCapabilities reproduced with setpriv, chrooted,
#           in a network namespace of its own.
#
# Arguments are passed to scripts/package (--worktree, --rev REV).
# IVM_PKG_KEEP_ROOT=1 keeps the Debian root (build/pkg/check/root) afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$PWD/build/pkg/check
root=$work/root
log=$work/log
unit=/lib/systemd/system/ivm-appliance.service
mode=${IVM_PKG_CHECK_MODE:-auto}
if [[ $mode == auto ]]; then
  mode=setpriv
  command -v systemd-nspawn >/dev/null && mode=nspawn
fi

step() { printf '\n== %s\n' "$*" >&2; }
fail() { echo "check: FAILED: $*" >&2; exit 1; }
path=PATH=/usr/sbin:/usr/bin:/sbin:/bin

mounted=()
netns=""
nspawn_pid=""
leader=""
daemon_pid=""
cleanup() {
  if [[ -n $nspawn_pid ]] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true   # the container powers off
    for _ in $(seq 1 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  nspawn_pid=""
  if [[ -n $daemon_pid ]]; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
  daemon_pid=""
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
  if [[ -n $netns ]]; then ip netns delete "$netns" 2>/dev/null || true; fi
  netns=""
}
trap cleanup EXIT

# -- 1. the packages ------------------------------------------------------------
step "build the package"
deb1=$(scripts/package "$@" | tail -n 1)
v1=$(dpkg-deb -f "$deb1" Version)
v2=$v1+check1
step "build a newer version of it ($v2)"
deb2=$(scripts/package "$@" --version "$v2" | tail -n 1)
echo "$deb1"; echo "$deb2"

step "contents"
dpkg-deb -I "$deb1" | sed -n '/ Package:/,$p'
files=$(dpkg-deb -c "$deb1" | awk '{print $6}' | grep -v '/$')
grep -v '/protocols/\|\.png$' <<<"$files"
for f in ./usr/sbin/ivm-appliance ./usr/bin/ivmctl ./usr/bin/ivm-console \
         .$unit ./etc/ivm/ivm.toml ./usr/share/doc/ivm-appliance/install.md; do
  grep -qx "$f" <<<"$files" || fail "$f not in the package"
done
dpkg-deb -f "$deb1" Depends | grep -q 'librocksdb' ||
  fail "Depends has no runtime libraries (shlibdeps): $(dpkg-deb -f "$deb1" Depends)"

step "lintian"
lintian --fail-on error "$deb1" || fail "lintian reports errors"

# -- 2. a clean Debian root and the package in it ---------------------------------
include=curl,iproute2
[[ $mode == nspawn ]] && include+=,systemd,systemd-sysv,dbus
step "a clean Debian bookworm root (mmdebstrap minbase + $include)"
mkdir -p "$work"
rm -rf "$root"
sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=/etc/apt/sources.list
mmdebstrap --quiet --variant=minbase --mode=root --format=directory \
  --include="$include" --skip=cleanup/apt/lists bookworm "$root" "$sources" \
  </dev/null || fail "mmdebstrap (is a Debian mirror reachable through $sources?)"
mkdir -p "$root/var/cache/ivm-check"
cp "$deb1" "$deb2" "$root/var/cache/ivm-check/"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")

chrooted() { chroot "$root" env -i $path DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
step "apt-get install ./$(basename "$deb1") (chrooted: it fetches the dependencies)"
chrooted apt-get install -y -q --no-install-recommends \
  "/var/cache/ivm-check/$(basename "$deb1")" >"$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; fail "apt-get install"; }
grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | grep -c . | sed 's/^/packages set up: /'
chrooted dpkg-query -W -f='${Package} ${Version} ${Status}\n' ivm-appliance
chrooted getent passwd ivm || fail "no ivm user"
# (uids as the root's /etc/passwd says, not this machine's)
[[ $(stat -c '%u %a' "$root/var/lib/ivm") == "$(chrooted id -u ivm) 700" ]] ||
  fail "/var/lib/ivm is $(stat -c 'uid %u mode %a' "$root/var/lib/ivm"), not ivm 700"

step "systemd-analyze verify (the installed unit; ExecStart pointed into the root)"
mkdir -p "$work/unit"
copy=$work/unit/$(basename "$unit")
sed "s#^ExecStart=/#ExecStart=$root/#" "$root$unit" >"$copy"
out=$(systemd-analyze verify "$copy" 2>&1) || fail "verify: $out"
[[ -z $out ]] || fail "verify printed: $out"
systemd-analyze security --offline=yes "$copy" | tail -n 1

# -- the box: commands inside it, and its service ----------------------------------
: >"$log"
if [[ $mode == nspawn ]]; then
  cleanup   # nspawn mounts /proc and /dev itself
  in_box() { nsenter -t "$leader" --all -r -w env -i $path DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 "$@"; }
  boot() {
    step "boot the root with systemd-nspawn (private network)"
    setsid systemd-nspawn -q -D "$root" --register=no --keep-unit \
      --private-network -b >"$work/console.log" 2>&1 </dev/null &
    nspawn_pid=$!
    for _ in $(seq 1 300); do
      leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
      [[ -n $leader ]] && break
      kill -0 "$nspawn_pid" 2>/dev/null || { tail "$work/console.log"; fail "nspawn exited"; }
      sleep 0.1
    done
    [[ -n $leader ]] || fail "no systemd in the container"
    local state=""
    for _ in $(seq 1 240); do
      state=$(in_box systemctl is-system-running 2>/dev/null || true)
      case $state in running|degraded) break ;; esac
      sleep 0.5
    done
    echo "system: $state"
    [[ $state == running ]] || in_box systemctl --failed --no-legend || true
  }
  service_start() { [[ -n $nspawn_pid ]] || boot; }
  service_pid() { in_box systemctl show -p MainPID --value ivm-appliance; }
  service_log() { in_box journalctl -u ivm-appliance --no-pager -o cat | tail -n "$1"; }
else
  netns=ivm-check-$$
  ip netns add "$netns"
  ip -n "$netns" link set lo up
  in_box() { ip netns exec "$netns" chroot "$root" env -i $path \
    DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
  key() { sed -n "s/^$1=//p" "$root$unit" | tail -n 1; }
  service_start() {
    local exec_start user group wd umask_ caps
    exec_start=$(key ExecStart) user=$(key User) group=$(key Group)
    wd=$(key WorkingDirectory) umask_=$(key UMask)
    caps=$(key AmbientCapabilities | tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd,)
    step "start it as the unit would: $user:$group in $wd, umask $umask_, $caps: $exec_start"
    ip netns exec "$netns" chroot "$root" setpriv --reuid="$user" --regid="$group" \
      --clear-groups --bounding-set=-all,"$caps" --inh-caps=-all,"$caps" \
      --ambient-caps=-all,"$caps" --no-new-privs \
      sh -c "cd $wd && umask $umask_ && exec $exec_start" >>"$log" 2>&1 &
    daemon_pid=$!
  }
  service_stop() {
    kill -TERM "$daemon_pid"
    local rc=0
    wait "$daemon_pid" || rc=$?
    daemon_pid=""
    [[ $rc -eq 0 ]] || { tail -n 20 "$log"; fail "exit status $rc after SIGTERM"; }
    echo "stopped by SIGTERM: exit 0"
  }
  service_pid() { echo "$daemon_pid"; }
  service_log() { tail -n "$1" "$log"; }
fi

health() {
  local up=""
  for _ in $(seq 1 600); do
    if up=$(in_box curl -sf --max-time 2 http://127.0.0.1:8080/health); then
      echo "GET /health: $up"; return 0
    fi
    sleep 0.1
  done
  service_log 30
  fail "no answer on /health"
}

# -- 3. first start ---------------------------------------------------------------
service_start
health
pid1=$(service_pid)
status=$(in_box cat "/proc/$pid1/status")
grep -E '^(Uid|Gid|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' <<<"$status"
[[ $(awk '/^Uid:/{print $2}' <<<"$status") == $(in_box id -u ivm) ]] || fail "not running as ivm"
[[ $(awk '/^CapEff:/{print $2}' <<<"$status") == 0000000000000400 ]] ||
  fail "effective capabilities are not CAP_NET_BIND_SERVICE alone"
in_box ss -Hlun 'sport = :69' | grep -q . || fail "TFTP not on port 69"
in_box ss -Hlntu | awk '{print $1, $5}' | sort -u | paste -sd' ' | sed 's/^/listening: /'
in_box ivmctl --data-dir /var/lib/ivm user add 201 --name Alice --password s3cret-pass
in_box ivmctl --data-dir /var/lib/ivm user list
if [[ $mode == nspawn ]]; then
  step "the running unit, as systemd sees it"
  in_box systemctl show -p ActiveState,SubState,User,NRestarts ivm-appliance
  in_box systemd-analyze security ivm-appliance.service | tail -n 1
fi

# -- 4. upgrade, remove, purge -------------------------------------------------------
step "upgrade: apt-get install ./$(basename "$deb2")"
[[ $mode == nspawn ]] || service_stop
in_box apt-get install -y -q --no-install-recommends \
  "/var/cache/ivm-check/$(basename "$deb2")" >>"$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; fail "apt-get install (upgrade)"; }
[[ $(in_box dpkg-query -W -f='${Version}' ivm-appliance) == "$v2" ]] || fail "not upgraded"
[[ $mode == nspawn ]] || service_start
health
pid2=$(service_pid)
[[ $pid2 != "$pid1" && $pid2 != 0 ]] || fail "the daemon was not restarted by the upgrade"
echo "running $v2 (pid $pid2, was $pid1)"
list=$(in_box ivmctl --data-dir /var/lib/ivm user list)
echo "$list"
grep -q '201' <<<"$list" || fail "user 201 lost in the upgrade"

step "apt-get remove keeps the data"
[[ $mode == nspawn ]] || service_stop   # under systemd, the package's prerm stops it
in_box apt-get remove -y -q ivm-appliance >>"$work/apt.log" 2>&1 || fail "remove"
if [[ $mode == nspawn ]]; then
  in_box systemctl show -p ActiveState,Result ivm-appliance | paste -sd' '
  in_box systemctl show -p Result --value ivm-appliance | grep -qx success ||
    fail "the service did not stop cleanly on remove"
fi
[[ ! -e $root/usr/sbin/ivm-appliance ]] || fail "binary left after remove"
[[ -d $root/var/lib/ivm ]] || fail "remove deleted the data"
in_box ls -l /var/lib/ivm

step "apt-get purge removes it"
in_box apt-get purge -y -q ivm-appliance >>"$work/apt.log" 2>&1 || fail "purge"
for f in /var/lib/ivm /var/lib/private/ivm /etc/ivm "$unit" /usr/share/doc/ivm-appliance; do
  [[ ! -e $root$f ]] || fail "$f left after purge"
done
! in_box getent passwd ivm >/dev/null || fail "ivm user left after purge"
! in_box getent group ivm >/dev/null || fail "ivm group left after purge"
echo "no /var/lib/ivm, /etc/ivm, unit, docs, ivm user or group"

cleanup
if [[ ${IVM_PKG_KEEP_ROOT:-0} != 1 ]]; then rm -rf "$root"; fi
printf '\ncheck (%s): the package installs, serves /health, upgrades keeping its data, purges: ok\n' "$mode"
