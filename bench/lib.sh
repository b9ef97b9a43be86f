# Shared by the bench/*/run scripts: wrk runs, medians, waiting for servers.

# wait_http URL: until it answers (at most 30 s).
wait_http() {
    for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
    echo "no answer from $1" >&2; return 1
}

# rps URL CONNECTIONS SECONDS: requests per second from one wrk run.
rps() {
    wrk -t2 -c"$2" -d"$3"s "$1" | awk '/Requests\/sec/ {print $2}'
}

# rps_cpu URL CONNECTIONS SECONDS PID...: "REQS_PER_S CPU_US_PER_REQ..." from one wrk run, one CPU
# figure per PID: what it and its child processes (nginx's workers) spent, user and system, per
# request answered.
rps_cpu() {
    local url=$1 c=$2 s=$3 out reqs p before=() i=0
    shift 3
    for p in "$@"; do before+=("$(tree_ticks "$p")"); done
    out=$(wrk -t2 -c"$c" -d"$s"s "$url")
    reqs=$(awk '/requests in/ {print $1}' <<< "$out")
    printf '%s' "$(awk '/Requests\/sec/ {print $2}' <<< "$out")"
    for p in "$@"; do
        awk -v t=$(($(tree_ticks "$p") - before[i])) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf " %.1f", t / hz * 1e6 / n}'
        i=$((i + 1))
    done
    echo
}

# tree_ticks PID: CPU clock ticks (user + system) of PID and its children.
tree_ticks() {
    local total=0 p
    for p in "$1" $(pgrep -P "$1"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# median N...: the middle value.
median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}

# ratio A B: A/B to two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'
}

# need COMMAND PACKAGE: install the Debian package when the command is missing.
need() {
    command -v "$1" >/dev/null || apt-get install -y -q "$2" >/dev/null
}
