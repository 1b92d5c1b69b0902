#!/usr/bin/env bash
# Distribution start time with trusted-binary loading (the shipped default, enforce) and without
# it (the same distribution with the vstack-trust feature left out of featuresBoot): bin/start ->
# the first bundle:list answer in which every bundle is Active (the fragment Resolved), from a fresh
# copy of the assembly each run (first boot). Prints each run and the medians.
# Usage: benchmarks/start-time.sh [assembly dir] [runs per variant]
set -euo pipefail
assembly="$(cd "${1:-karaf-dist/target/assembly}" && pwd)"
runs="${2:-5}"
work="$(mktemp -d /tmp/vstack-start.XXXXXX)"
port=$((20000 + RANDOM % 20000))
trap 'rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

one_run() { # variant, run
    local dir="$work/$1-$2"
    cp -r "$assembly" "$dir"
    echo "bench = bench,_g_:admingroup" >> "$dir/etc/users.properties"
    sed -i "s/^sshPort *=.*/sshPort = $port/" "$dir/etc/org.apache.karaf.shell.cfg"
    grep -q '^sshPort' "$dir/etc/org.apache.karaf.shell.cfg" || echo "sshPort = $port" >> "$dir/etc/org.apache.karaf.shell.cfg"
    if [ "$1" = without ]; then
        sed -i 's#^\(\s*\)vstack/[0-9A-Za-z.]*#\1vstack-core, vstack-hw-sim#' "$dir/etc/org.apache.karaf.features.cfg"
    fi
    local start; start=$(now_ms)
    "$dir/bin/start" >&2
    while true; do
        out=$(echo "bundle:list -t 0 -s --no-format" | timeout 20 "$dir/bin/client" -u bench -p bench -a "$port" -b 2>/dev/null || true)
        # Resolved is allowed: the only Resolved bundle is Karaf's fragment features.extension.
        if echo "$out" | grep -q "io.vstack.hw.sim" && ! echo "$out" | grep -qE "Installed|Starting|Stopping|Waiting|Failure|GracePeriod"; then
            break
        fi
        sleep 0.2
    done
    local end; end=$(now_ms)
    local bundles; bundles=$(echo "$out" | grep -c "Active" || true)
    local scan; scan=$(grep -o "Trust scan: .* ms" "$dir/data/log/karaf.log" | head -1 || true)
    "$dir/bin/stop" >&2
    while [ -f "$dir/karaf.pid" ] && kill -0 "$(cat "$dir/karaf.pid")" 2>/dev/null; do sleep 0.2; done
    echo "$1 run $2: $((end - start)) ms to $bundles bundles Active ${scan:+($scan)}" >&2
    echo "$((end - start))"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

with=(); without=()
for i in $(seq 1 "$runs"); do
    with+=("$(one_run enforce "$i")")
    without+=("$(one_run without "$i")")
done
m_with=$(printf '%s\n' "${with[@]}" | median)
m_without=$(printf '%s\n' "${without[@]}" | median)
echo "median with enforcement: $m_with ms; without trust: $m_without ms; ratio $(awk "BEGIN {printf \"%.2f\", $m_with/$m_without}")"
