# Finds a JDK >= 21 for Gatehouse. POSIX sh; sourced (not run) by bin/gatehouse and by the
# repository's distribution/dev/* scripts, so there is one place that knows how.
#
# gatehouse_find_java: sets GATEHOUSE_JAVA to a java binary >= 21 and returns 0, or prints
# one line to stderr and returns 1. Looks, in order, at $JAVA_HOME, the newest JDK under
# /usr/lib/jvm (GATEHOUSE_JVM_DIR overrides that folder), then `java` on PATH.

GATEHOUSE_MIN_JAVA=21

# Prints the full version (25.0.3) a Java home $1 names in its release file, or nothing.
gatehouse_release_version() {
    sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null || true
}

# Prints the version of the Graal compiler in the distribution $1 (lib/compiler/compiler-25.0.3.jar: 25.0.3), or
# nothing: JavaScript filters are compiled only on a Java runtime of exactly that version.
gatehouse_compiler_version() {
    _gj_jar=$(ls "$1"/lib/compiler/compiler-*.jar 2>/dev/null | head -n 1)
    _gj_jar=${_gj_jar##*/compiler-}
    echo "${_gj_jar%.jar}"
}

# Prints the feature version (17, 21, 25...) of the java binary $1, or nothing.
gatehouse_java_major() {
    _gj_home=$(dirname "$(dirname "$1")")
    _gj_version=$(gatehouse_release_version "$_gj_home")
    if [ -z "$_gj_version" ]; then
        _gj_version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    case $_gj_version in 1.*) _gj_version=${_gj_version#1.} ;; esac
    _gj_version=${_gj_version%%[!0-9]*}
    [ -n "$_gj_version" ] && echo "$_gj_version"
}

gatehouse_find_java() {
    GATEHOUSE_JAVA=
    _gj_seen=
    if [ -n "${JAVA_HOME:-}" ]; then
        if [ -x "$JAVA_HOME/bin/java" ]; then
            _gj_major=$(gatehouse_java_major "$JAVA_HOME/bin/java")
            if [ "${_gj_major:-0}" -ge "$GATEHOUSE_MIN_JAVA" ]; then
                GATEHOUSE_JAVA=$JAVA_HOME/bin/java
                return 0
            fi
            _gj_seen="Java ${_gj_major:-of unknown version} in JAVA_HOME=$JAVA_HOME"
        else
            _gj_seen="no bin/java in JAVA_HOME=$JAVA_HOME"
        fi
    fi

    _gj_best=
    _gj_best_major=0
    for _gj_dir in "${GATEHOUSE_JVM_DIR:-/usr/lib/jvm}"/*; do
        [ -x "$_gj_dir/bin/java" ] || continue
        _gj_major=$(gatehouse_java_major "$_gj_dir/bin/java")
        if [ "${_gj_major:-0}" -gt "$_gj_best_major" ]; then
            _gj_best=$_gj_dir/bin/java
            _gj_best_major=$_gj_major
        fi
    done
    if [ "$_gj_best_major" -ge "$GATEHOUSE_MIN_JAVA" ]; then
        GATEHOUSE_JAVA=$_gj_best
        return 0
    fi
    if [ -n "$_gj_best" ]; then
        _gj_seen="${_gj_seen:+$_gj_seen, }Java $_gj_best_major at $_gj_best"
    fi

    _gj_path_java=$(command -v java 2>/dev/null || true)
    if [ -n "$_gj_path_java" ]; then
        _gj_path_java=$(readlink -f "$_gj_path_java" 2>/dev/null || echo "$_gj_path_java")
        _gj_major=$(gatehouse_java_major "$_gj_path_java")
        if [ "${_gj_major:-0}" -ge "$GATEHOUSE_MIN_JAVA" ]; then
            GATEHOUSE_JAVA=$_gj_path_java
            return 0
        fi
        _gj_seen="${_gj_seen:+$_gj_seen, }Java ${_gj_major:-of unknown version} at $_gj_path_java"
    fi

    echo "gatehouse: needs Java $GATEHOUSE_MIN_JAVA or newer; found ${_gj_seen:-no java at all} — set JAVA_HOME" >&2
    return 1
}
