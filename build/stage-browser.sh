# shellcheck shell=bash
# build/stage-browser.sh: the browser stage of build/test (source it after lib.sh).
#
# Serves the tree with build/run (SQLite with the demo data, the web client
# of web/ at /, the API at /api) as the test user, on a free port of
# 127.0.0.1, listening also on two more ports: a page of the first is an
# origin listed in EverytimeCORSOrigins, a page of the second is not. Then
# t/browser/client.py drives headless Chromium (Debian's chromium and
# chromium-driver, through python3-selenium) through the client, as that
# user too, and saves a screenshot of each screen in LOGDIR. Its TAP output
# is LOGDIR/browser.out; the stage prints "PASSED FAILED" on stdout.

# shellcheck disable=SC2034
ET_PKGS_BROWSER=(chromium chromium-driver python3-selenium fonts-nanum curl)

# et_stage_browser LOGDIR SRC USER STATE: SRC is the copy of the tree the
# test user runs (built), STATE a directory of that user's for the server's
# var/ and Chromium's home.
et_stage_browser() {
    local logs=$1 src=$2 user=$3 state=$4/browser out=$1/browser.out ET_AS
    local limit=${ET_TEST_BROWSER_TIMEOUT:-240} port listed unlisted run_pid status tries
    et_log "browser: the web client in headless Chromium (at most ${limit}s)"
    : >"$out"
    rm -rf "$state"
    mkdir -p "$state/home" "$state/shots"
    port=$(et_free_port 3 18900)
    listed=$((port + 1)) unlisted=$((port + 2))
    # The API's CORS list names the second port's origin; the same server
    # answers on all three ports (no virtual host: the origin is the port).
    cat >"$state/cors.conf" <<CONF
# written by build/test's browser stage
Listen 127.0.0.1:$listed
Listen 127.0.0.1:$unlisted
EverytimeCORSOrigins http://127.0.0.1:$listed
CONF
    [ "$user" = "$(id -un)" ] || chown -R "$user:" "$state"
    et_as_prefix "$user"
    # its own session: the stage ends build/run and whatever it started
    (cd "$src" && exec setsid "${ET_AS[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME="$state/home" LANG=C.UTF-8 EVERYTIME_PORT="$port" EVERYTIME_VAR="$state/var" \
        EVERYTIME_CONF_EXTRA="$state/cors.conf" EVERYTIME_CONFIGURE_ARGS=--enable-werror \
        build/run) 9>&- >"$state/run.log" 2>&1 &
    run_pid=$!
    tries=600
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health/" 2>/dev/null; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ] || ! kill -0 "$run_pid" 2>/dev/null; then
            et_warn "browser: build/run did not serve http://127.0.0.1:$port/ (see $logs/browser.run.log)"
            cp "$state/run.log" "$logs/browser.run.log"
            et_browser_stop "$run_pid" "$state"
            echo "0 1"
            return
        fi
        sleep 0.2
    done
    (cd "$src" && "${ET_AS[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$state/home" \
        LANG=C.UTF-8 timeout -k 10 "$limit" python3 t/browser/client.py \
        --base "http://127.0.0.1:$port" --listed-origin "http://127.0.0.1:$listed" \
        --unlisted-origin "http://127.0.0.1:$unlisted" --shots "$state/shots" \
        --db "$state/var/everytime.db") 9>&- >"$out" 2>&1
    status=$?
    et_browser_stop "$run_pid" "$state"
    cp "$state/shots/"*.png "$logs/" 2>/dev/null
    cp "$state/run.log" "$logs/browser.run.log"
    cp "$state/var/logs/error_log" "$logs/browser.error_log" 2>/dev/null
    cp "$state/var/logs/access_log" "$logs/browser.access_log" 2>/dev/null
    [ "${ET_TEST_VERBOSE:-0}" = 1 ] && cat "$out" >&2
    # "browser: P passed, F failed", the script's last line
    local line passed failed
    line=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    read -r passed failed < <(sed -nE 's/^browser: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' <<<"$line")
    passed=${passed:-0} failed=${failed:-0}
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        et_warn "browser: timed out after ${limit}s"
    fi
    if [ "$status" -ne 0 ] || [ -z "$line" ] || [ "$passed" -eq 0 ]; then
        [ "$failed" -gt 0 ] || failed=1
        echo "---- browser: failures ($out; screenshots in $logs)" >&2
        grep -E '^not ok' "$out" >&2
        [ -n "$line" ] || tail -n 30 "$out" >&2
        echo "----" >&2
    fi
    echo "$passed $failed"
}

# et_browser_stop PID STATE: build/run (a session leader) and its httpd ended
et_browser_stop() {
    local pid=$1 state=$2 tries=100 httpd
    # the session (setsid above: its leader is PID) as a whole: runuser,
    # build/run (whose trap stops its httpd) and httpd
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    httpd=$(cat "$state/var/run/httpd.pid" 2>/dev/null)
    if [ -n "$httpd" ] && kill -0 "$httpd" 2>/dev/null; then
        kill -TERM "$httpd" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    return 0
}
