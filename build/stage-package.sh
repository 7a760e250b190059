# shellcheck shell=bash
# build/stage-package.sh: the package stage of build/test (source it after lib.sh).
#
# Builds the Debian package (debian/) with dpkg-buildpackage in a copy of the
# tree (var/package/src: the developer's tree and its configure state stay
# as they are), runs lintian on it (any error fails), installs it into the
# machine's Apache (/etc/apache2) with dpkg -i, enables it with a2enmod,
# writes a site from the packaged SQLite example that listens on a free
# port of 127.0.0.1, migrates and seeds a database with the packaged
# everytime-migrate, checks `apachectl configtest`, starts (or, when it was
# running, reloads) apache2, asks /api/health/ and logs in with a demo
# account, fetches the web client at /, then purges the package and checks that nothing it installed is
# left. Each of these steps is one check: "package: <passed> passed,
# <failed> failed".
#
# Whatever happens, the machine's Apache is left as it was found: the
# *-enabled directories and a2enmod's state (/var/lib/apache2) are saved
# before and put back after (in an EXIT trap), apache2 is stopped if the
# stage started it (reloaded if it was running), the site and the test
# database are removed, and the package is purged. Needs root (dpkg).

# (Debian packages: the build's, ET_PKGS_BUILD, and these)
# shellcheck disable=SC2034
ET_PKGS_PACKAGE=(dpkg-dev debhelper fakeroot lintian libsubunit-dev rsync curl sqlite3
    libaprutil1-dbd-sqlite3 apache2 apache2-utils)

ET_PKG_NAME=libapache2-mod-everytime
ET_PKG_SITE=everytime-package-test                 # the site the stage writes
ET_PKG_STATE=/var/lib/everytime-package-test       # its database and JWT secret
ET_PKG_SAVED=(/etc/apache2/mods-enabled /etc/apache2/sites-enabled /etc/apache2/conf-enabled
    /var/lib/apache2)

# et_pkg_absent: the package is not installed (never was, or purged)
et_pkg_absent() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$ET_PKG_NAME" 2>/dev/null)
    [ -z "$status" ] || [ "$status" = not-installed ]
}

# et_pkg_apache_pid: the pid of the system apache2 (its envvars' pid file), if alive
et_pkg_apache_pid() {
    local pid
    pid=$(
        set +u # (envvars reads unset variables)
        # shellcheck disable=SC1091
        . /etc/apache2/envvars 2>/dev/null
        cat "${APACHE_PID_FILE:-/var/run/apache2/apache2.pid}" 2>/dev/null
    ) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# et_pkg_state: what "as it was" means, one line per entry
et_pkg_state() {
    local d
    for d in "${ET_PKG_SAVED[@]}"; do
        [ -e "$d" ] && find "$d" -printf '%p %y %l\n' 2>/dev/null
    done | sort
    find /etc/rc?.d /etc/systemd/system -name '*apache2*' 2>/dev/null | sort
    et_pkg_apache_pid >/dev/null && echo "apache2 running" || echo "apache2 stopped"
    dpkg-query -W -f='${db:Status-Abbrev}\n' "$ET_PKG_NAME" 2>/dev/null | sed 's/^/package /'
}

# et_stage_package LOGDIR: prints "PASSED FAILED"
et_stage_package() {
    local out=$1/package.out
    : >"$out"
    if ! et_is_root; then
        et_warn "package: skipped (needs root: dpkg -i into the machine's Apache)"
        echo "0 1"
        return
    fi
    # A subshell, so that its EXIT trap restores Apache whatever happens; fd 3
    # carries "PASSED FAILED" to build/test, fd 4 the progress to the terminal.
    (et_pkg_run "$1" 3>&1 4>&2 >>"$out" 2>&1)
}

et_pkg_run() {
    local logs=$1 top=$ET_TOP/var/package passed=0 failed=0 started='' reloaded='' port
    local saved=$top/saved.tar before after deb changes version
    et_log "package: dpkg-buildpackage, lintian, install into /etc/apache2, serve, purge" 2>&4
    check() { # check NAME CMD...: one check, passed or failed; its output in the log
        echo "---- $1"
        if "${@:2}"; then
            passed=$((passed + 1))
            echo "---- ok: $1"
            printf '    ok: %s\n' "$1" >&4
            return 0
        fi
        failed=$((failed + 1))
        echo "---- FAILED: $1"
        printf '    FAILED: %s (%s)\n' "$1" "$logs/package.out" >&4
        return 1
    }

    mkdir -p "$top"
    # ---- the machine's Apache as found, put back on exit
    if ! et_pkg_absent; then
        et_warn "package: $ET_PKG_NAME is installed on this machine; the stage would replace it: not run" 2>&4
        echo "0 1" >&3
        return
    fi
    before=$(et_pkg_state)
    rm -f "$saved"
    if ! tar -cpf "$saved" --ignore-failed-read "${ET_PKG_SAVED[@]}" ||
        ! tar -tf "$saved" | grep '^etc/apache2/mods-enabled/' >/dev/null; then
        et_warn "package: could not save /etc/apache2's state in $saved: not run" 2>&4
        echo "0 1" >&3
        return
    fi
    # shellcheck disable=SC2317 # (run by the EXIT trap)
    restore() {
        set +e
        echo "---- restoring the machine's Apache"
        if [ -n "$started" ]; then
            apache2ctl stop
            local tries=100
            while et_pkg_apache_pid >/dev/null && [ "$tries" -gt 0 ]; do
                sleep 0.1
                tries=$((tries - 1))
            done
        fi
        rm -f "/etc/apache2/sites-enabled/$ET_PKG_SITE.conf" \
            "/etc/apache2/sites-available/$ET_PKG_SITE.conf"
        rm -rf "$ET_PKG_STATE"
        et_pkg_absent || dpkg --purge "$ET_PKG_NAME"
        # the *-enabled links and a2enmod's state exactly as they were
        local d
        for d in "${ET_PKG_SAVED[@]}"; do rm -rf "$d"; done
        tar -xpf "$saved" -C /
        [ -n "$reloaded" ] && apache2ctl graceful
        after=$(et_pkg_state)
        if [ "$before" != "$after" ]; then
            echo "---- the machine's Apache differs from what it was:"
            diff <(echo "$before") <(echo "$after")
            failed=$((failed + 1))
            printf '    FAILED: Apache put back as it was (%s)\n' "$logs/package.out" >&4
        fi
    }
    trap 'restore; echo "$passed $failed" >&3' EXIT
    trap 'exit 130' INT TERM

    # ---- build, in a copy of the tree (what git would keep, plus uncommitted work)
    version=$(dpkg-parsechangelog -l "$ET_TOP/debian/changelog" -S Version) || exit 0
    mkdir -p "$top/src"
    rsync -a --delete --exclude=/.git --exclude=/var/ --filter=':- .gitignore' \
        "$ET_TOP/" "$top/src/mod-everytime/" || exit 0
    rm -f "$top/src/"*.deb "$top/src/"*.changes "$top/src/"*.buildinfo
    check "dpkg-buildpackage -us -uc -b" \
        env -C "$top/src/mod-everytime" DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" \
        dpkg-buildpackage -us -uc -b || exit 0
    deb=$top/src/${ET_PKG_NAME}_${version}_$(dpkg --print-architecture).deb
    changes=$top/src/${ET_PKG_NAME}_${version}_$(dpkg --print-architecture).changes
    check "lintian: no errors" lintian --fail-on error "$changes"

    # ---- install, enable, configure from the packaged example
    check "dpkg -i $(basename "$deb")" et_pkg_install "$deb" || exit 0
    check "installed files" et_pkg_installed_files
    check "a2enmod everytime" a2enmod everytime || exit 0
    port=$(et_free_port 0)
    check "site from the packaged SQLite example, migrated with everytime-migrate" \
        et_pkg_site "$port" || exit 0
    check "apachectl configtest" apachectl configtest || exit 0
    if et_pkg_apache_pid >/dev/null; then
        reloaded=1
        check "apache2 reloaded" apache2ctl graceful || exit 0
    else
        started=1
        check "apache2 started" apache2ctl start || exit 0
    fi
    check "GET /api/health/ through the system Apache" et_pkg_health "$port"
    check "demo login and /api/accounts/me/" et_pkg_login "$port"
    check "the web client at / (index.html and its modules)" et_pkg_web "$port"

    # ---- purge: nothing left of what the package installed
    local files=$top/installed-files
    dpkg -L "$ET_PKG_NAME" >"$files"
    if [ -n "$started" ]; then
        apache2ctl stop
        started=''
    fi
    a2dissite -q "$ET_PKG_SITE"
    rm -f "/etc/apache2/sites-available/$ET_PKG_SITE.conf"
    check "dpkg --purge" dpkg --purge "$ET_PKG_NAME"
    check "nothing left after the purge" et_pkg_nothing_left "$files"
    exit 0
}

et_pkg_install() {
    dpkg -i "$1" && return 0
    # missing dependencies: apt brings them and finishes the configuration
    DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq --no-install-recommends </dev/null &&
        [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$ET_PKG_NAME")" = "ii " ]
}

et_pkg_installed_files() {
    local f ok=0 load
    for f in /usr/lib/apache2/modules/mod_everytime.so /etc/apache2/mods-available/everytime.load \
        /etc/apache2/mods-available/everytime.conf /usr/share/mod-everytime/sql/sqlite/0001_init.sql \
        /usr/share/mod-everytime/sql/demo.sql /usr/share/doc/$ET_PKG_NAME/openapi.json \
        /usr/share/doc/$ET_PKG_NAME/examples/sqlite.conf.example /usr/share/mod-everytime/web/index.html \
        /usr/share/mod-everytime/web/js/app.js /usr/share/mod-everytime/web/js/views/timetable.js; do
        [ -s "$f" ] || { echo "missing: $f"; ok=1; }
    done
    [ "$(command -v everytime-migrate)" = /usr/sbin/everytime-migrate ] ||
        { echo "everytime-migrate is not on PATH"; ok=1; }
    # the .load names the .so the package installs
    load=$(sed -n 's/^LoadModule everytime_module //p' /etc/apache2/mods-available/everytime.load)
    [ -f "$load" ] || { echo "everytime.load loads '$load', which is not there"; ok=1; }
    return $ok
}

# et_pkg_site PORT: the packaged example, its paths moved under ET_PKG_STATE,
# in a <VirtualHost> of its own Listen; the database migrated and seeded by
# httpd's user with the packaged tool
et_pkg_site() {
    local port=$1 example=/usr/share/doc/$ET_PKG_NAME/examples/sqlite.conf.example user
    # (envvars reads unset variables)
    # shellcheck disable=SC1091
    user=$(set +u && . /etc/apache2/envvars && echo "$APACHE_RUN_USER")
    [ -n "$user" ] || { echo "no APACHE_RUN_USER in /etc/apache2/envvars"; return 1; }
    a2enmod -q dbd socache_shmcb || return 1
    rm -rf "$ET_PKG_STATE"
    install -d -m 0700 -o "$user" -g "$user" "$ET_PKG_STATE" || return 1
    (umask 077 && et_random_hex 48 >"$ET_PKG_STATE/jwt_secret") || return 1
    runuser -u "$user" -- everytime-migrate sqlite3 "$ET_PKG_STATE/everytime.db" || return 1
    runuser -u "$user" -- everytime-migrate --seed sqlite3 "$ET_PKG_STATE/everytime.db" || return 1
    {
        echo "# written by build/test's package stage, removed at its end"
        echo "Listen 127.0.0.1:$port"
        echo "<VirtualHost 127.0.0.1:$port>"
        sed -e "s|/var/lib/everytime/|$ET_PKG_STATE/|g" \
            -e "s|file:/etc/apache2/everytime/jwt_secret|file:$ET_PKG_STATE/jwt_secret|" "$example"
        echo "</VirtualHost>"
    } >"/etc/apache2/sites-available/$ET_PKG_SITE.conf" || return 1
    cat "/etc/apache2/sites-available/$ET_PKG_SITE.conf"
    grep -q "DBDParams $ET_PKG_STATE/everytime.db" "/etc/apache2/sites-available/$ET_PKG_SITE.conf" ||
        { echo "the example's DBDParams was not found"; return 1; }
    a2ensite -q "$ET_PKG_SITE"
}

et_pkg_health() {
    local body tries=50
    until body=$(curl -sS --max-time 5 -f "http://127.0.0.1:$1/api/health/"); do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.2
    done
    echo "$body"
    grep -q '"status": *"ok"' <<<"$body"
}

et_pkg_login() {
    local api=http://127.0.0.1:$1/api body access code
    body=$(curl -sS --max-time 10 -X POST "$api/accounts/login/" -H 'Content-Type: application/json' \
        -d '{"login_id": "student1", "password": "everytime123!"}') || return 1
    access=$(perl -MJSON::PP -0ne 'print decode_json($_)->{token}{access} // ""' <<<"$body")
    [ -n "$access" ] || { echo "login: $body"; return 1; }
    body=$(curl -sS --max-time 10 "$api/accounts/me/" -H "Authorization: Bearer $access") || return 1
    echo "me: $body"
    perl -MJSON::PP -0ne 'exit(decode_json($_)->{login_id} eq "student1" ? 0 : 1)' <<<"$body" ||
        return 1
    # and a wrong password is refused
    code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST "$api/accounts/login/" \
        -H 'Content-Type: application/json' -d '{"login_id": "student1", "password": "wrong-pass"}')
    [ "$code" = 401 ] || { echo "wrong password: HTTP $code"; return 1; }
}

# et_pkg_web PORT: the example serves the packaged web client at /, its
# modules as JavaScript (a browser runs a module of no JavaScript type)
et_pkg_web() {
    local base=http://127.0.0.1:$1 body type
    body=$(curl -sS --max-time 10 -f "$base/") || return 1
    grep -q '<meta name="everytime-api" content="/api">' <<<"$body" ||
        { echo "/ is not the web client: $body" | head -n 5; return 1; }
    type=$(curl -sS --max-time 10 -f -o /dev/null -w '%{content_type}' "$base/js/app.js") || return 1
    echo "/js/app.js: $type"
    case $type in
    text/javascript* | application/javascript*) ;;
    *) return 1 ;;
    esac
}

# et_pkg_nothing_left FILES: none of the files the package had, none of its
# directories, no everytime link in mods-enabled, no a2enmod state
et_pkg_nothing_left() {
    local f left=0
    while IFS= read -r f; do
        [ -d "$f" ] && [ ! -L "$f" ] && continue # shared directories (/usr/share/doc, ...)
        [ -e "$f" ] || [ -L "$f" ] && { echo "left: $f"; left=1; }
    done <"$1"
    for f in /usr/share/mod-everytime "/usr/share/doc/$ET_PKG_NAME" /etc/apache2/mods-enabled/everytime.load \
        /etc/apache2/mods-enabled/everytime.conf /var/lib/apache2/module/enabled_by_maint/everytime \
        /var/lib/apache2/module/enabled_by_admin/everytime /var/lib/apache2/module/disabled_by_maint/everytime; do
        [ -e "$f" ] || [ -L "$f" ] && { echo "left: $f"; left=1; }
    done
    et_pkg_absent || { echo "dpkg still has $ET_PKG_NAME"; left=1; }
    return $left
}
