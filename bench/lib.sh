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
