#!/usr/bin/perl
# t/cluster/cluster.t: two nodes and a front, started by the very script
# operators use (EVERYTIME_NODES=2 build/run), on PostgreSQL, once per token
# cache (ET_CLUSTER_CACHES: redis,memcache). build/test's cluster stage runs
# it with prove, as its unprivileged user; by hand:
#   ET_CLUSTER_VAR=/var/tmp/et-cluster prove -v t/cluster/cluster.t
#
# Per cache: cross-node logout, logout_all and password change; 10 rounds of
# 20 concurrent refreshes split over the nodes with exactly one winner; the
# cache hung (SIGSTOP): every request within EverytimeCacheTimeout plus its
# own work, no revoked token accepted; the cache restarted: a revocation made
# around it refused on every node within 1 s; a row lock held by another
# session: 503 within EverytimeDBTimeout; PostgreSQL restarted: 503s, then
# recovery without restarting httpd; a graceful restart of one node under
# wrk: no non-2xx, and a revocation made just before it still holds.
# Prints "# measure: ..." lines with the longest requests and the revoked
# tokens accepted.
use strict;
use warnings;

use FindBin ();
use File::Path qw(remove_tree);
use HTTP::Tiny ();
use JSON::PP qw(decode_json encode_json);
use POSIX qw(setsid WNOHANG);
use Test::More;
use Time::HiRes qw(time sleep);
use DBI ();

my $TOP = "$FindBin::Bin/../..";
my @CACHES = split /,/, ($ENV{ET_CLUSTER_CACHES} || 'redis,memcache');
my $VAR = $ENV{ET_CLUSTER_VAR} || "/var/tmp/everytime-cluster-$<";
my $PORT = $ENV{ET_CLUSTER_PORT} || 18700;

# the cluster's limits (EVERYTIME_CONF_EXTRA), and what a request may take
# beyond them on this loaded 2-core box
my $CACHE_TIMEOUT = 0.25;
my $DB_TIMEOUT = 1.5;
my $SLACK = 0.75;

my $http = HTTP::Tiny->new(timeout => 30, keep_alive => 0);
my (%env, $run_pid);

sub node_url { my ($n) = @_; return 'http://127.0.0.1:' . ($PORT + $n) . '/api' }

sub call {
    my ($n, $method, $path, $token, $body) = @_;
    my %h = (headers => { 'Content-Type' => 'application/json' });
    $h{headers}{Authorization} = "Bearer $token" if $token;
    $h{content} = encode_json($body) if $body;
    my $t0 = time;
    my $res = $http->request($method, node_url($n) . $path, \%h);
    my $json = eval { decode_json($res->{content}) };
    return ($res->{status}, $json, time - $t0);
}

sub login {
    my ($n, $login, $password) = @_;
    my ($status, $json) = call($n, 'POST', '/accounts/login/', undef,
                               { login_id => $login, password => $password // 'everytime123!' });
    die "login $login on node $n: $status\n" unless $status == 200;
    return $json->{token};
}

sub me { my ($n, $token) = @_; return (call($n, 'GET', '/accounts/me/', $token))[0] }

# ---- the cluster, by build/run ------------------------------------------------------

sub start_cluster {
    my ($cache) = @_;
    remove_tree($VAR);
    mkdir $VAR or die "mkdir $VAR: $!";
    open my $x, '>', "$VAR/extra.conf" or die;
    printf {$x} "EverytimeCacheTimeout %d\nEverytimeDBTimeout %d\nLogLevel everytime:info\n",
        $CACHE_TIMEOUT * 1000, $DB_TIMEOUT * 1000;
    close $x;
    $run_pid = fork // die "fork: $!";
    if (!$run_pid) {
        setsid();
        open STDOUT, '>', "$VAR/run.log";
        open STDERR, '>&', \*STDOUT;
        %ENV = (%ENV, EVERYTIME_NODES => 2, EVERYTIME_CACHE => $cache, EVERYTIME_PORT => $PORT,
                EVERYTIME_VAR => $VAR, EVERYTIME_CONF_EXTRA => "$VAR/extra.conf",
                EVERYTIME_CONFIGURE_ARGS => $ENV{ET_CLUSTER_CONFIGURE_ARGS} // '');
        exec "$TOP/build/run" or die "exec build/run: $!";
    }
    my $deadline = time + 120;
    until (-s "$VAR/run.log" && slurp("$VAR/run.log") =~ /==> serving/) {
        if (time > $deadline || waitpid($run_pid, WNOHANG) == $run_pid) {
            diag(slurp("$VAR/run.log"));
            die "EVERYTIME_NODES=2 build/run did not start the cluster\n";
        }
        sleep 0.2;
    }
    %env = ();
    open my $e, '-|', 'bash', '-c',
        '. "$1"; for v in ${!ET_CLUSTER_@}; do printf "%s\0%s\0" "$v" "${!v}"; done', '-',
        "$VAR/cluster/cluster.env" or die;
    local $/;
    my @kv = split /\0/, <$e>;
    %env = @kv;
    close $e;
}

sub stop_cluster {
    return unless $run_pid;
    kill 'CONT', pid_of($env{ET_CLUSTER_CACHE_PIDFILE}) // 0;
    kill 'TERM', $run_pid;
    my $deadline = time + 60;
    sleep 0.1 while waitpid($run_pid, WNOHANG) == 0 && time < $deadline;
    $run_pid = undef;
}
END { stop_cluster() }
$SIG{INT} = $SIG{TERM} = sub { stop_cluster(); exit 1 };

sub slurp { open my $fh, '<', $_[0] or return ''; local $/; return <$fh> }
sub pid_of { my ($f) = @_; my $p = slurp($f); return $p =~ /(\d+)/ ? $1 : undef }

my %measure;
sub measure {
    my ($what, $seconds) = @_;
    $measure{$what} = $seconds if $seconds > ($measure{$what} // 0);
}

# ---- the checks ----------------------------------------------------------------------

sub cross_node_revocations {
    my $t = login(1, 'student1');
    is(me(2, $t->{access}), 200, 'a token issued by node 1 works on node 2');
    is((call(1, 'POST', '/accounts/logout/', $t->{access}, { refresh => $t->{refresh} }))[0], 204,
       'logout on node 1');
    is(me(2, $t->{access}), 401, 'node 2 refuses the logged-out access token at once');
    is((call(2, 'POST', '/accounts/token_refresh/', undef, { refresh => $t->{refresh} }))[0], 401,
       'and its refresh token');

    my @s = map { login($_, 'snu_squirrel') } 1, 2;
    is((call(2, 'POST', '/accounts/logout_all/', $s[0]{access}))[0], 204, 'logout_all on node 2');
    is(scalar(grep { me($_->[0], $_->[1]{access}) == 401 } [1, $s[0]], [1, $s[1]], [2, $s[1]]), 3,
       'every session refused on both nodes');

    my ($a, $b) = map { login($_, 'student2') } 1, 2;
    is((call(1, 'PATCH', '/accounts/me/', $a->{access},
             { password => 'N3w-pass-word!', current_password => 'everytime123!' }))[0], 200,
       'password change on node 1');
    is(me(2, $b->{access}), 401, 'the other session is refused on node 2');
    is(me(2, $a->{access}), 200, 'the session that changed it still works on node 2');
}

# 20 processes, 10 per node, present one refresh token at the same instant.
sub refresh_races {
    my $rounds = 10;
    my $clean = 0;
    for my $round (1 .. $rounds) {
        my $t = login(1 + $round % 2, 'snu_library');
        my $go = time + 0.3;
        my @kids;
        for my $i (0 .. 19) {
            my $pid = fork // die;
            if (!$pid) {
                sleep($go - time) if $go > time;
                my ($status) = call(1 + $i % 2, 'POST', '/accounts/token_refresh/', undef,
                                    { refresh => $t->{refresh} });
                POSIX::_exit($status == 200 ? 0 : 1);
            }
            push @kids, $pid;
        }
        my $winners = 0;
        for (@kids) { waitpid($_, 0); $winners++ if $? == 0 }
        $clean++ if $winners == 1;
        diag("round $round: $winners winners") if $winners != 1;
    }
    is($clean, $rounds, "$rounds rounds of 20 concurrent refreshes over both nodes: one winner each");
}

sub cache_hung {
    my ($cache) = @_;
    my $pid = pid_of($env{ET_CLUSTER_CACHE_PIDFILE});
    my @live = map { login($_, 'snu_shuttle') } 1, 2;
    my @revoked = map { login($_, 'snu_coffee') } 1, 2, 1;
    call(1, 'POST', '/accounts/logout/', $_->{access}) for @revoked[0, 1];
    kill 'STOP', $pid;
    my $hung_until = time + 3;
    # a logout made while the cache hangs
    my ($st, undef, $secs) = call(2, 'POST', '/accounts/logout/', $revoked[2]{access});
    is($st, 204, "logout while $cache hangs");
    measure("$cache hung", $secs);
    my ($accepted, $slow, $n, $ok) = (0, 0, 0, 0);
    while (time < $hung_until) {
        for my $node (1, 2) {
            for my $t (@revoked) {
                my ($s, undef, $d) = call($node, 'GET', '/accounts/me/', $t->{access});
                $accepted++ if $s != 401;
                $slow++ if $d > $CACHE_TIMEOUT + $SLACK;
                measure("$cache hung", $d);
                $n++;
            }
            for my $t (@live) {
                my ($s, undef, $d) = call($node, 'GET', '/accounts/me/', $t->{access});
                $ok++ if $s == 200;
                $slow++ if $d > $CACHE_TIMEOUT + $SLACK;
                measure("$cache hung", $d);
                $n++;
            }
        }
    }
    kill 'CONT', $pid;
    is($accepted, 0, "$cache hung: no revoked token accepted ($n requests)");
    is($slow, 0, "$cache hung: every request within EverytimeCacheTimeout + ${SLACK}s");
    ok($ok > 0, "$cache hung: live tokens still served, through the database ($ok)");
    $measure{"$cache hung: revoked accepted"} += $accepted;
}

sub cache_restarted {
    my ($cache) = @_;
    my @during = map { login($_, 'snu_owl') } 1, 2;
    my $after = login(2, 'snu_owl');
    # every node has the tokens cached as live
    me($_, $during[0]{access}), me($_, $after->{access}) for 1, 2;
    my $pid = pid_of($env{ET_CLUSTER_CACHE_PIDFILE});
    kill 'TERM', $pid;
    sleep 0.05 while kill 0, $pid;
    is((call(1, 'POST', '/accounts/logout/', $during[0]{access}))[0], 204,
       "logout while $cache is down");
    system('sh', '-c', $env{ET_CLUSTER_CACHE_START}) == 0 or die "restarting $cache failed\n";
    my $back = time;
    sleep 0.05;
    is((call(1, 'POST', '/accounts/logout/', $after->{access}))[0], 204,
       "logout just after $cache came back");
    my ($accepted, $last) = (0, 0);
    # until 1 s after its return, count acceptances after the first refusal;
    # from then on, every node must refuse both
    while (time < $back + 3) {
        for my $node (1, 2) {
            for my $t ($during[0], $after) {
                my ($s, undef, $d) = call($node, 'GET', '/accounts/me/', $t->{access});
                measure("$cache restarted", $d);
                if ($s != 401) {
                    $last = time - $back;
                    $accepted++ if time > $back + 1;
                }
            }
        }
    }
    is($accepted, 0, "$cache restarted: revocations around it refused on every node within 1 s"
       . ($last ? sprintf(' (last acceptance %.2f s after its return)', $last) : ' (none accepted after it)'));
    $measure{"$cache restarted: revoked accepted after 1 s"} += $accepted;
    is(me(2, $during[1]{access}), 200, "$cache restarted: the other session still works");
}

sub db_conn {
    my %kv = $env{ET_CLUSTER_DB_CONNINFO} =~ /(\w+)=(\S+)/g;
    return DBI->connect("dbi:Pg:host=$kv{host};port=$kv{port};dbname=$kv{dbname}",
                        $kv{user}, $kv{password}, { RaiseError => 1, AutoCommit => 1 });
}

sub row_lock {
    my ($cache) = @_;
    my $t = login(1, 'snu_lab');
    my $dbh = db_conn();
    $dbh->begin_work;
    $dbh->do(q{SELECT 1 FROM users WHERE login_id = 'snu_lab' FOR UPDATE});
    for my $node (1, 2) {
        my ($s, $json, $d) = call($node, 'PATCH', '/accounts/me/', $t->{access},
                                  { nickname => "locked$node" });
        is($s, 503, "a row locked by another session: 503 on node $node");
        ok($d < $DB_TIMEOUT + $SLACK, sprintf('within EverytimeDBTimeout (%.2f s)', $d));
        measure("$cache db lock wait", $d);
    }
    $dbh->rollback;
    is((call(2, 'PATCH', '/accounts/me/', $t->{access}, { nickname => 'unlocked' }))[0], 200,
       'the lock released: the same change succeeds');
    $dbh->disconnect;
}

sub database_restart {
    my $t = login(1, 'snu_runner');
    system('sh', '-c', "$env{ET_CLUSTER_DB_STOP} >/dev/null") == 0 or die "stopping PostgreSQL\n";
    my @down = map { (call($_, 'GET', '/accounts/me/', $t->{access}))[0] } 1, 2;
    is("@down", '503 503', 'PostgreSQL down: 503 on both nodes');
    system('sh', '-c', "$env{ET_CLUSTER_DB_START} >/dev/null") == 0 or die "starting PostgreSQL\n";
    my $back = time;
    my %ok;
    while (time < $back + 10 && keys %ok < 2) {
        for my $node (1, 2) {
            $ok{$node} //= time - $back if (call($node, 'PATCH', '/accounts/me/', $t->{access},
                                                   { nickname => "back$node" }))[0] == 200;
        }
        sleep 0.1;
    }
    is(scalar(keys %ok), 2, sprintf('PostgreSQL back: both nodes serve again without an httpd restart'
       . ' (%s)', join ', ', map { sprintf 'node %d after %.2f s', $_, $ok{$_} } sort keys %ok));
}

sub graceful_restart {
    my $t = login(1, 'snu_chef');
    my $doomed = login(1, 'snu_math');
    is(me(1, $doomed->{access}), 200, 'a session cached as live on node 1');
    my $out = "$VAR/wrk.out";
    my $wrk = fork // die;
    if (!$wrk) {
        open STDOUT, '>', $out;
        open STDERR, '>&', \*STDOUT;
        # a new connection per request: a keep-alive connection that the old
        # children close when they finish is a client's to retry, not a loss;
        # --timeout: on 2 busy cores a request may be slow, never lost
        exec 'wrk', '-t2', '-c8', '-d5s', '--timeout', '10s', '-H', "Authorization: Bearer $t->{access}",
            '-H', 'Connection: close',
            node_url(1) . '/accounts/me/' or POSIX::_exit(127);
    }
    sleep 1.5;
    is((call(2, 'POST', '/accounts/logout/', $doomed->{access}))[0], 204,
       'a logout on node 2 just before the restart');
    kill 'USR1', pid_of("$env{ET_CLUSTER_DIR}/node1.pid");
    waitpid($wrk, 0);
    my $report = slurp($out);
    my ($requests) = $report =~ /(\d+) requests in/;
    my ($non2xx) = $report =~ /Non-2xx or 3xx responses: (\d+)/;
    my ($errors) = $report =~ /Socket errors: (.*)/;
    ok(($requests // 0) > 0, "wrk ran through the graceful restart of node 1 (${\($requests // 0)} requests)")
        or diag($report);
    is($non2xx // 0, 0, 'no non-2xx answer during the restart');
    ok(!$errors || $errors !~ /[1-9]/, 'no socket error') or diag("socket errors: $errors");
    is(me(1, $doomed->{access}), 401, 'the revocation made just before it holds on node 1');
}

for my $cache (@CACHES) {
    note("---- cluster with $cache");
    start_cluster($cache);
    ok(1, "EVERYTIME_NODES=2 build/run started two nodes, a front, PostgreSQL and $cache");
    is((call(0, 'GET', '/health/'))[0], 200, 'the front answers /api/health/');
    my %served;
    for (1 .. 6) {
        my $res = $http->get(node_url(0) . '/schools/');
        $served{ $res->{status} }++;
    }
    is_deeply(\%served, { 200 => 6 }, 'the front balances the API');
    cross_node_revocations();
    refresh_races();
    cache_hung($cache);
    cache_restarted($cache);
    row_lock($cache);
    database_restart() if $cache eq $CACHES[0];
    graceful_restart();
    stop_cluster();
}

diag(sprintf('measure: %s: %.3f', $_, $measure{$_})) for sort keys %measure;
done_testing();
