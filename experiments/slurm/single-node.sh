#!/usr/bin/env bash
# A private single-node SLURM cluster (munged + slurmctld + slurmd) under one directory, for
# tests and for running sweeps on one machine through the same path as on a real cluster.
#
#   experiments/slurm/single-node.sh start BASEDIR    start, wait until the node is idle
#   experiments/slurm/single-node.sh stop BASEDIR     cancel jobs, stop every daemon by PID
#   experiments/slurm/single-node.sh status BASEDIR
#
# Then: export SLURM_CONF=BASEDIR/etc/slurm.conf (or `. BASEDIR/env.sh`) for sbatch & co.
#
# Runs as root with no systemd and touches nothing outside BASEDIR (its own munge key and
# socket, its own slurm.conf, state, spool and logs), as slurm.conf(5) and munged(8) allow. Ports
# come from VPNSIM_SLURMCTLD_PORT and VPNSIM_SLURMD_PORT (default 6817 and 6818), so it can run
# beside a real SLURM. `start` exits 77 when SLURM cannot run here (not root, packages missing),
# which tests report as skipped; any other failure is an error. Every wait is bounded.
set -euo pipefail

readonly PACKAGES="slurmctld slurmd slurm-client munge"
readonly COMMANDS="munged mungekey munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel"
readonly WAIT_S=30

usage() {
    echo "usage: $0 start|stop|status BASEDIR" >&2
    exit 2
}

log() { echo "single-node-slurm: $*" >&2; }

# proc_alive PID NAME: PID is a running process called NAME (not a recycled PID, not a zombie
# waiting for PID 1 to reap it).
proc_alive() {
    local stat
    [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# pid_alive FILE NAME: the PID in FILE is a running process called NAME.
pid_alive() {
    proc_alive "$(cat "$1" 2>/dev/null)" "$2"
}

# stop_pid FILE NAME SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL. Follows the PID, not
# the file: a daemon may remove its pid file before it has finished exiting.
stop_pid() {
    local file=$1 name=$2 limit=$3 pid i
    pid_alive "$file" "$name" || return 0
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        proc_alive "$pid" "$name" || { log "$name ($pid) stopped"; return 0; }
        sleep 0.1
    done
    log "$name ($pid) ignored SIGTERM for ${limit} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
    local limit=$1 what=$2 i
    shift 2
    for ((i = 0; i < limit * 10; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    log "timed out after ${limit} s waiting for $what"
    return 1
}

node_idle() { [ "$(sinfo -h -n "$HOST" -o %t)" = idle ]; }
no_steps() { ! compgen -G "$BASE/spool/slurmd/${HOST}_*" >/dev/null; }

show_logs() {
    local f
    for f in "$BASE/munge/munged.log" "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log"; do
        [ -f "$f" ] && { log "--- last lines of $f"; tail -n 15 "$f" >&2; }
    done
    return 0
}

write_conf() {
    local cpus mem_kb
    cpus=$(nproc)
    mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    # NodeName must be `hostname -s` or slurmd cannot find itself; addresses are literal so
    # nothing depends on DNS. No cgroups, no accounting: nothing outside BASEDIR is needed.
    cat >"$SLURM_CONF" <<EOF
ClusterName=vpnsim
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket.2
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/slurmd
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
MailProg=/bin/true
KillWait=5
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MpiDefault=none
ReturnToService=2
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$((mem_kb * 9 / 10 / 1024)) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
    local missing="" c
    for c in $COMMANDS; do
        command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
    done
    if [ -n "$missing" ]; then
        log "cannot start: missing$missing (apt-get install --no-install-recommends $PACKAGES)"
        exit 77
    fi
    if [ "$(id -u)" -ne 0 ]; then
        log "cannot start: this recipe runs the daemons as root (SlurmUser=root)"
        exit 77
    fi
    if pid_alive "$BASE/run/slurmctld.pid" slurmctld || pid_alive "$BASE/run/slurmd.pid" slurmd \
        || pid_alive "$BASE/munge/munged.pid" munged; then
        log "already running in $BASE (stop it first)"
        exit 1
    fi
    local socket="$BASE/munge/munge.socket.2"
    if [ ${#socket} -gt 100 ]; then
        log "BASEDIR is too long for a Unix socket path: $socket"
        exit 1
    fi
    # munged refuses a socket that not everyone could reach: every parent needs o+x.
    local dir=$BASE
    while [ "$dir" != / ]; do
        if ! stat -c %A "$dir" | grep -q '^.........[xt]$'; then
            log "munged needs every parent of its socket to be world-searchable: $dir is $(stat -c %A "$dir")"
            exit 1
        fi
        dir=$(dirname "$dir")
    done

    mkdir -p "$BASE"/{etc,state,spool/slurmd,log,run,munge}
    rm -rf "${BASE:?}"/state/* "${BASE:?}"/spool/slurmd/*
    chmod 755 "$BASE/munge" # munged insists that everyone may reach its socket
    rm -f "$BASE/munge/munge.key"
    mungekey --create --keyfile="$BASE/munge/munge.key"
    munged --socket="$socket" --key-file="$BASE/munge/munge.key" \
        --pid-file="$BASE/munge/munged.pid" --log-file="$BASE/munge/munged.log" \
        --seed-file="$BASE/munge/munged.seed" || { show_logs; stop; exit 1; }
    if ! munge -S "$socket" -n | unmunge -S "$socket" >/dev/null; then
        log "munge round trip failed"
        show_logs
        stop
        exit 1
    fi
    log "munged up (pid $(cat "$BASE/munge/munged.pid"))"

    write_conf
    echo "export SLURM_CONF=$SLURM_CONF" >"$BASE/env.sh"
    # -c: a clean start, nothing recovered from an earlier cluster in this directory.
    slurmctld -f "$SLURM_CONF" -c || { show_logs; stop; exit 1; }
    wait_until "$WAIT_S" "slurmctld to answer" scontrol ping || { show_logs; stop; exit 1; }
    log "slurmctld up (pid $(cat "$BASE/run/slurmctld.pid"), port $CTLD_PORT)"
    slurmd -f "$SLURM_CONF" || { show_logs; stop; exit 1; }
    wait_until "$WAIT_S" "node $HOST to be idle" node_idle || { show_logs; stop; exit 1; }
    log "slurmd up (pid $(cat "$BASE/run/slurmd.pid"), port $SLURMD_PORT), node $HOST idle"
}

stop() {
    if [ -f "$SLURM_CONF" ] && pid_alive "$BASE/run/slurmctld.pid" slurmctld; then
        # Jobs outlive the daemons (their slurmstepd is re-parented to PID 1), so cancel them
        # and wait for their steps to end before stopping anything.
        local jobs
        # %F: the array's job id (plain numbers; %i would give patterns like 1_[2-3]).
        jobs=$(squeue -h -o %F 2>/dev/null | sort -u | tr '\n' ' ')
        if [ -n "${jobs// /}" ]; then
            log "cancelling jobs $jobs"
            # shellcheck disable=SC2086 # one argument per job
            scancel $jobs 2>/dev/null || true
        fi
        if ! wait_until "$WAIT_S" "job steps to end" no_steps; then
            local pids
            pids=$(scontrol listpids 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ {print $1}')
            if [ -n "$pids" ]; then
                log "SIGKILL to job processes $pids"
                # shellcheck disable=SC2086 # one argument per PID
                kill -KILL $pids 2>/dev/null || true
            fi
            wait_until 10 "job steps to end after SIGKILL" no_steps || true
        fi
    fi
    stop_pid "$BASE/run/slurmd.pid" slurmd 15 &
    stop_pid "$BASE/run/slurmctld.pid" slurmctld 15 &
    wait
    stop_pid "$BASE/munge/munged.pid" munged 10
}

status() {
    local name file
    for name in munged slurmctld slurmd; do
        case $name in
            munged) file=$BASE/munge/munged.pid ;;
            *) file=$BASE/run/$name.pid ;;
        esac
        if pid_alive "$file" "$name"; then echo "$name: running (pid $(cat "$file"))"; else echo "$name: stopped"; fi
    done
    if pid_alive "$BASE/run/slurmctld.pid" slurmctld; then
        sinfo
        squeue
    fi
}

[ $# -eq 2 ] || usage
mkdir -p "$2"
BASE=$(cd "$2" && pwd)
HOST=$(hostname -s)
CTLD_PORT=${VPNSIM_SLURMCTLD_PORT:-6817}
SLURMD_PORT=${VPNSIM_SLURMD_PORT:-6818}
export SLURM_CONF=$BASE/etc/slurm.conf
readonly BASE HOST CTLD_PORT SLURMD_PORT

case $1 in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
