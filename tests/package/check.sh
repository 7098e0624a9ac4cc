#!/usr/bin/env bash
# The package end to end (scripts/package --check; slow: two Release builds,
# a fresh Debian root). Not part of scripts/test or CTest.
#
#  1. builds the .deb (scripts/package) and a newer version of it (the same
#     sources re-versioned), lints it (lintian) and verifies the unit;
#  2. makes a clean Debian bookworm root (mmdebstrap, minbase, from this
#     machine's apt sources) and installs the .deb there with apt;
#  3. starts the daemon as the unit would (no systemd runs here): the unit's
#     ExecStart, User, Group, WorkingDirectory, UMask and AmbientCapabilities
#     reproduced with setpriv, chrooted, in a network namespace of its own;
#     checks /health, the TFTP port 69 (CAP_NET_BIND_SERVICE at work), the
#     process's identity and capabilities, adds a user with ivmctl;
#  4. upgrades to the newer version with apt, starts again: the user is still
#     there; `apt-get remove` keeps the data, `apt-get purge` removes it.
#
# Arguments are passed to scripts/package (--worktree, --rev REV).
# IVM_PKG_KEEP_ROOT=1 keeps the Debian root (build/pkg/check/root) afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$PWD/build/pkg/check
root=$work/root
log=$work/log
unit=/lib/systemd/system/ivm-appliance.service

step() { printf '\n== %s\n' "$*" >&2; }
fail() { echo "check: FAILED: $*" >&2; exit 1; }

mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m=${mounted[i]}
    umount -l "$m" 2>/dev/null || true
  done
}
trap cleanup EXIT

# -- 1. the packages ----------------------------------------------------------
step "build the package"
deb1=$(scripts/package "$@" | tail -n 1)
v1=$(dpkg-deb -f "$deb1" Version)
step "build a newer version of it ($v1+check1)"
deb2=$(scripts/package "$@" --version "$v1+check1" | tail -n 1)
echo "$deb1"; echo "$deb2"

step "contents"
dpkg-deb -I "$deb1" | sed -n '/Package:/,$p'
dpkg-deb -c "$deb1" | awk '{print $6}' | grep -v '/$' |
  grep -v '^./usr/share/doc/ivm-appliance/protocols/\|/console/.*png$'
for f in ./usr/sbin/ivm-appliance ./usr/bin/ivmctl ./usr/bin/ivm-console \
         .$unit ./etc/ivm/ivm.toml ./usr/share/doc/ivm-appliance/install.md; do
  dpkg-deb -c "$deb1" | awk '{print $6}' | grep -qx "$f" || fail "$f not in the package"
done
dpkg-deb -f "$deb1" Depends | grep -q 'librocksdb' ||
  fail "Depends has no runtime libraries (shlibdeps): $(dpkg-deb -f "$deb1" Depends)"

step "lintian"
lintian --fail-on error "$deb1" ||
  fail "lintian reports errors"

# -- 2. a clean Debian root ---------------------------------------------------
step "a clean Debian bookworm root (mmdebstrap minbase)"
mkdir -p "$work"
rm -rf "$root"
sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=/etc/apt/sources.list
mmdebstrap --quiet --variant=minbase --mode=root --format=directory \
  --skip=cleanup/apt/lists bookworm "$root" "$sources" </dev/null ||
  fail "mmdebstrap (is a Debian mirror reachable through $sources?)"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mkdir -p "$root/var/cache/ivm-check"
cp "$deb1" "$deb2" "$root/var/cache/ivm-check/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

step "apt-get install ./$(basename "$deb1")"
in_root apt-get install -y -q --no-install-recommends \
  "/var/cache/ivm-check/$(basename "$deb1")" >"$work/apt-install.log" 2>&1 ||
  { tail -n 30 "$work/apt-install.log"; fail "apt-get install"; }
in_root dpkg-query -W -f='${Package} ${Version} ${Status}\n' ivm-appliance
in_root getent passwd ivm || fail "no ivm user"
[[ $(stat -c '%U %a' "$root/var/lib/ivm") == "ivm 700" ]] ||
  fail "/var/lib/ivm is $(stat -c '%U %a' "$root/var/lib/ivm"), not ivm 700"

step "systemd-analyze verify (the installed unit; ExecStart pointed into the root)"
# verify --root= needs systemd's own units in the root, which a box without
# systemd (this minbase root) lacks: verify a copy on this machine instead.
mkdir -p "$work/unit"
sed "s#^ExecStart=/#ExecStart=$root/#" "$root$unit" >"$work/unit/$(basename "$unit")"
out=$(systemd-analyze verify "$work/unit/$(basename "$unit")" 2>&1) || fail "verify: $out"
[[ -z $out ]] || fail "verify printed: $out"
systemd-analyze security --offline=yes "$work/unit/$(basename "$unit")" | tail -n 1

# -- 3. start it as the unit would ---------------------------------------------
key() { sed -n "s/^$1=//p" "$root$unit" | tail -n 1; }
exec_start=$(key ExecStart)
user=$(key User)
group=$(key Group)
wd=$(key WorkingDirectory)
umask_=$(key UMask)
caps=$(key AmbientCapabilities | tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd,)
echo "unit: $user:$group in $wd, umask $umask_, capabilities $caps: $exec_start"

# run_box NAME SCRIPT: starts the daemon, waits for /health, runs SCRIPT
# (bash, with $pid and in_root available) in the daemon's network namespace,
# stops it with SIGTERM and expects exit 0.
run_box() {
  local name=$1 script=$2
  step "start the daemon ($name)"
  export root exec_start user group wd umask_ caps log script
  export -f in_root fail
  unshare --net bash -euo pipefail -c '
    ip link set lo up
    chroot "$root" setpriv --reuid="$user" --regid="$group" --clear-groups \
      --bounding-set=-all,"$caps" --inh-caps=-all,"$caps" \
      --ambient-caps=-all,"$caps" --no-new-privs \
      sh -c "cd $wd && umask $umask_ && exec $exec_start" >>"$log" 2>&1 &
    pid=$!
    up=""
    for _ in $(seq 1 600); do
      kill -0 "$pid" 2>/dev/null || break
      if up=$(curl -sf --max-time 2 http://127.0.0.1:8080/health); then break; fi
      up=""
      sleep 0.1
    done
    [[ -n $up ]] || { tail -n 20 "$log"; fail "no /health"; }
    echo "GET /health: $up"
    eval "$script"
    kill -TERM "$pid"
    rc=0; wait "$pid" || rc=$?
    [[ $rc -eq 0 ]] || { tail -n 20 "$log"; fail "exit status $rc after SIGTERM"; }
    echo "stopped by SIGTERM: exit 0"
  '
}

: >"$log"
run_box "$v1, fresh" '
  grep -E "^(Uid|Gid|CapEff|CapAmb|NoNewPrivs):" /proc/$pid/status
  [[ $(awk "/^Uid:/{print \$2}" /proc/$pid/status) == $(in_root id -u ivm) ]] ||
    fail "not running as ivm"
  ss -Hlun "sport = :69" | grep -q . || fail "TFTP not on port 69"
  ss -Hltn | awk "{print \$4}" | sort | paste -sd" " | sed "s/^/TCP: /"
  in_root ivmctl --data-dir /var/lib/ivm user add 201 --name Alice --password s3cret-pass
  in_root ivmctl --data-dir /var/lib/ivm user list
'

# -- 4. upgrade, remove, purge ---------------------------------------------------
step "upgrade: apt-get install ./$(basename "$deb2")"
in_root apt-get install -y -q --no-install-recommends \
  "/var/cache/ivm-check/$(basename "$deb2")" >>"$work/apt-install.log" 2>&1 ||
  { tail -n 30 "$work/apt-install.log"; fail "apt-get install (upgrade)"; }
[[ $(in_root dpkg-query -W -f='${Version}' ivm-appliance) == "$v1+check1" ]] ||
  fail "not upgraded"
run_box "$v1+check1, upgraded" '
  list=$(in_root ivmctl --data-dir /var/lib/ivm user list)
  echo "$list"
  grep -q "201" <<<"$list" || fail "user 201 lost in the upgrade"
'

step "apt-get remove keeps the data"
in_root apt-get remove -y -q ivm-appliance >>"$work/apt-install.log" 2>&1 || fail "remove"
[[ ! -e $root/usr/sbin/ivm-appliance ]] || fail "binary left after remove"
[[ -d $root/var/lib/ivm ]] || fail "remove deleted the data"
ls "$root/var/lib/ivm"

step "apt-get purge removes it"
in_root apt-get purge -y -q ivm-appliance >>"$work/apt-install.log" 2>&1 || fail "purge"
for f in /var/lib/ivm /etc/ivm "$unit" /usr/share/doc/ivm-appliance; do
  [[ ! -e $root$f ]] || fail "$f left after purge"
done
! in_root getent passwd ivm >/dev/null || fail "ivm user left after purge"
in_root dpkg-query -W -f='${Status}\n' ivm-appliance 2>&1 | grep -v "install ok" ||
  true

cleanup
mounted=()
if [[ ${IVM_PKG_KEEP_ROOT:-0} != 1 ]]; then rm -rf "$root"; fi
printf '\ncheck: the package installs, serves /health, upgrades keeping data, purges: ok\n'
