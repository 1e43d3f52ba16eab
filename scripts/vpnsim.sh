#!/usr/bin/env bash
# The one set-up script behind the README commands.
#
#   scripts/vpnsim.sh run     install what is missing, build, run the main job
#   scripts/vpnsim.sh test    install what is missing, build, run every test (ctest)
#   scripts/vpnsim.sh bench   install what is missing, build, run every benchmark
#   scripts/vpnsim.sh build   install what is missing and build
#   scripts/vpnsim.sh package install what is missing, build the runner, make its Debian
#                             package (build/vpnsim-runner_<version>_<arch>.deb) for the hosts
#                             of a physical testbed (doc/physical-testbed.md)
#
# Installing is idempotent: packages already present are not touched, and apt-get is only
# called when something is missing. The build is Release in ./build (override with BUILD_DIR).
# `run` builds only vpnsim-run and plots SWEEP (default experiments/sweeps/default.toml) into
# RESULTS (default ./results).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
JOBS=${JOBS:-$(nproc)}
SWEEP=${SWEEP:-$ROOT/experiments/sweeps/default.toml}
RESULTS=${RESULTS:-$ROOT/results}

# Every Debian 12 package the project needs. libxml2-dev, libsqlite3-dev and python3-dev are
# named because Debian's exported ns-3 CMake targets point at their headers and libraries.
PACKAGES=(
    build-essential cmake pkg-config git
    ns3 libns3-dev libgsl-dev libxml2-dev libsqlite3-dev python3-dev
    libboost-graph-dev libssl-dev libpcap-dev nlohmann-json3-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    clang libclang-rt-14-dev
    tshark linux-perf
    python3 python3-matplotlib python3-statsmodels python3-tqdm python3-pytest
    slurmctld slurmd slurm-client munge
    nftables iputils-ping iproute2
    haproxy openssh-server openssh-client
    ocserv openconnect openssl
)

install_packages() {
    local missing=()
    local p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    echo "vpnsim: installing ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    # tshark asks whether non-root users may capture; answer for it (no stdin in CI).
    echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build [TARGET...]: every target, or only those named.
build() {
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}"
    local targets=()
    if [ $# -gt 0 ]; then
        targets=(--target "$@")
    fi
    cmake --build "$BUILD_DIR" -j "$JOBS" "${targets[@]}"
}

cmd=${1:-}
case "$cmd" in
    build)
        install_packages
        build
        ;;
    run)
        install_packages
        # The sweep needs the runner only: not the tests, fuzzers or benchmarks.
        build vpnsim-run
        mkdir -p "$RESULTS"
        # The default sweep (a killed sweep resumes where it stopped), then its plots. Records
        # of an older runner build are moved aside with their store, never plotted with new ones.
        VPNSIM_RUN="$BUILD_DIR/examples/vpnsim-run" "$ROOT/experiments/vpnsim-sweep" run \
            "$SWEEP" --store "$RESULTS/sweep.sqlite" --runner-changed=fresh
        "$ROOT/experiments/vpnsim-sweep" plot --store "$RESULTS/sweep.sqlite" \
            --sweep "$SWEEP" --out "$RESULTS"
        ;;
    advise)
        # The engineer's question in one command: vpnsim-advise with the flags given here. The
        # set-up goes to stderr so that stdout is the answer alone (--json stays parseable).
        install_packages >&2
        build vpnsim-advise >&2
        shift
        exec "$BUILD_DIR/examples/vpnsim-advise" "$@"
        ;;
    test)
        install_packages
        build
        ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600
        ;;
    package)
        install_packages
        build vpnsim-runner
        (cd "$BUILD_DIR" && cpack)
        ;;
    bench)
        install_packages
        build
        for b in wire tunnel asa scenario; do
            "$BUILD_DIR/tests/vpnsim-$b-benchmark"
        done
        VPNSIM_RUN="$BUILD_DIR/examples/vpnsim-run" "$ROOT/experiments/bench-sweep"
        if perf stat -e task-clock true >/dev/null 2>&1; then
            "$ROOT/tests/helper/tunnel-share" "$BUILD_DIR/tests/vpnsim-tunnel-benchmark"
        else
            echo "tunnel-share: perf cannot sample here (kernel.perf_event_paranoid); skipped" >&2
        fi
        ;;
    *)
        echo "usage: $0 {run|test|bench|build|package|advise [vpnsim-advise flags]}" >&2
        exit 2
        ;;
esac
