#!/usr/bin/env bash
# Prepares an emulated aarch64 (ARM64) JDK 25 for the aarch64 test lane and prints the path of
# its `java` wrapper on stdout (the only line this script writes to stdout; logs go to stderr).
#
#   .ci/aarch64-jdk.sh            -> e.g. /root/.cache/tophash/aarch64-jdk/home/bin/java
#
# How: Debian's arm64 packages of openjdk-25-jre-headless and the few libraries it needs to start
# are fetched with apt (a private sources list, state and cache: the system's apt configuration
# is not touched), unpacked with `dpkg -x` into a sysroot, and run by qemu-user:
#   qemu-aarch64-static -L <sysroot> <sysroot>/usr/lib/jvm/java-25-openjdk-arm64/bin/java
# The mirror is the one this machine's own apt sources use for its Debian release.
#
# Layout under ${TOPHASH_CACHE:-$HOME/.cache/tophash}/aarch64-jdk:
#   sysroot/          the unpacked arm64 packages (lib -> usr/lib; absolute symlinks made relative)
#   home/bin/java     wrapper: exec qemu-aarch64-static -L sysroot sysroot/.../bin/java "$@"
#   home/release      copy of the JDK's release file (Surefire reads <home>/release to see the
#                     forked JVM is Java 9+, so the wrapper must sit in a JDK-like bin/ folder)
#   stamp             what was prepared; the cache is reused while it matches this script's key
#
# The cache is reused without any network access; TOPHASH_AARCH64_REFRESH=1 rebuilds it.
# Environment:
#   TOPHASH_CACHE            cache root (default $HOME/.cache/tophash)
#   TOPHASH_AARCH64_SUITE    Debian suite to take the arm64 packages from (default trixie)
#   TOPHASH_DEBIAN_MIRROR    Debian mirror URI (default: derived from /etc/apt/sources*)
#   TOPHASH_AARCH64_REFRESH  1 = ignore the cache and prepare again
# Exit status is non-zero, with an ERROR banner on stderr, whenever the JDK cannot be prepared or
# does not report os.arch=aarch64: the lane must never pass without having run on aarch64.
set -euo pipefail

SCRIPT_REV=1
SUITE=${TOPHASH_AARCH64_SUITE:-trixie}
JDK_PACKAGE=openjdk-25-jre-headless
JDK_REL=usr/lib/jvm/java-25-openjdk-arm64
# libjvm, the launcher and the libraries a test JVM loads need only these (checked below by
# starting the JVM); the JDK's other dependencies (lcms2, libjpeg, nss, pcsclite, ...) serve
# optional features (colour management, image I/O, PKCS#11, smart cards) that tests do not use.
PACKAGES=("$JDK_PACKAGE" libc6 libgcc-s1 libstdc++6 zlib1g)

CACHE_ROOT=${TOPHASH_CACHE:-$HOME/.cache/tophash}
DEST=$CACHE_ROOT/aarch64-jdk
KEY="rev=$SCRIPT_REV suite=$SUITE packages=${PACKAGES[*]}"

log() { echo "aarch64-jdk: $*" >&2; }
die() {
    {
        echo
        echo "========================================================================"
        echo "aarch64-jdk: ERROR: $*"
        echo "aarch64-jdk: the emulated aarch64 JDK is NOT available; the aarch64 lane FAILS."
        echo "========================================================================"
        echo
    } >&2
    exit 1
}

# --- qemu-user -------------------------------------------------------------------------------
ensure_qemu() {
    if command -v qemu-aarch64-static >/dev/null 2>&1; then
        return
    fi
    log "qemu-aarch64-static is missing; installing Debian's qemu-user-static"
    [[ $(id -u) -eq 0 ]] || die "qemu-aarch64-static is missing and this is not root: apt-get install qemu-user-static"
    command -v apt-get >/dev/null 2>&1 || die "qemu-aarch64-static is missing and there is no apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends qemu-user-static >&2; then
        apt-get update -q >&2 || die "apt-get update failed (needed to install qemu-user-static)"
        apt-get install -y -q --no-install-recommends qemu-user-static >&2 \
            || die "apt-get install qemu-user-static failed"
    fi
    command -v qemu-aarch64-static >/dev/null 2>&1 || die "qemu-user-static installed but qemu-aarch64-static is not on PATH"
}

# --- mirror ----------------------------------------------------------------------------------
# The URI of this machine's Debian archive: the source that lists the machine's own release
# (e.g. bookworm) as a suite, from one-line .list files or deb822 .sources files.
derive_mirror() {
    if [[ -n ${TOPHASH_DEBIAN_MIRROR:-} ]]; then
        echo "${TOPHASH_DEBIAN_MIRROR%/}"
        return
    fi
    local codename=""
    if [[ -r /etc/os-release ]]; then
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    fi
    [[ -n $codename ]] || die "cannot tell this machine's Debian release (no VERSION_CODENAME in /etc/os-release); set TOPHASH_DEBIAN_MIRROR"
    local files=() f
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && files+=("$f")
    done
    local uri=""
    if ((${#files[@]})); then
        uri=$(awk -v want="$codename" '
            function flush() {
                if (found) return
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] == want) { split(uris, u, /[ \t]+/); print u[1]; found = 1; exit }
                }
                types = ""; uris = ""; suites = ""; enabled = ""
            }
            FNR == 1 { flush() }
            FILENAME ~ /\.sources$/ {
                if ($0 ~ /^[ \t]*$/) { flush(); next }
                if ($0 ~ /^[ \t]*#/) next
                line = $0; key = tolower(line); sub(/:.*/, "", key)
                val = line; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
                if (key == "types") types = val
                else if (key == "uris") uris = val
                else if (key == "suites") suites = val
                else if (key == "enabled") enabled = tolower(val)
                next
            }
            /^[ \t]*deb[ \t]/ {
                line = $0; sub(/#.*/, "", line); sub(/\[[^]]*\]/, "", line)
                n = split(line, w, /[ \t]+/); j = 0
                for (i = 1; i <= n; i++) if (w[i] != "") v[++j] = w[i]
                if (j >= 3 && v[1] == "deb" && v[3] == want) { print v[2]; found = 1; exit }
            }
            END { flush() }
        ' "${files[@]}")
    fi
    [[ -n $uri ]] || die "no Debian mirror for suite '$codename' in /etc/apt/sources.list{,.d/*}; set TOPHASH_DEBIAN_MIRROR"
    echo "${uri%/}"
}

# --- verification ----------------------------------------------------------------------------
# Starts the JVM through the wrapper once, checks what it reports about itself and logs that.
verify() {
    local java=$1 out
    out=$("$java" -XshowSettings:properties -version 2>&1) || {
        echo "$out" | tail -n 20 >&2
        return 1
    }
    grep -E '^[[:space:]]*(os\.arch|java\.version|java\.vm\.name|java\.runtime\.version) = ' <<<"$out" \
        | sed 's/^[[:space:]]*/aarch64-jdk:   /' >&2 || true
    grep -Eq '^[[:space:]]*os\.arch = aarch64$' <<<"$out" || return 1
    grep -Eq '^[[:space:]]*java\.version = 25([.+-]|$)' <<<"$out" || return 1
    return 0
}

# --- preparation -----------------------------------------------------------------------------
prepare() {
    local work=$1
    local mirror
    mirror=$(derive_mirror)
    log "fetching arm64 ${PACKAGES[*]} from $mirror $SUITE"

    local apt=$work/apt
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/sources.list.d" \
        "$apt/etc/preferences.d" "$apt/debs"
    : >"$apt/status"
    : >"$apt/etc/preferences"
    local signed=""
    if [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
        signed=" signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
    fi
    echo "deb [arch=arm64$signed] $mirror $SUITE main" >"$apt/etc/sources.list"
    local opts=(
        -q
        -oAPT::Architecture=arm64
        -oAPT::Architectures=arm64
        -oAPT::Sandbox::User=root
        -oAcquire::Languages=none
        -oAcquire::Retries=3
        "-oDir::Etc::SourceList=$apt/etc/sources.list"
        "-oDir::Etc::SourceParts=$apt/etc/sources.list.d"
        "-oDir::Etc::Preferences=$apt/etc/preferences"
        "-oDir::Etc::PreferencesParts=$apt/etc/preferences.d"
        "-oDir::State=$apt"
        "-oDir::State::Lists=$apt/lists"
        "-oDir::State::status=$apt/status"
        "-oDir::Cache=$apt/cache"
        "-oDir::Cache::archives=$apt/cache/archives"
        -oDir::Cache::pkgcache=
        -oDir::Cache::srcpkgcache=
    )
    apt-get "${opts[@]}" --error-on=any update >&2 \
        || die "apt-get update of the private arm64 '$SUITE' source ($mirror) failed"
    (cd "$apt/debs" && apt-get "${opts[@]}" download "${PACKAGES[@]}" >&2) \
        || die "apt-get download of arm64 ${PACKAGES[*]} from $mirror $SUITE failed"

    local root=$work/sysroot deb
    mkdir -p "$root"
    for deb in "$apt"/debs/*.deb; do
        log "  unpacking $(basename "$deb")"
        dpkg -x "$deb" "$root" || die "dpkg -x $(basename "$deb") failed"
    done
    [[ -x $root/$JDK_REL/bin/java ]] || die "$JDK_PACKAGE did not provide $JDK_REL/bin/java"

    # The aarch64 ELF interpreter is /lib/ld-linux-aarch64.so.1; Debian ships it in usr/lib.
    [[ -e $root/lib ]] || ln -s usr/lib "$root/lib"
    # Absolute symlinks (e.g. the JDK's lib/jvm.cfg and conf/ -> /etc/java-25-openjdk/...) would
    # resolve on the host, not in the sysroot: make them relative to stay inside it.
    local link target dir
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        dir=$(dirname "$link")
        ln -sfn "$(realpath -m --relative-to="$dir" "$root$target")" "$link"
    done < <(find "$root" -type l -lname '/*' -print0)

    local home=$work/home
    mkdir -p "$home/bin"
    cp "$root/$JDK_REL/release" "$home/release"
    cat >"$home/bin/java" <<EOF
#!/bin/sh
# Generated by .ci/aarch64-jdk.sh: runs the arm64 JDK 25 of ../../sysroot under qemu-user.
# QEMU_CPU (read by qemu itself) may pick another CPU model than qemu's default "max".
here=\$(dirname "\$(readlink -f "\$0")")
root=\$(cd "\$here/../../sysroot" && pwd)
exec "\${TOPHASH_QEMU:-qemu-aarch64-static}" -L "\$root" "\$root/$JDK_REL/bin/java" "\$@"
EOF
    chmod +x "$home/bin/java"
}

main() {
    ensure_qemu
    mkdir -p "$CACHE_ROOT"
    # One preparer at a time per cache (two lanes started together would race otherwise).
    exec 9>"$CACHE_ROOT/aarch64-jdk.lock"
    flock 9

    local java=$DEST/home/bin/java
    if [[ ${TOPHASH_AARCH64_REFRESH:-0} != 1 && -f $DEST/stamp && $(head -n 1 "$DEST/stamp") == "$KEY" ]]; then
        log "checking the cached JDK at $DEST"
        if verify "$java"; then
            log "cached aarch64 JDK at $DEST"
            echo "$java"
            return
        fi
        log "cached aarch64 JDK at $DEST does not start as aarch64 JDK 25; preparing it again"
    fi

    local started=$SECONDS
    local work
    work=$(mktemp -d "$CACHE_ROOT/aarch64-jdk.tmp.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    prepare "$work"
    log "checking the prepared JDK"
    verify "$work/home/bin/java" \
        || die "the prepared JDK does not start under qemu-aarch64-static as an aarch64 JDK 25"

    { echo "$KEY"; ls "$work/apt/debs"; } >"$work/stamp"
    rm -rf "$work/apt"
    rm -rf "$DEST"
    chmod 755 "$work"
    mv "$work" "$DEST"
    trap - EXIT
    [[ -x $java && -d $DEST/sysroot/$JDK_REL ]] || die "the aarch64 JDK is incomplete after moving it to $DEST"
    log "prepared aarch64 JDK at $DEST in $((SECONDS - started)) s"
    echo "$java"
}

main "$@"
