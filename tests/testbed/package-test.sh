#!/usr/bin/env bash
# The runner's Debian package, as a physical testbed's hosts install it: cpack builds it from
# this build tree (CPackConfig.cmake), dpkg-deb shows its control fields and contents, and the
# packaged runner, unpacked, runs. Needs the build's vpnsim-runner, cpack and dpkg-deb.
set -uo pipefail
BUILD=${1:?usage: package-test.sh BUILD_DIR}
RUNNER=${2:?usage: package-test.sh BUILD_DIR RUNNER}
PASSED=0 FAILED=0
WORK=$(mktemp -d /tmp/vpnsim-package-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
check() {
    if eval "$2"; then PASSED=$((PASSED + 1)); echo "ok: $1"; else FAILED=$((FAILED + 1)); echo "FAIL: $1  [$2]"; fi
}
for tool in cpack dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

cpack --config "$BUILD/CPackConfig.cmake" -B "$WORK/out" >"$WORK/cpack.log" 2>&1
rc=$?
cat "$WORK/cpack.log"
debs=("$WORK"/out/vpnsim-runner_*.deb)
deb=${debs[0]}
check "cpack made one package, vpnsim-runner_<version>_<arch>.deb (exit $rc)" \
    '[ "$rc" = 0 ] && [ ${#debs[@]} = 1 ] && [ -f "$deb" ]'
[ -f "$deb" ] || { echo "$PASSED passed, $FAILED failed"; exit 1; }
dpkg-deb --info "$deb" | tee "$WORK/info.txt"
dpkg-deb --contents "$deb" | tee "$WORK/contents.txt"
field() { dpkg-deb --field "$deb" "$1"; }
check "package name vpnsim-runner" '[ "$(field Package)" = vpnsim-runner ]'
check "version from the project ($(field Version))" '[[ "$(field Version)" =~ ^[0-9]+\.[0-9]+ ]]'
check "architecture of this machine ($(field Architecture))" \
    '[ "$(field Architecture)" = "$(dpkg --print-architecture)" ]'
check "depends on nftables and iproute2" \
    'field Depends | grep -q "nftables" && field Depends | grep -q "iproute2"'
check "depends on the OpenSSL library it links (dpkg-shlibdeps)" 'field Depends | grep -q "libssl"'
check "holds /usr/bin/vpnsim-runner, executable" \
    'grep -Eq "^-rwxr-xr-x .* \./usr/bin/vpnsim-runner$" "$WORK/contents.txt"'
check "holds the fw-side proxy" 'grep -q "\./usr/share/vpnsim-runner/tcp_proxy.py$" "$WORK/contents.txt"'
check "holds nothing of the library install (headers, static libraries)" \
    '! grep -Eq "\.(h|a)$|/include/|/cmake/" "$WORK/contents.txt"'
dpkg-deb --extract "$deb" "$WORK/root"
check "the packaged runner is the one built" 'cmp -s "$WORK/root/usr/bin/vpnsim-runner" "$RUNNER"'
check "the packaged runner runs (--help)" \
    '"$WORK/root/usr/bin/vpnsim-runner" --help 2>&1 | grep -q "^usage: vpnsim-runner"'
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
