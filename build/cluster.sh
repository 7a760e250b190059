# shellcheck shell=bash
# build/cluster.sh: EVERYTIME_NODES=N build/run (source it after lib.sh).
#
# In $EVERYTIME_VAR/cluster/: one database server (PostgreSQL in pg/, or
# MariaDB in mysql/), one token cache (redis or memcached), N httpd nodes
# whose configuration is conf/multi-node.conf.example filled in
# (nodeN.conf), sharing the database, the cache and an RS256 key pair
# (keys/), and a front httpd (front.conf, from conf/cluster-front.conf.in)
# balancing over them. Every server's pid file is there: redis.pid or
# memcached.pid, node1.pid …, front.pid, and postgresql.pid or mariadb.pid
# (links to the servers' own). cluster.env describes it all for a test or an
# operator's script (ports, pid files, the commands that start the cache and
# the database again).

# et_fill_example IN OUT NAME=VALUE...: IN with the value of each named
# directive replaced (NAME is the line's start, e.g. "Listen" or
# "LoadModule everytime_module"; an empty VALUE comments the line out).
# Each NAME must name exactly one active line of IN: the example and what
# fills it cannot drift apart silently. Module paths move to MODDIR.
et_fill_example() {
    local in=$1 out=$2
    shift 2
    ET_FILL_MODDIR=$(apxs -q LIBEXECDIR) perl -e '
        my ($in, @sets) = @ARGV;
        open my $fh, "<", $in or die "$in: $!\n";
        my @lines = <$fh>;
        for my $set (@sets) {
            my ($name, $value) = split /=/, $set, 2;
            my @hits = grep { $lines[$_] =~ /^\s*\Q$name\E(\s|$)/ } 0 .. $#lines;
            die "$in: \"$name\" names " . scalar(@hits) . " active lines, not 1\n"
                unless @hits == 1;
            my ($indent) = $lines[$hits[0]] =~ /^(\s*)/;
            $lines[$hits[0]] = $value eq "" ? "$indent# $name (not needed here)\n"
                                            : "$indent$name $value\n";
        }
        s{/usr/lib/apache2/modules(?=/mod_)}{$ENV{ET_FILL_MODDIR}} for @lines;
        print @lines;' "$in" "$@" >"$out.tmp" || {
        rm -f "$out.tmp"
        et_die "filling $in failed"
    }
    mv "$out.tmp" "$out"
}

# et_cluster_keys DIR: the RS256 key pair every node signs and verifies with.
et_cluster_keys() {
    local dir=$1
    mkdir -p "$dir"
    [ -s "$dir/rs256_private.pem" ] || openssl genpkey -algorithm RSA \
        -pkeyopt rsa_keygen_bits:2048 -out "$dir/rs256_private.pem" 2>/dev/null ||
        et_die "openssl genpkey failed"
    [ -s "$dir/rs256_public.pem" ] || openssl pkey -in "$dir/rs256_private.pem" -pubout \
        -out "$dir/rs256_public.pem" || et_die "openssl pkey failed"
}

# et_cluster_node_conf N OUT: node N's configuration, from the example.
et_cluster_node_conf() {
    local n=$1 out=$2 dir=$ET_CLUSTER_DIR sets
    sets=("ServerName=node$n.localhost"
        "Listen=127.0.0.1:$((ET_CLUSTER_PORT + n))"
        "PidFile=\"$dir/node$n.pid\""
        "DefaultRuntimeDir=\"$dir/run/node$n\""
        "ErrorLog=\"$dir/logs/node${n}_error_log\""
        "CustomLog=\"$dir/logs/node${n}_access_log\" everytime"
        "User=${ET_CLUSTER_USER:+$ET_CLUSTER_USER}"
        "Group=${ET_CLUSTER_USER:+$ET_CLUSTER_USER}"
        "LoadModule everytime_module=\"$ET_TOP/mod_everytime/.libs/mod_everytime.so\""
        "RemoteIPInternalProxy=127.0.0.1"
        "EverytimeJWTPrivateKey=file:$dir/keys/rs256_private.pem"
        "EverytimeJWTPublicKey=file:$dir/keys/rs256_public.pem"
        "EverytimeJWTIssuer=http://127.0.0.1:$ET_CLUSTER_PORT"
        "EverytimeTokenCache=$ET_CLUSTER_CACHE:127.0.0.1:$ET_CACHE_PORT"
        # the example's production cost makes every login 0.3 s on this box
        "EverytimePasswordCost=10")
    case $ET_CLUSTER_DRIVER in
    pgsql)
        sets+=("DBDParams=\"$ET_DBDPARAMS sslmode=disable tcp_user_timeout=10000 keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3\"")
        ;;
    mysql)
        # (the example's MariaDB lines are comments: these replace the pgsql ones)
        sets+=("DBDriver=mysql" "DBDParams=\"${ET_DBDPARAMS/ connecttimeout=3/}\""
            "DBDInitSQL=\"SET NAMES utf8mb4\"" "EverytimeDatabase=mysql")
        ;;
    esac
    et_fill_example "$ET_TOP/conf/multi-node.conf.example" "$out" "${sets[@]}"
    if [ -n "${ET_CLUSTER_EXTRA:-}" ]; then
        printf '\n# EVERYTIME_CONF_EXTRA\nInclude "%s"\n' "$ET_CLUSTER_EXTRA" >>"$out"
    fi
}

# et_cluster_front_conf OUT
et_cluster_front_conf() {
    local out=$1 n members=
    for n in $(seq "$ET_CLUSTER_NODES"); do
        members+="    BalancerMember \"http://127.0.0.1:$((ET_CLUSTER_PORT + n))\" route=node$n retry=1 connectiontimeout=2 ttl=4"$'\n'
    done
    ET_CONF_PORT=$ET_CLUSTER_PORT ET_CONF_DIR=$ET_CLUSTER_DIR ET_CONF_MEMBERS=${members%$'\n'} \
        ET_CONF_MODDIR=$(apxs -q LIBEXECDIR) \
        ET_CONF_USER_GROUP=${ET_CLUSTER_USER:+$(printf 'User %s\nGroup %s' "$ET_CLUSTER_USER" "$ET_CLUSTER_USER")} \
        et_write_conf "$ET_TOP/conf/cluster-front.conf.in" "$out"
    if [ -n "${ET_CLUSTER_FRONT_EXTRA:-}" ]; then
        printf '\n# EVERYTIME_FRONT_CONF_EXTRA\nInclude "%s"\n' "$ET_CLUSTER_FRONT_EXTRA" >>"$out"
    fi
}

# The httpd servers started (pids of the foreground processes).
ET_CLUSTER_PIDS=()

# et_cluster_httpd CONF: checks and starts one httpd in the foreground, in
# the background of this shell.
et_cluster_httpd() {
    local out
    if ! out=$(/usr/sbin/apache2 -f "$1" -t 2>&1); then
        printf '%s\n' "$out" >&2
        et_die "httpd refused $1"
    fi
    et_httpd_malloc_env
    /usr/sbin/apache2 -f "$1" -DFOREGROUND &
    ET_CLUSTER_PIDS+=($!)
}

# et_cluster_stop: stops the httpd servers, then the cache and the database.
et_cluster_stop() {
    local pid
    for pid in "${ET_CLUSTER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${ET_CLUSTER_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    ET_CLUSTER_PIDS=()
    [ -z "${ET_CLUSTER_DIR:-}" ] || {
        et_cache_stop "$ET_CLUSTER_DIR/redis.pid"
        et_cache_stop "$ET_CLUSTER_DIR/memcached.pid"
    }
    et_db_stop_all
}

# et_cluster_start VAR NODES PORT DRIVER CACHE RUN_USER: everything up, the
# front answering. RUN_USER runs the database, the cache and httpd's
# children (ET_CLUSTER_USER empty when not root: no User/Group).
et_cluster_start() {
    local var=$1 n tries
    ET_CLUSTER_NODES=$2 ET_CLUSTER_PORT=$3 ET_CLUSTER_DRIVER=$4 ET_CLUSTER_CACHE=$5
    ET_CLUSTER_DIR=$var/cluster
    local owner=$6
    et_is_root && ET_CLUSTER_USER=$owner || ET_CLUSTER_USER=
    for n in $(seq 0 "$ET_CLUSTER_NODES"); do
        et_free_port 1 "$((ET_CLUSTER_PORT + n))" | grep -qx "$((ET_CLUSTER_PORT + n))" ||
            et_die "port $((ET_CLUSTER_PORT + n)) is taken (EVERYTIME_PORT picks another)"
    done
    mkdir -p "$ET_CLUSTER_DIR/logs" "$ET_CLUSTER_DIR/run"
    for n in $(seq "$ET_CLUSTER_NODES"); do mkdir -p "$ET_CLUSTER_DIR/run/node$n"; done
    et_cluster_keys "$ET_CLUSTER_DIR/keys"
    et_private_dir "$var" "$owner"
    et_private_dir "$ET_CLUSTER_DIR" "$owner"
    case $ET_CLUSTER_DRIVER in
    pgsql)
        et_pg_start "$ET_CLUSTER_DIR/pg" "$(et_free_port)" "$owner"
        ln -sfn pg/data/postmaster.pid "$ET_CLUSTER_DIR/postgresql.pid"
        ;;
    mysql)
        et_mysql_start "$ET_CLUSTER_DIR/mysql" "$(et_free_port)" "$owner"
        ln -sfn mysql/mysqld.pid "$ET_CLUSTER_DIR/mariadb.pid"
        ;;
    *) et_die "a cluster needs pgsql or mysql, not $ET_CLUSTER_DRIVER" ;;
    esac
    et_cache_start "$ET_CLUSTER_CACHE" "$ET_CLUSTER_DIR" "$owner"
    for n in $(seq "$ET_CLUSTER_NODES"); do
        et_cluster_node_conf "$n" "$ET_CLUSTER_DIR/node$n.conf"
    done
    et_cluster_front_conf "$ET_CLUSTER_DIR/front.conf"
    et_cluster_env >"$ET_CLUSTER_DIR/cluster.env"
    for n in $(seq "$ET_CLUSTER_NODES"); do
        et_cluster_httpd "$ET_CLUSTER_DIR/node$n.conf"
    done
    et_cluster_httpd "$ET_CLUSTER_DIR/front.conf"
    tries=100
    until curl -fs -o /dev/null "http://127.0.0.1:$ET_CLUSTER_PORT/api/health/"; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || et_die "the front answers no 200 on /api/health/ (logs in $ET_CLUSTER_DIR/logs)"
        sleep 0.1
    done
}

# et_cluster_env: the cluster, as shell assignments (cluster.env).
et_cluster_env() {
    local db_stop='' db_start=''
    if [ "$ET_CLUSTER_DRIVER" = pgsql ]; then
        db_stop="$ET_PG_BIN/pg_ctl -D $ET_PG_DIR/data -m fast -w -t 30 stop"
        db_start="$ET_PG_BIN/pg_ctl -D $ET_PG_DIR/data -l $ET_PG_DIR/server.log -w -t 60 -o \"$ET_PG_OPTS\" start"
    fi
    printf 'ET_CLUSTER_%s=%q\n' NODES "$ET_CLUSTER_NODES" PORT "$ET_CLUSTER_PORT" \
        DRIVER "$ET_CLUSTER_DRIVER" CACHE "$ET_CLUSTER_CACHE" DIR "$ET_CLUSTER_DIR" \
        USER "${ET_CLUSTER_USER:-$(id -un)}" \
        CACHE_PORT "$ET_CACHE_PORT" CACHE_PIDFILE "$ET_CACHE_PIDFILE" CACHE_START "$ET_CACHE_START" \
        DB_PARAMS "$ET_DBDPARAMS" DB_CONNINFO "${ET_PG_CONNINFO:-}" \
        DB_STOP "$db_stop" DB_START "$db_start"
}
