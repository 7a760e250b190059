# t/api/cache_remote.t: the shared token caches (issue 10, items 2 and 3),
# redis and memcached, each named by two vhosts that act as two nodes
# (t/conf/extra.conf.in: et_redis/et_redis2, et_memcache/et_memcache2).
# build/test starts the caches and gives their ports, pid files and start
# commands (ET_TEST_REDIS_*, ET_TEST_MEMCACHE_*).
#
# For each cache: a revocation is never hidden by a "live" entry; with the
# cache hung (SIGSTOP) every request answers within EverytimeCacheTimeout
# (250 ms) plus its own work, no revoked token is accepted and the log does
# not flood; once it resumes it is used again within 2 s, and a logout made
# while it hung or right after it came back is refused on the other node
# within 1 s of its return; the same around a restart.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok need);
use Apache::TestUtil qw(t_cmp t_debug);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(jwt_decode together);
use IO::Socket::INET ();
use Time::HiRes qw(time sleep);

my @caches = grep { -e ($ENV{ 'ET_TEST_' . uc($_) . '_PIDFILE' } // '/nonexistent') }
    qw(redis memcache);
my $PER_CACHE = 20;

plan tests => $PER_CACHE * 2,
    need { 'redis and memcached started by build/test' => @caches == 2 };

# the longest a request may take with the cache hung: 250 ms, plus its own
# work on a loaded test machine
my $BOUND = 1.0;
my $error_log = Apache::Test::vars('t_logs') . '/error_log';

sub env_of { my ($cache, $what) = @_; return $ENV{ 'ET_TEST_' . uc($cache) . "_$what" } }
sub pid_of {
    my ($cache) = @_;
    open my $fh, '<', env_of($cache, 'PIDFILE') or return;
    my $pid = <$fh>;
    return $pid && $pid =~ /(\d+)/ ? $1 : undef;
}

# ---- the cache, directly ----------------------------------------------------------

sub wire {
    my ($cache, $text, $until) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => env_of($cache, 'PORT'),
                                  Timeout => 2) or return;
    print {$s} $text;
    my $got = '';
    my $t0 = time;
    while (time - $t0 < 2) {
        my $n = sysread($s, my $buf, 4096);
        last unless $n;
        $got .= $buf;
        last if $got =~ $until;
    }
    return $got;
}

sub resp { my @a = @_; return join '', '*' . @a . "\r\n", map { '$' . length($_) . "\r\n$_\r\n" } @a }

# The value under our key (without "everytime:"), or undef.
sub cache_get {
    my ($cache, $key) = @_;
    if ($cache eq 'redis') {
        my $r = wire($cache, resp('GET', "everytime:$key"), qr/^(\$-1\r\n|\$\d+\r\n.*\r\n)/s)
            // '';
        return $r =~ /^\$\d+\r\n(.*)\r\n/s ? $1 : undef;
    }
    my $r = wire($cache, "get everytime:$key\r\n", qr/END\r\n$/) // '';
    return $r =~ /^VALUE \S+ \d+ \d+\r\n(.*?)\r\nEND\r\n/s ? $1 : undef;
}

sub cache_set {
    my ($cache, $key, $val) = @_;
    return wire($cache, resp('SET', "everytime:$key", $val, 'EX', 60), qr/\r\n/) // ''
        if $cache eq 'redis';
    return wire($cache, "set everytime:$key 0 60 " . length($val) . "\r\n$val\r\n", qr/\r\n/)
        // '';
}

sub up {
    my ($cache) = @_;
    my $r = $cache eq 'redis' ? wire($cache, resp('PING'), qr/\r\n/)
                              : wire($cache, "version\r\n", qr/\r\n/);
    return defined $r && $r =~ /^(\+PONG|VERSION)/;
}

sub hang { kill 'STOP', pid_of($_[0]) or die "cannot stop $_[0]" }
sub resume { kill 'CONT', pid_of($_[0]) or die "cannot resume $_[0]" }

sub restart {
    my ($cache) = @_;
    my $pid = pid_of($cache);
    kill 'CONT', $pid;
    kill 'TERM', $pid;
    for (1 .. 100) { last unless kill 0, $pid; sleep 0.05 }
    return $pid;
}
sub start {
    my ($cache) = @_;
    system(env_of($cache, 'START')) == 0 or die "cannot start $cache again";
    for (1 .. 100) { return 1 if up($cache); sleep 0.05 }
    die "$cache did not come back";
}

# ---- the API ----------------------------------------------------------------------

sub me_code {
    my ($token, $vhost) = @_;
    my ($res) = api(GET => '/accounts/me/', token => $token, vhost => $vhost);
    return $res->code;
}
sub session {
    my ($u, $vhost) = @_;
    my ($res, $d) = login($u->{login_id}, $u->{password}, vhost => $vhost);
    die 'login failed: ' . $res->status_line . ' ' . $res->content unless $res->code == 200;
    return $d->{token};
}
sub logout {
    my ($t, $vhost) = @_;
    my ($res) = api(POST => '/accounts/logout/', token => $t->{access}, vhost => $vhost,
                    body => { refresh => $t->{refresh} });
    return $res->code;
}
sub health {
    my ($vhost) = @_;
    my ($res, $d) = api(GET => '/health/', vhost => $vhost);
    return $res->code == 200 && ($d->{token_cache} // '') eq 'ok';
}
sub family {
    my ($access) = @_;
    my (undef, $c) = jwt_decode($access);
    return "$c->{sid}:$c->{user_id}";
}
sub log_lines {
    my ($cache) = @_;
    open my $fh, '<', $error_log or return 0;
    return scalar grep { /token cache $cache server/ } <$fh>;
}

# Runs $code, returns (its result, seconds it took), keeping the longest.
my %longest;
sub timed {
    my ($cache, $code) = @_;
    my $t0 = time;
    my $r = $code->();
    my $took = time - $t0;
    $longest{$cache} = $took if $took > ($longest{$cache} // 0);
    return $r;
}

# Asks for $token on $vhost from now until $for seconds after $since:
# (seconds after $since of the last 200, or -1; how many 200 came after 1 s).
sub watch_refused {
    my ($token, $vhost, $since, $for) = @_;
    my ($last, $late) = (-1, 0);
    while (time - $since < $for) {
        my $code = me_code($token, $vhost);
        my $at = time - $since;
        if ($code == 200) {
            $last = $at;
            $late++ if $at > 1.0;
        }
        sleep 0.02;
    }
    return ($last, $late);
}

for my $cache (@caches) {
    my ($A, $B) = ("et_$cache", "et_${cache}2");
    my $u = new_user(vhost => $A);

    # -- healthy, and "live" never hides "revoked" --------------------------------------
    ok t_cmp(health($A) && health($B) ? 1 : 0, 1, "$cache: health ok on both nodes");
    my $t = session($u, $A);
    my $fam = family($t->{access});
    ok t_cmp(me_code($t->{access}, $A) . ' ' . me_code($t->{access}, $B), '200 200',
             "$cache: a fresh session works on both nodes");
    my $gen = cache_get($cache, 'g');
    ok t_cmp(cache_get($cache, "l:$fam") // '', $gen // 'no generation',
             "$cache: the live answer is cached, naming the current generation");
    ok t_cmp(logout($t, $A), 204, "$cache: logout on node A");
    cache_set($cache, "l:$fam", cache_get($cache, 'g'));
    my @after = map { me_code($t->{access}, $_ % 2 ? $A : $B) } 1 .. 10;
    ok t_cmp(scalar(grep { $_ == 401 } @after), 10,
             "$cache: a live entry of the current generation written over the logout does "
             . 'not hide it (10 of 10 refused on both nodes)');

    # racing: 19 requests that may cache "live" against one logout, 5 rounds
    my $accepted_after_race = 0;
    for my $round (1 .. 5) {
        my $rt = session($u, $A);
        together(20, sub {
            my ($i) = @_;
            return $i == 1 ? logout($rt, $A) : me_code($rt->{access}, $i % 2 ? $A : $B);
        });
        $accepted_after_race += grep { me_code($rt->{access}, $_) == 200 } $A, $B, $A, $B;
    }
    ok t_cmp($accepted_after_race, 0,
             "$cache: after 5 races of 19 lookups against a logout, the token is refused");

    # -- hung ---------------------------------------------------------------------------
    my $live = session($u, $A);
    my $gone = session($u, $A);
    logout($gone, $A);
    my $out_hung = session($u, $A);
    my $out_back = session($u, $A);
    my $other = new_user(vhost => $A);
    my $other_s = session($other, $B);
    # warm both nodes: every token's "live" answer cached before the hang
    me_code($_->{access}, $A), me_code($_->{access}, $B) for $live, $out_hung, $out_back, $other_s;
    my $lines_before = log_lines($cache);

    hang($cache);
    my $hung_at = time;
    my ($ok_live, $accepted) = (0, 0);
    for my $i (1 .. 8) {
        my $node = $i % 2 ? $A : $B;
        $ok_live += timed($cache, sub { me_code($live->{access}, $node) }) == 200;
        $accepted += timed($cache, sub { me_code($gone->{access}, $node) }) == 200;
    }
    ok t_cmp($ok_live, 8, "$cache hung: a live token still works (8 of 8)");
    ok t_cmp(timed($cache, sub { logout($out_hung, $A) }), 204,
             "$cache hung: logout answers 204");
    my ($res) = timed($cache, sub { [api(POST => '/accounts/logout_all/',
                                         token => $other_s->{access}, vhost => $A)] })->[0];
    ok t_cmp($res->code, 204, "$cache hung: logout_all answers 204");
    for my $i (1 .. 6) {
        my $node = $i % 2 ? $A : $B;
        $accepted += timed($cache, sub { me_code($out_hung->{access}, $node) }) == 200;
        $accepted += timed($cache, sub { me_code($other_s->{access}, $node) }) == 200;
    }
    ok t_cmp($accepted, 0, "$cache hung: no revoked token accepted (logout before and during "
             . 'the hang, logout_all; 28 tries on both nodes)');
    my $health_hung = timed($cache, sub { health($A) });
    ok t_cmp($health_hung ? 1 : 0, 0, "$cache hung: health says the token cache is unavailable");
    sleep 1.5; # the recovery thread keeps probing the hung cache, quietly
    timed($cache, sub { me_code($live->{access}, $_) }) for $A, $B, $A, $B;
    my $lines = log_lines($cache) - $lines_before;
    t_debug("$cache: $lines log lines while hung");
    # one per process (ServerLimit 4) and node at most
    ok $lines >= 1 && $lines <= 8 or t_debug("$cache: $lines lines about the cache while hung");
    my $took_hung = $longest{$cache};
    ok $took_hung < $BOUND
        or t_debug(sprintf('%s hung: the longest request took %.3f s', $cache, $took_hung));
    t_debug(sprintf('%s hung %.1f s: longest request %.3f s', $cache, time - $hung_at,
                    $took_hung));

    # -- back ---------------------------------------------------------------------------
    resume($cache);
    my $back_at = time;
    ok t_cmp(logout($out_back, $A), 204, "$cache back: a logout right after its return");
    # from its return on: both revoked tokens on node B, and health on both
    my ($last_seen, $late, $healthy_in) = (-1, 0, undef);
    while (time - $back_at < 2.5) {
        for my $tok ($out_back, $out_hung) {
            next unless me_code($tok->{access}, $B) == 200;
            $last_seen = time - $back_at;
            $late++ if $last_seen > 1.0;
        }
        $healthy_in //= time - $back_at if health($A) && health($B);
        last if defined $healthy_in && time - $back_at > 1.5;
        sleep 0.02;
    }
    ok t_cmp($late, 0, "$cache back: the logouts made while it hung and right after it came "
             . 'back are refused on node B from 1 s after its return on')
        or t_debug("last accepted $last_seen s after the return");
    t_debug(sprintf('%s back: a revoked token last accepted on node B %.3f s after the '
                    . 'return (-1: never)', $cache, $last_seen));
    ok defined $healthy_in && $healthy_in < 2.0
        or t_debug("$cache back: health not ok 2.5 s after the return");
    t_debug(sprintf('%s back: health ok on both nodes %.3f s after its return', $cache,
                    $healthy_in // -1));
    my $fresh = session($u, $A);
    me_code($fresh->{access}, $A);
    ok t_cmp(cache_get($cache, 'l:' . family($fresh->{access})) // '', cache_get($cache, 'g'),
             "$cache back: the cache is used again (a live answer is written to it)");

    # -- restarted ----------------------------------------------------------------------
    my $before = session($u, $A);
    my $during = session($u, $A);
    my $right_after = session($u, $A);
    me_code($_->{access}, $B) for $before, $during, $right_after;
    ok t_cmp(logout($before, $A), 204, "$cache: a logout just before the restart");
    restart($cache);
    ok t_cmp(logout($during, $A), 204, "$cache down: logout answers 204");
    start($cache);
    my $started_at = time;
    logout($right_after, $A);
    my $late_r = 0;
    for my $tok ($before, $during, $right_after) {
        my ($l, $n) = watch_refused($tok->{access}, $B, $started_at, 1.2);
        $late_r += $n;
        t_debug(sprintf('%s restarted: last accepted %.3f s', $cache, $l));
    }
    my $still = grep { me_code($_->{access}, $B) == 200 || me_code($_->{access}, $A) == 200 }
        $before, $during, $right_after;
    ok t_cmp($late_r + $still, 0, "$cache restarted: logouts before, during and right after the "
             . 'restart are refused on both nodes from 1 s after it on');
}
