# Sourced by distribution/dev/run, distribution/dev/test and bench/run (bash).
# Puts the shell at the repository root, exports JAVA_HOME (a JDK >= 21, found like
# bin/gatehouse does) and makes sure Maven is there.

GATEHOUSE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$GATEHOUSE_REPO"

say() { echo "gatehouse-dev: $*" >&2; }

# Debian packages may be installed only by root; apt-get update runs at most once per script.
apt_updated=
apt_install() {
    if [ -z "$apt_updated" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
        apt_updated=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

dev_java() {
    # shellcheck source=../src/bin/find-java.sh
    . "$GATEHOUSE_REPO/distribution/src/bin/find-java.sh"
    gatehouse_find_java || exit 1
    JAVA_HOME=$(dirname "$(dirname "$GATEHOUSE_JAVA")")
    export JAVA_HOME
    # Debian's Maven 3.8 bundles a Guava that warns about sun.misc.Unsafe on JDK 24+; the
    # warning says nothing about Gatehouse, so keep it out of the build output.
    if [ "$(gatehouse_java_major "$GATEHOUSE_JAVA")" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

dev_maven() {
    command -v mvn >/dev/null && return 0
    if [ "$(id -u)" -eq 0 ]; then
        say "installing Debian's maven"
        apt_install maven || { say "could not install maven"; exit 1; }
    else
        say "needs Maven (mvn); install it with: sudo apt-get install maven"
        exit 1
    fi
}

dev_java
dev_maven
