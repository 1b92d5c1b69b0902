#!/usr/bin/env bash
# Builds vstack and starts its Karaf distribution with the default datacenter (hosts esx1, esx2)
# in the foreground, at the vstack console. Needs JDK 17 and Maven.
#
# The distribution runs from ./run/ (not from karaf-dist/target/, which every build replaces):
# unpacked there once, it keeps data/ (disks, VMs, the trust store, logs) and your edits to etc/
# from one run to the next. After a rebuild, bin/, lib/ and system/ are replaced by the new
# build's, files of etc/ you did not edit are replaced by the new defaults, new ones are added,
# and if system/ changed (each build stamps new bundle versions) the framework cache data/cache
# starts afresh, so that the new bundles run.
#
#   ./run.sh [--clean] [maven arguments...]
#     --clean   deletes ./run/ first: a fresh distribution, as shipped, with no data
set -euo pipefail
cd "$(dirname "$0")"

clean=false
if [ "${1:-}" = "--clean" ]; then
    clean=true
    shift
fi

if ! java -version 2>&1 | grep -q 'version "17'; then
    for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-17-jdk-amd64 /usr/lib/jvm/java-17; do
        if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate" PATH="$candidate/bin:$PATH"; break; fi
    done
fi
java -version 2>&1 | grep -q 'version "17' || { echo "vstack needs JDK 17 (Karaf 4.4 shells fail on newer JDKs); set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

mvn -B -q -DskipTests package "$@"

built=karaf-dist/target/assembly
run=run
shipped="$run/.shipped-etc.sha256"   # checksums of etc/ as last shipped into run/

# Records the checksum of every file of the build's etc/ (paths relative to etc/).
record_shipped() {
    (cd "$built/etc" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$shipped"
}

# The checksum etc/<file> had when it was last shipped into run/, or nothing.
shipped_sum() {
    awk -v f="$1" '$2 == f { print $1 }' "$shipped"
}

# One checksum over every file of a directory tree (names and contents).
tree_sum() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
}

if $clean && [ -d "$run" ]; then
    echo "run.sh --clean: deleting $run/ (data and etc/ edits included)"
    rm -rf "$run"
fi

if [ ! -d "$run" ]; then
    mkdir "$run"
    cp -a "$built/." "$run/"
    record_shipped
else
    if [ "$(tree_sum "$built/system")" != "$(tree_sum "$run/system")" ]; then
        # Every build stamps new bundle versions, so this happens after each rebuild: the framework
        # would otherwise go on running the bundles it cached from the previous build.
        echo "run.sh: system/ changed: the framework cache data/cache starts afresh so that the new build runs" \
             "(data/vstack and etc/ are kept; bundles installed by hand and features added with feature:install" \
             "must be installed again)"
        rm -rf "$run/data/cache"
    fi
    for dir in bin lib system; do
        rm -rf "${run:?}/$dir"
        cp -a "$built/$dir" "$run/$dir"
    done
    cp -a "$built/deploy/." "$run/deploy/"
    (cd "$built/etc" && find . -type f -print0) | while IFS= read -r -d '' file; do
        target="$run/etc/$file"
        if [ ! -e "$target" ]; then
            mkdir -p "$(dirname "$target")"
            cp -a "$built/etc/$file" "$target"
        elif ! cmp -s "$built/etc/$file" "$target"; then
            was=$(shipped_sum "$file")
            if [ -n "$was" ] && [ "$(sha256sum < "$target" | cut -d' ' -f1)" = "$was" ]; then
                cp -a "$built/etc/$file" "$target"
            elif [ "$(sha256sum < "$built/etc/$file" | cut -d' ' -f1)" != "$was" ]; then
                cp -a "$built/etc/$file" "$target.shipped"
                echo "run.sh: kept your etc/${file#./}; the new default is etc/${file#./}.shipped"
            fi
        fi
    done
    record_shipped
fi

exec "$run/bin/karaf"
