# shellcheck shell=bash
# build/lib.sh: what build/run, build/test and bench/run share: Debian
# packages, the build, the databases (SQLite file, a throwaway PostgreSQL or
# MariaDB server on 127.0.0.1) and the httpd configuration of the dev server.
# Source it from bash; it sets no shell options of its own.

ET_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ET_TOP

# Debian packages, by purpose (used by the scripts that source this file).
# shellcheck disable=SC2034
ET_PKGS_BUILD=(build-essential autoconf automake libtool pkg-config
    apache2 apache2-dev libapr1-dev libaprutil1-dev
    libjansson-dev libjwt-dev libcurl4-openssl-dev libssl-dev check libsubunit-dev)
# (the Perl modules are build/import-courses': Text::CSV, DBI and its drivers)
# shellcheck disable=SC2034
ET_PKGS_RUN=(apache2 apache2-utils media-types openssl sqlite3 libaprutil1-dbd-sqlite3 perl
    libtext-csv-perl libdbi-perl libdbd-sqlite3-perl)
# shellcheck disable=SC2034
ET_PKGS_PGSQL=(postgresql postgresql-client libaprutil1-dbd-pgsql libdbd-pg-perl)
# shellcheck disable=SC2034
ET_PKGS_MYSQL=(mariadb-server mariadb-client libaprutil1-dbd-mysql libdbd-mariadb-perl)
# shellcheck disable=SC2034
ET_PKGS_VALGRIND=(valgrind)
# the shared token caches that the Apache::Test suites hang and restart
# shellcheck disable=SC2034
ET_PKGS_CACHE=(redis-server memcached)
# EVERYTIME_NODES=N build/run and build/test's cluster stage (the front's
# mod_proxy_balancer is in apache2; wrk loads a node while it restarts)
# shellcheck disable=SC2034
ET_PKGS_CLUSTER=(redis-server memcached wrk curl)
# shellcheck disable=SC2034
ET_PKGS_LINT=(clang-format binutils) # build/check-format, build/check-cycles (nm)
ET_PKGS_SANITIZE=(clang-14 libclang-rt-14-dev llvm-14 rsync) # build/stages.sh
# shellcheck disable=SC2034
ET_PKGS_TEST=(libapache2-mod-perl2 libwww-perl libjson-perl libcrypt-openssl-rsa-perl
    libcryptx-perl libcrypt-jwt-perl libhttp-daemon-perl rsync util-linux procps
    python3-aiosmtpd) # t/mock/smtp_sink.py, the mail tests' SMTP server

ET_DB_NAME=everytime
ET_DB_USER=everytime

et_log() { printf '==> %s\n' "$*" >&2; }
et_warn() { printf 'warning: %s\n' "$*" >&2; }
et_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

et_is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly, or through sudo for a developer.
et_root() {
    if et_is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        et_die "need root for: $* (run as root or install sudo)"
    fi
}

# et_as_prefix USER: sets ET_AS to the words that run a command as USER
# (root may switch to anyone; others use sudo, or nothing for themselves).
et_as_prefix() {
    if [ "$(id -un)" = "$1" ]; then
        ET_AS=()
    elif et_is_root; then
        ET_AS=(runuser -u "$1" --)
    else
        ET_AS=(sudo -u "$1" --)
    fi
}

# et_as USER CMD...: runs CMD as USER.
et_as() {
    local ET_AS
    et_as_prefix "$1"
    shift
    "${ET_AS[@]}" "$@"
}

# et_deps PKG...: installs the packages not installed yet (one apt-get update first).
et_deps() {
    local p missing=()
    for p in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]; then
            case " ${missing[*]} " in *" $p "*) ;; *) missing+=("$p") ;; esac
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    et_log "installing ${missing[*]}"
    et_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        et_die "apt-get update failed"
    et_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" </dev/null ||
        et_die "apt-get install ${missing[*]} failed"
}

# et_build [CONFIGURE-ARGS...]: configures when needed (no Makefile,
# configure.ac/Makefile.am newer than what was generated from them, or other
# arguments than the last configure had), then always makes (incremental).
# build/test passes --enable-werror; build/run builds as a user would.
et_build() {
    local args="$*"
    (
        cd "$ET_TOP" || exit 1
        if [ ! -x configure ] || [ configure.ac -nt configure ] ||
            [ ! -f Makefile.in ] || [ Makefile.am -nt Makefile.in ]; then
            et_log "autogen"
            ./autogen.sh >/dev/null || et_die "autogen.sh failed"
        fi
        if [ ! -f Makefile ] || [ configure -nt Makefile ] || [ Makefile.in -nt Makefile ] ||
            [ "$(cat .configure-args 2>/dev/null)" != "$args" ]; then
            et_log "configure $args"
            # shellcheck disable=SC2086 # the arguments are words
            ./configure -q ${APXS:+APXS="$APXS"} $args || et_die "configure failed"
            printf '%s\n' "$args" >.configure-args
        fi
        et_log "make"
        make -j"$(nproc)" || et_die "build failed"
    ) || exit 1
    [ -f "$ET_TOP/mod_everytime/.libs/mod_everytime.so" ] ||
        et_die "mod_everytime/.libs/mod_everytime.so was not built"
}

# et_ensure_user NAME: a system user without login, with a group of its name.
et_ensure_user() {
    id -u "$1" >/dev/null 2>&1 && return 0
    et_log "creating system user $1"
    et_root useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$1" || et_die "useradd $1 failed"
}

# et_reachable USER PATH: USER can reach PATH (traverse every directory down
# to it) and read it (a file) or enter it (a directory).
et_reachable() {
    if [ -d "$2" ]; then
        et_as "$1" test -x "$2" 2>/dev/null
    else
        et_as "$1" test -r "$2" 2>/dev/null
    fi
}

# et_free_port [COUNT [FROM]]: a TCP port on 127.0.0.1 that nothing listens on
# now; with COUNT, the first of COUNT free ports in a row, from FROM (8529) on,
# free on every address (Apache::Test listens on 0.0.0.0).
# shellcheck disable=SC2120  # callers may pass none
et_free_port() {
    perl -MIO::Socket::INET -e '
        my ($count, $from) = @ARGV;
        sub try_port { IO::Socket::INET->new(LocalAddr => $_[1], LocalPort => $_[0],
                                             Proto => "tcp", Listen => 1, ReuseAddr => 1) }
        if (!$count) {
            my $s = try_port(0, "127.0.0.1") or die "no free port: $!\n";
            print $s->sockport, "\n";
            exit 0;
        }
        BASE: for (my $base = $from; $base + $count < 65535; $base += $count) {
            my @held;
            for my $p ($base .. $base + $count - 1) {
                my $s = try_port($p, "0.0.0.0") or next BASE;
                push @held, $s;
            }
            print "$base\n";
            exit 0;
        }
        die "no $count free ports in a row\n";' "${1:-0}" "${2:-8529}"
}

# et_random_hex BYTES
et_random_hex() {
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# et_short_socket PATH: PATH when it fits a unix socket address, else one in /tmp.
et_short_socket() {
    if [ ${#1} -lt 100 ]; then
        printf '%s\n' "$1"
    else
        printf '/tmp/et-%s.sock\n' "$(printf '%s' "$1" | md5sum | cut -c1-12)"
    fi
}

# ---- SQLite -------------------------------------------------------------------

# et_sqlite_init PATH [--fresh]: creates (or with --fresh, recreates) the
# database, migrates it and seeds the demo data when it was created now.
# Sets ET_DBDPARAMS.
et_sqlite_init() {
    local db=$1 fresh=${2:-} created=
    mkdir -p "$(dirname "$db")"
    if [ "$fresh" = --fresh ]; then
        rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
    fi
    [ -s "$db" ] || created=1
    "$ET_TOP/build/migrate" sqlite3 "$db" || et_die "migrating $db failed"
    if [ -n "$created" ]; then
        "$ET_TOP/build/migrate" --seed sqlite3 "$db" || et_die "seeding $db failed"
    fi
    sqlite3 "$db" 'PRAGMA journal_mode=WAL;' >/dev/null || et_die "WAL mode on $db failed"
    ET_DBDPARAMS=$db
}

# ---- PostgreSQL -----------------------------------------------------------------

et_pg_bindir() {
    local d
    d=$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || et_die "PostgreSQL not found: apt-get install postgresql"
    dirname "$d"
}

# et_pg_start DIR PORT [OWNER]: starts a PostgreSQL server with its data in
# DIR/data (created on first use), on 127.0.0.1:PORT, run by OWNER (default:
# the current user; initdb refuses root). Creates the database and its user,
# migrates, and seeds when the database was created now. Sets ET_PG_DIR,
# ET_PG_OWNER, ET_DBDPARAMS and ET_PG_CONNINFO.
et_pg_start() {
    local dir=$1 port=$2 owner=${3:-$(id -un)} bin pw created=
    bin=$(et_pg_bindir)
    mkdir -p "$dir"
    [ "$(id -un)" = "$owner" ] || et_root chown "$owner:" "$dir"
    if [ ! -s "$dir/password" ]; then
        et_random_hex 16 >"$dir/password.tmp" && mv "$dir/password.tmp" "$dir/password"
    fi
    chmod 600 "$dir/password"
    [ "$(id -un)" = "$owner" ] || et_root chown "$owner:" "$dir/password"
    pw=$(cat "$dir/password")
    if [ ! -s "$dir/data/PG_VERSION" ]; then
        et_log "initdb $dir/data"
        et_as "$owner" "$bin/initdb" -D "$dir/data" -U "$ET_DB_USER" --pwfile="$dir/password" \
            --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            et_die "initdb failed"
        }
    fi
    # a server left behind by a run that was killed holds the data directory
    if et_as "$owner" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        et_warn "stopping a PostgreSQL left running on $dir/data"
        et_as "$owner" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    fi
    et_log "starting PostgreSQL on 127.0.0.1:$port"
    et_as_prefix "$owner"
    ET_PG_OPTS="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=200 -c shared_buffers=32MB"
    setsid "${ET_AS[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "$ET_PG_OPTS" start >/dev/null || {
        tail -n 20 "$dir/server.log" >&2
        et_die "PostgreSQL did not start"
    }
    ET_PG_DIR=$dir
    ET_PG_OWNER=$owner
    ET_PG_BIN=$bin
    local admin="host=127.0.0.1 port=$port dbname=postgres user=$ET_DB_USER password=$pw"
    if [ "$(PGCONNECT_TIMEOUT=5 psql -X -q -At "$admin" \
        -c "SELECT 1 FROM pg_database WHERE datname = '$ET_DB_NAME'")" != 1 ]; then
        psql -X -q "$admin" -c "CREATE DATABASE $ET_DB_NAME ENCODING 'UTF8' TEMPLATE template0" ||
            et_die "CREATE DATABASE failed"
        created=1
    fi
    ET_PG_CONNINFO="host=127.0.0.1 port=$port dbname=$ET_DB_NAME user=$ET_DB_USER password=$pw"
    ET_DBDPARAMS="$ET_PG_CONNINFO connect_timeout=3"
    "$ET_TOP/build/migrate" pgsql "$ET_DBDPARAMS" || et_die "migrating PostgreSQL failed"
    if [ -n "$created" ]; then
        "$ET_TOP/build/migrate" --seed pgsql "$ET_DBDPARAMS" || et_die "seeding PostgreSQL failed"
    fi
}

et_pg_stop() {
    [ -n "${ET_PG_DIR:-}" ] || return 0
    et_log "stopping PostgreSQL"
    et_as "$ET_PG_OWNER" "$ET_PG_BIN/pg_ctl" -D "$ET_PG_DIR/data" -m fast -w -t 30 stop \
        >/dev/null 2>&1 || et_warn "PostgreSQL did not stop cleanly"
    ET_PG_DIR=
}

# ---- MariaDB ------------------------------------------------------------------

et_mysql_bin() {
    local b
    for b in mariadbd mysqld; do
        command -v "$b" && return 0
        [ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return 0; }
    done
    et_die "MariaDB not found: apt-get install mariadb-server"
}

# et_mysql_start DIR PORT [OWNER]: like et_pg_start, for MariaDB: data in
# DIR/data, socket DIR/mysqld.sock (or a shorter one in /tmp), run by OWNER.
# Sets ET_MYSQL_DIR, ET_DBDPARAMS.
et_mysql_start() {
    local dir=$1 port=$2 owner=${3:-$(id -un)} server pw sock created=
    server=$(et_mysql_bin)
    mkdir -p "$dir"
    [ "$(id -un)" = "$owner" ] || et_root chown "$owner:" "$dir"
    if [ ! -s "$dir/password" ]; then
        et_random_hex 16 >"$dir/password.tmp" && mv "$dir/password.tmp" "$dir/password"
    fi
    chmod 600 "$dir/password"
    pw=$(cat "$dir/password")
    sock=$(et_short_socket "$dir/mysqld.sock")
    if [ ! -d "$dir/data/mysql" ]; then
        et_log "mariadb-install-db $dir/data"
        et_as "$owner" mariadb-install-db --no-defaults --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$dir/install.log" 2>&1 || {
            cat "$dir/install.log" >&2
            et_die "mariadb-install-db failed"
        }
    fi
    # a server left behind by a run that was killed holds the data directory
    local stale tries=300
    stale=$(cat "$dir/mysqld.pid" 2>/dev/null || true)
    if [ -n "$stale" ] && kill -0 "$stale" 2>/dev/null; then
        et_warn "stopping a MariaDB left running on $dir/data"
        mariadb-admin --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 ||
            kill "$stale" 2>/dev/null
        while kill -0 "$stale" 2>/dev/null && [ "$tries" -gt 0 ]; do
            sleep 0.1
            tries=$((tries - 1))
        done
    fi
    et_log "starting MariaDB on 127.0.0.1:$port"
    rm -f "$dir/mysqld.pid"
    # its own session: a ^C at the terminal reaches the script, which stops it
    et_as_prefix "$owner"
    setsid "${ET_AS[@]}" "$server" --no-defaults --datadir="$dir/data" --port="$port" \
        --bind-address=127.0.0.1 --socket="$sock" --skip-networking=0 \
        --pid-file="$dir/mysqld.pid" --log-error="$dir/server.log" \
        --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M \
        --innodb-log-file-size=32M --skip-name-resolve --max-connections=300 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        </dev/null >/dev/null 2>&1 &
    local server_pid=$!
    tries=600
    ET_MYSQL_DIR=$dir
    ET_MYSQL_SOCK=$sock
    until mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; do
        tries=$((tries - 1))
        if [ "$tries" -eq 0 ] || ! kill -0 "$server_pid" 2>/dev/null; then
            tail -n 20 "$dir/server.log" >&2
            et_die "MariaDB did not start"
        fi
        sleep 0.1
    done
    if [ -z "$(mariadb --no-defaults --socket="$sock" -uroot -N -B \
        -e "SHOW DATABASES LIKE '$ET_DB_NAME'")" ]; then
        mariadb --no-defaults --socket="$sock" -uroot -e "
            CREATE DATABASE $ET_DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
            CREATE USER IF NOT EXISTS '$ET_DB_USER'@'%' IDENTIFIED BY '$pw';
            CREATE USER IF NOT EXISTS '$ET_DB_USER'@'localhost' IDENTIFIED BY '$pw';
            GRANT ALL ON $ET_DB_NAME.* TO '$ET_DB_USER'@'%';
            GRANT ALL ON $ET_DB_NAME.* TO '$ET_DB_USER'@'localhost';" ||
            et_die "creating the MariaDB database failed"
        created=1
    fi
    ET_DBDPARAMS="host=127.0.0.1 port=$port dbname=$ET_DB_NAME user=$ET_DB_USER pass=$pw connecttimeout=3"
    "$ET_TOP/build/migrate" mysql "$ET_DBDPARAMS" || et_die "migrating MariaDB failed"
    if [ -n "$created" ]; then
        "$ET_TOP/build/migrate" --seed mysql "$ET_DBDPARAMS" || et_die "seeding MariaDB failed"
    fi
}

et_mysql_stop() {
    [ -n "${ET_MYSQL_DIR:-}" ] || return 0
    local pid tries=300
    et_log "stopping MariaDB"
    pid=$(cat "$ET_MYSQL_DIR/mysqld.pid" 2>/dev/null || true)
    mariadb-admin --no-defaults --socket="$ET_MYSQL_SOCK" -uroot shutdown >/dev/null 2>&1 ||
        { [ -n "$pid" ] && et_root kill "$pid" 2>/dev/null; }
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    [ "$tries" -gt 0 ] || et_warn "MariaDB did not stop cleanly"
    ET_MYSQL_DIR=
}

# et_db_init DRIVER DIR [OWNER] [--fresh]: one database for DRIVER (sqlite3,
# pgsql, mysql) under DIR, server started when it needs one. Sets
# ET_DBDPARAMS. With --fresh, an existing one is thrown away first.
et_db_init() {
    local driver=$1 dir=$2 owner=${3:-$(id -un)} fresh=${4:-}
    if [ "$fresh" = --fresh ] && [ "$driver" != sqlite3 ]; then
        rm -rf "$dir"
    fi
    case $driver in
    sqlite3) et_sqlite_init "$dir/everytime.db" "$fresh" ;;
    pgsql) et_pg_start "$dir" "$(et_free_port 0)" "$owner" ;;
    mysql) et_mysql_start "$dir" "$(et_free_port 0)" "$owner" ;;
    *) et_die "unknown database '$driver' (sqlite3, pgsql or mysql)" ;;
    esac
}

et_db_stop_all() {
    et_pg_stop
    et_mysql_stop
}

# The httpd children's malloc: at most 2 arenas per process. glibc gives a
# threaded process up to 8 per core, and spreading 25 threads' requests over
# them grew each child by megabytes over its first few hundred thousand
# requests (bench/run's soak), memory no leak accounts for; docs/operations.md
# recommends the same for production (/etc/apache2/envvars).
et_httpd_malloc_env() {
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
}

# et_dbd_init_sql DRIVER: the DBDInitSQL line of DRIVER's httpd configuration.
# MariaDB: the connection's character set. SQLite: a page cache of 1 MB per
# connection instead of 2 (the operating system caches the file too, and a
# child has up to DBDMax connections: see docs/operations.md). On SQLite, a
# statement that expires prepared statements, such as PRAGMA foreign_keys,
# would break every later query of that connection (apr_dbd_sqlite3 never
# prepares again); cache_size does not.
et_dbd_init_sql() {
    case $1 in
    mysql) echo 'DBDInitSQL "SET NAMES utf8mb4"' ;;
    sqlite3) echo 'DBDInitSQL "PRAGMA cache_size = -1024"' ;;
    *) echo "# no DBDInitSQL for $1" ;;
    esac
}

# ---- the shared token caches -------------------------------------------------------

# et_cache_start KIND DIR [OWNER]: a redis (KIND redis) or memcached (KIND
# memcache) on a free port of 127.0.0.1, run by OWNER (default: the current
# user) as a daemon with its pid file and log in DIR. Sets ET_CACHE_PORT,
# ET_CACHE_PIDFILE and ET_CACHE_START (the command that starts it again, as
# OWNER, on the same port: a test restarts it).
et_cache_start() {
    local kind=$1 dir=$2 owner=${3:-$(id -un)} tries=100
    mkdir -p "$dir"
    [ "$(id -un)" = "$owner" ] || et_root chown "$owner:" "$dir"
    ET_CACHE_PORT=$(et_free_port 0)
    case $kind in
    redis)
        ET_CACHE_PIDFILE=$dir/redis.pid
        ET_CACHE_START="redis-server --bind 127.0.0.1 --port $ET_CACHE_PORT --daemonize yes \
--pidfile $ET_CACHE_PIDFILE --logfile $dir/redis.log --dir $dir --save '' --appendonly no"
        ;;
    memcache)
        ET_CACHE_PIDFILE=$dir/memcached.pid
        ET_CACHE_START="memcached -d -l 127.0.0.1 -p $ET_CACHE_PORT -U 0 -m 16 -P $ET_CACHE_PIDFILE"
        ;;
    *) et_die "unknown cache '$kind' (redis or memcache)" ;;
    esac
    rm -f "$ET_CACHE_PIDFILE"
    et_as "$owner" sh -c "$ET_CACHE_START" || et_die "$kind did not start"
    until [ -s "$ET_CACHE_PIDFILE" ]; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || et_die "$kind wrote no pid file $ET_CACHE_PIDFILE"
        sleep 0.1
    done
}

# et_cache_stop PIDFILE: stops the cache of that pid file (one a test hung
# with SIGSTOP too: SIGCONT before SIGTERM).
et_cache_stop() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
    rm -f "$1"
}

# ---- build/run's state ----------------------------------------------------------

# et_private_dir DIR OWNER: DIR and all it holds belong to OWNER, the user
# httpd's children (and the database servers) run as; DIR and the
# directories in it are 0700, the files in it 0600 (the SQLite database and
# its -wal, -shm and -journal, the JWT secret, httpd.conf): the accounts'
# bcrypt hashes and emails, and the key that signs every token, are nobody
# else's. OWNER keeps what it needs: DIR is its own and writable (SQLite
# makes -wal and -shm beside the database, with the database's owner and
# mode) and every directory in it reachable. root, which starts httpd and
# reads the configuration and the secret, passes any mode. What lies deeper
# (uploads, logs, the database servers' data) is shut off by these
# directories and keeps its own modes (PostgreSQL insists on its own).
et_private_dir() {
    local dir=$1 owner=$2 entry
    if [ "$(id -un)" != "$owner" ]; then
        et_root chown -R "$owner:" "$dir" || et_die "chown -R $owner: $dir failed"
    fi
    chmod 700 "$dir" || et_die "chmod 700 $dir failed"
    for entry in "$dir"/* "$dir"/.[!.]*; do
        [ -L "$entry" ] && continue # never follow a link out of DIR
        if [ -d "$entry" ]; then
            chmod 700 "$entry" || et_die "chmod 700 $entry failed"
        elif [ -f "$entry" ]; then
            chmod 600 "$entry" || et_die "chmod 600 $entry failed"
        fi
    done
    return 0
}

# et_run_state DIR OWNER DRIVER: build/run's state under DIR, for httpd's
# children, which run as OWNER: the directories its httpd.conf names (logs,
# run, htdocs, media), the HS256 secret (64 random bytes, made once), a
# static file for the benchmark, and the database (for pgsql and mysql a
# server under DIR, run by OWNER). All of it is OWNER's alone
# (et_private_dir), and the umask is left at 077 for what httpd and the
# database servers make later (logs, pid and mutex files, their data).
# Sets ET_DBDPARAMS.
et_run_state() {
    local dir=$1 owner=$2 driver=$3
    umask 077
    mkdir -p "$dir/logs" "$dir/run" "$dir/htdocs" "$dir/media" || et_die "cannot make $dir"
    if [ ! -s "$dir/jwt_secret" ]; then
        { et_random_hex 64 >"$dir/jwt_secret.tmp" && mv "$dir/jwt_secret.tmp" "$dir/jwt_secret"; } ||
            et_die "cannot write $dir/jwt_secret"
    fi
    # a small static file: the benchmark's ceiling for what httpd itself answers
    printf '{"status": "ok", "database": "ok", "token_cache": "ok"}\n' >"$dir/htdocs/static.txt"
    # before the database servers start as OWNER: they must reach DIR/pg, DIR/mysql
    et_private_dir "$dir" "$owner"
    case $driver in
    sqlite3) et_sqlite_init "$dir/everytime.db" ;;
    pgsql) et_pg_start "$dir/pg" "$(et_free_port)" "$owner" ;;
    mysql) et_mysql_start "$dir/mysql" "$(et_free_port)" "$owner" ;;
    *) et_die "unknown database '$driver' (sqlite3, pgsql or mysql)" ;;
    esac
    # and again for what was made meanwhile (the SQLite database, made by root)
    et_private_dir "$dir" "$owner"
}

# ---- httpd ----------------------------------------------------------------------

# et_write_conf TEMPLATE OUT: fills @NAME@ from the variables ET_CONF_NAME.
et_write_conf() {
    local template=$1 out=$2
    perl -pe 's/\@([A-Z_]+)\@/exists $ENV{"ET_CONF_$1"} ? $ENV{"ET_CONF_$1"}
                                  : die "$ARGV: no value for \@$1\@\n"/ge' \
        "$template" >"$out.tmp" || {
        rm -f "$out.tmp"
        et_die "writing $out failed"
    }
    mv "$out.tmp" "$out"
}
