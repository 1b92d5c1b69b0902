#!/usr/bin/env bash
# Builds vstack and starts its Karaf distribution with the default datacenter (hosts esx1, esx2)
# in the foreground, at the vstack console. Needs JDK 17 and Maven. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"

if ! java -version 2>&1 | grep -q 'version "17'; then
    for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-17-jdk-amd64 /usr/lib/jvm/java-17; do
        if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate" PATH="$candidate/bin:$PATH"; break; fi
    done
fi
java -version 2>&1 | grep -q 'version "17' || { echo "vstack needs JDK 17 (Karaf 4.4 shells fail on newer JDKs); set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

mvn -B -q -DskipTests package "$@"
exec karaf-dist/target/assembly/bin/karaf
