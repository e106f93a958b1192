# Shared by the bench/ scripts (sourced, after distribution/dev/env.sh): a work folder removed on exit with the
# processes started, free loopback ports, wrk measurements, and writing a section of docs/benchmarks.md.
# The sourcing script sets DOC, BEGIN_MARK and END_MARK before calling write_section.

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {  # below Linux's ephemeral range (32768-60999), where outgoing connections would take it
    local port
    while :; do
        port=$((20000 + RANDOM % 12000))
        port_open "$port" || { echo "$port"; return; }
    done
}
await_port() {  # $1 port, $2 name, $3 log
    local i
    for ((i = 0; i < 600; i++)); do
        port_open "$1" && return 0
        sleep 0.1
    done
    say "$2 did not listen on port $1 within 60 s; its log:"; cat "$3" >&2; exit 1
}

# The distribution to measure: BENCH_DIST if set, else the project's, built first unless BENCH_NO_BUILD=1.
# Sets DIST.
build_dist() {
    if [ -n "${BENCH_DIST:-}" ]; then
        DIST=${BENCH_DIST%/}
        return
    fi
    if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
        say "building the distribution"
        mvn -B -q -ntp -Dstyle.color=never -DskipTests package
    fi
    DIST=$(ls -d distribution/target/gatehouse-*/ | head -n 1)
    DIST=${DIST%/}
}

# CPU time and memory of running processes.
cpu_ticks() {  # utime+stime of the given pids and their threads, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# nginx ($NGINX, set by the caller) with $2 workers and the server block(s) $3, its files in $WORK/$1; its pid is
# added to PIDS.
run_nginx() {  # $1 name, $2 workers, $3 server block(s)
    local dir="$WORK/$1" run_as=
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && run_as="user $(id -un);"   # else workers would switch to nobody
    cat >"$dir/nginx.conf" <<CONF
$run_as
worker_processes $2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    $3
}
CONF
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
}

# What bin/gatehouse of $DIST runs on, for a report: the runtime bin/gatehouse-prepare made (GATEHOUSE_RUNTIME
# names another), when it has its AOT cache, or the JDK.
dist_runtime() {
    if [ -f "${GATEHOUSE_RUNTIME:-$DIST/runtime}/gatehouse.aot" ]; then
        echo 'the runtime `bin/gatehouse-prepare` made, with its AOT cache'
    else
        echo 'the JDK, not prepared'
    fi
}

# Starts the echo backend (bin/gatehouse demo) on a free port. Sets BACKEND_PORT.
start_backend() {
    BACKEND_PORT=$(free_port)
    "$DIST/bin/gatehouse" demo --port "$BACKEND_PORT" --host 127.0.0.1 >"$WORK/backend.log" 2>&1 &
    PIDS+=($!)
    await_port "$BACKEND_PORT" backend "$WORK/backend.log"
}

# One wrk run -> "rps p50_ms p99_ms errors" (errors: socket errors + non-2xx/3xx answers).
# $1 duration, $2 URL, further arguments go to wrk (e.g. -H 'Authorization: ...').
measure() {
    local duration=$1 url=$2
    shift 2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "$@" "$url" | awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
            if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { for (i = 3; i <= NF; i += 2) errors += $(i + 1) }
        END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors }'
}

# Replaces the text between BEGIN_MARK and END_MARK in DOC with $1 (which includes both markers), or appends it.
write_section() {
    mkdir -p "$(dirname "$DOC")"
    if [ -f "$DOC" ] && grep -qF "$BEGIN_MARK" "$DOC"; then
        SECTION=$1 awk -v begin="$BEGIN_MARK" -v end="$END_MARK" '
            $0 == begin { print ENVIRON["SECTION"]; skipping = 1; next }
            $0 == end { skipping = 0; next }
            !skipping { print }' "$DOC" >"$WORK/doc" && cp "$WORK/doc" "$DOC"
    elif [ -f "$DOC" ]; then
        printf '\n%s\n' "$1" >>"$DOC"
    else
        printf '# Benchmarks\n\nEach section below is written by the script it names; edit outside the markers.\n\n%s\n' "$1" >"$DOC"
    fi
}
