#!/usr/bin/env bash
# Cheap checks of debian/ (CTest "package_lint", seconds): the unit verifies,
# the shipped /etc/ivm/ivm.toml is valid for this build, the changelog's
# version is the project's, maintainer scripts parse, listed docs exist.
# The slow end-to-end check of the .deb is scripts/package --check.
# usage: lint.sh SOURCE_DIR IVM_APPLIANCE_BINARY PROJECT_VERSION
set -euo pipefail
src=$1 daemon=$2 project_version=$3
deb=$src/debian
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package_lint: $*" >&2; exit 1; }

# The unit, with ExecStart pointed at this build's binary (verify checks that
# it exists); systemd-analyze exits 0 on warnings such as an unknown key, so
# any output fails.
sed "s#^ExecStart=/usr/sbin/ivm-appliance#ExecStart=$daemon#" \
  "$deb/ivm-appliance.service" >"$tmp/ivm-appliance.service"
grep -q "^ExecStart=$daemon " "$tmp/ivm-appliance.service" ||
  fail "ExecStart is not /usr/sbin/ivm-appliance (where CMake installs it)"
out=$(systemd-analyze verify "$tmp/ivm-appliance.service" 2>&1) ||
  fail "systemd-analyze verify: $out"
[[ -z $out ]] || fail "systemd-analyze verify: $out"
systemd-analyze security --offline=yes "$tmp/ivm-appliance.service" | tail -n 1

# The default configuration, as this daemon reads it (unknown keys, bad
# values, clashing ports are refused).
mkdir -m 0700 "$tmp/data"
out=$("$daemon" --config "$deb/ivm.toml" --data-dir "$tmp/data" --check-config 2>&1) ||
  fail "debian/ivm.toml: $out"
grep -q '^enabled = false' <<<"$out" || fail "debian/ivm.toml: DHCP must be off"

# The changelog parses and names the project's version.
v=$(dpkg-parsechangelog -l "$deb/changelog" -S Version) || fail "debian/changelog"
[[ ${v%%[-+~]*} == "$project_version" ]] ||
  fail "debian/changelog is at $v, CMakeLists.txt at $project_version: add a changelog entry"

for f in "$deb"/ivm-appliance.post* "$deb"/ivm-appliance.pre*; do
  [[ -e $f ]] || continue
  sh -n "$f" || fail "$f does not parse"
  grep -q '^#DEBHELPER#' "$f" || fail "$f lacks #DEBHELPER#"
done
[[ -x $deb/rules ]] || fail "debian/rules is not executable"
while read -r doc; do
  [[ -z $doc || -e $src/$doc ]] || fail "debian/ivm-appliance.docs: $doc missing"
done <"$deb/ivm-appliance.docs"
echo "package_lint: ok ($v)"
