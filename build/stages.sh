# shellcheck shell=bash
# build/stages.sh: the sanitizer stages of build/test, and the plans stage
# (source it after lib.sh).
#
#   asan   the Check unit tests built with clang, AddressSanitizer and
#          UndefinedBehaviorSanitizer, pool allocations guarded (t/fuzz/pool_guard.c);
#   fuzz   every libFuzzer harness of t/fuzz for ET_FUZZ_SECONDS each;
#   plans  bench/explain --check on SQLite and PostgreSQL: each page of posts
#          and comments walks its index, and PostgreSQL keeps its generic plan.
#
# Each builds out of tree in var/<stage>/build, from a copy of the sources in
# var/<stage>/src (automake builds out of tree only from a source tree that
# was never configured, and this one has its plain build in place). Both are
# kept between runs, so a second run rebuilds only what changed. A stage
# function logs to stderr and to LOGDIR/<stage>.out, and prints
# "PASSED FAILED" on stdout.

# (their packages: ET_PKGS_SANITIZE in lib.sh)
ET_SAN_CC=clang-14
ET_SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
# Any report fails: UBSan's abort (-fno-sanitize-recover=all), ASan halts,
# LeakSanitizer runs at every exit.
ET_SAN_ENV=(ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer)
ET_SAN_REPORT='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|property failed'

# et_stage_tree STAGE CONFIGURE-ARGS...: var/STAGE/src refreshed from the
# tree, var/STAGE/build configured from it with these arguments (again when
# they change). Prints the build directory.
et_stage_tree() {
    local stage=$1 src=$ET_TOP/var/$1/src build=$ET_TOP/var/$1/build args
    shift
    mkdir -p "$src" "$build"
    rsync -a --delete --exclude=/.git --exclude=/var/ --exclude=/t/logs/ --exclude=/t/media/ \
        --exclude=/t/keys/ --exclude=/Makefile --exclude=/config.status --exclude=/config.log \
        --exclude=/libtool --exclude='*.o' --exclude='*.lo' --exclude='*.la' --exclude=.libs/ \
        --exclude=.deps/ --exclude=.dirstamp --exclude=/mod_everytime/api/openapi_doc.c \
        --exclude=/t/unit/test_everytime --exclude='*.log' --exclude='*.trs' \
        "$ET_TOP/" "$src/" || return 1
    args=$(printf '%q ' "$@")
    if [ ! -f "$build/Makefile" ] || [ "$(cat "$build/.configure-args" 2>/dev/null)" != "$args" ]; then
        et_log "$stage: configure $*"
        (cd "$build" && "$src/configure" -q "$@") >&2 || return 1
        printf '%s' "$args" >"$build/.configure-args"
    fi
    printf '%s\n' "$build"
}

# et_stage_asan LOGDIR
et_stage_asan() {
    local out=$1/asan.out build log status checks failures errors failed reports
    : >"$out"
    et_log "asan: the unit tests under ASan and UBSan ($ET_SAN_CC)"
    # (pkg-config's flags are words)
    # shellcheck disable=SC2046
    if ! build=$(et_stage_tree asan --enable-werror CC="$ET_SAN_CC" CFLAGS="$ET_SAN_FLAGS" \
        LDFLAGS="$ET_SAN_FLAGS" 2>>"$out") ||
        ! make -C "$build" -j"$(nproc)" >>"$out" 2>&1 ||
        ! "$ET_SAN_CC" -g -O1 -fPIC -shared -Wall -Wextra -Werror $(pkg-config --cflags apr-1) \
            -o "$build/pool_guard.so" "$build/../src/t/fuzz/pool_guard.c" -ldl >>"$out" 2>&1; then
        tail -n 30 "$out" >&2
        echo "0 1"
        return
    fi
    log=$build/t/unit/test_everytime.log
    rm -f "$log"
    env "${ET_SAN_ENV[@]}" make -C "$build" check \
        AM_TESTS_ENVIRONMENT="LD_PRELOAD=$build/pool_guard.so; export LD_PRELOAD;" >>"$out" 2>&1
    status=$?
    cat "$log" >>"$out" 2>/dev/null
    read -r checks failures errors < <(sed -nE \
        's/^[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/p' \
        "$log" 2>/dev/null | tail -n 1)
    checks=${checks:-0} failures=${failures:-0} errors=${errors:-0}
    failed=$((failures + errors))
    reports=$(grep -cE "$ET_SAN_REPORT" "$out")
    if [ "$reports" -gt 0 ] || [ "$failed" -gt 0 ] || [ "$status" -ne 0 ] || [ "$checks" -eq 0 ]; then
        [ "$failed" -gt 0 ] || failed=1
        grep -E -A 12 "$ET_SAN_REPORT|:[EF]:" "$out" | head -n 60 >&2
    fi
    echo "$((checks - failures - errors)) $failed"
}

# et_stage_fuzz LOGDIR [SECONDS]: each harness for SECONDS (ET_FUZZ_SECONDS, 12)
et_stage_fuzz() {
    local out=$1/fuzz.out seconds=${2:-${ET_FUZZ_SECONDS:-12}} build
    : >"$out"
    et_log "fuzz: the libFuzzer harnesses of t/fuzz, ${seconds}s each"
    if ! build=$(et_stage_tree fuzz CC="$ET_SAN_CC" --enable-fuzz --enable-werror 2>>"$out") ||
        ! make -C "$build" -j"$(nproc)" fuzz-build >>"$out" 2>&1; then
        tail -n 30 "$out" >&2
        echo "0 1"
        return
    fi
    env "${ET_SAN_ENV[@]}" make -s -C "$build" fuzz-run FUZZ_SECONDS="$seconds" >>"$out" 2>&1
    grep -E '^(fuzz_|    )' "$out" >&2
    stage_counts fuzz "$out"
}

# stage_counts NAME OUT: "PASSED FAILED" from the last "NAME: N passed, N
# failed" line of OUT; without one (the run stopped short), its end on
# stderr and "0 1".
stage_counts() {
    local passed failed
    read -r passed failed < <(sed -nE "s/^$1: ([0-9]+) passed, ([0-9]+) failed\$/\\1 \\2/p" "$2" |
        tail -n 1)
    [ -n "$passed" ] || {
        tail -n 30 "$2" >&2
        passed=0 failed=1
    }
    echo "$passed $failed"
}

# et_stage_plans LOGDIR: bench/explain --check, on a database of its own of
# each kind (bench/run's large one, made by bench/seed-large). One check per
# list statement and database.
et_stage_plans() {
    local out=$1/plans.out
    et_log "plans: the page statements' plans on SQLite and PostgreSQL (bench/explain --check)"
    "$ET_TOP/bench/explain" --check sqlite3 pgsql >"$out" 2>&1
    grep -E '^check: ' "$out" | grep -v ': ok ' >&2
    stage_counts plans "$out"
}
