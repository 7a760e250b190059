# t/api/revocation.t: a revoked token stops working at once, in every httpd
# child; refresh rotation and reuse detection; one winner among concurrent
# refreshes; a revocation survives a token cache that drops entries;
# logout_all.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(jwt_decode outcome error_outcome together);
use Time::HiRes qw(sleep);

plan tests => 40;

my $TNV = error_outcome('token_not_valid');
my $INVALID = error_outcome('token_invalid');

sub me { my ($token, %o) = @_; return outcome(api(GET => '/accounts/me/', token => $token, %o)) }
sub status_of { return $_[0] =~ /^(\d+)/ ? $1 : 0 }
sub refresh {
    my ($token, %o) = @_;
    return api(POST => '/accounts/token_refresh/', body => { refresh => $token }, %o);
}
sub fresh_login {
    my ($u, %o) = @_;
    my ($res, $d) = login($u->{login_id}, $u->{password}, %o);
    die 'login failed: ' . $res->status_line . ' ' . $res->content unless $res->code == 200;
    return $d->{token};
}

# { pid => 1 } and the statuses of the pid_log lines whose request line holds $tag,
# waiting (bounded) until at least $want lines are there.
my $pid_log = Apache::Test::vars('t_logs') . '/pid_log';
sub logged {
    my ($tag, $want) = @_;
    my (%pids, %status, $n);
    for my $try (1 .. 20) {
        %pids = (); %status = (); $n = 0;
        if (open my $fh, '<', $pid_log) {
            while (my $line = <$fh>) {
                next unless index($line, $tag) >= 0 && $line =~ /^(\d+) (\d{3}) /;
                $pids{$1}++;
                $status{$2}++;
                $n++;
            }
            close $fh;
        }
        last if $n >= $want;
        sleep 0.25;
    }
    return (\%pids, \%status, $n);
}

# --- logout is seen by every child at once ---------------------------------
{
    my $u = new_user();
    my $t = fresh_login($u);
    my $warm = grep { status_of(me($t->{access})) == 200 } 1 .. 10;
    ok t_cmp($warm, 10, 'before logout the access token works on 10 fresh connections');
    my ($res) = api(POST => '/accounts/logout/', token => $t->{access},
                    body => { refresh => $t->{refresh} });
    ok t_cmp($res->code, 204, 'logout: 204');

    my $tag = unique('probe');
    my @seq = map { outcome(api(GET => "/accounts/me/?$tag=$_", token => $t->{access})) } 1 .. 40;
    ok t_cmp(scalar(grep { $_ eq $TNV } @seq), 40,
             'right after logout: 40 requests, each on a new connection, all 401 token_not_valid');

    my ($pids, $status, $n) = logged($tag, 40);
    my $sent = 40;
    my @burst;
    for my $round (1 .. 10) {
        last if keys %$pids >= 2;
        push @burst, together(20, sub {
            my ($i) = @_;
            return outcome(api(GET => "/accounts/me/?$tag=b$round-$i", token => $t->{access}));
        });
        $sent += 20;
        ($pids, $status, $n) = logged($tag, $sent);
    }
    ok t_cmp(scalar(grep { $_ ne $TNV } @burst), 0,
             'concurrent requests with the revoked token (if any were needed): all 401 token_not_valid');
    ok t_cmp(scalar(keys %$pids) >= 2 ? 'at least 2' : scalar(keys %$pids) . ' pid(s)', 'at least 2',
             'the pid log shows the revoked token refused by at least 2 httpd children');
    ok t_cmp(join(',', sort keys %$status), '401',
             "every logged request with the revoked token answered 401 ($n logged)");
    ok t_cmp(outcome(refresh($t->{refresh})), $INVALID,
             'after logout the refresh token of that login is refused');
}

# --- rotation and reuse detection --------------------------------------------
{
    my $u = new_user();
    my $t0 = fresh_login($u);
    my ($res, $t1) = refresh($t0->{refresh});
    ok t_cmp($res->code, 200, 'refresh R0: 200');
    ok t_cmp(join(' ', sort keys %{ $t1 // {} }), 'access refresh', 'refresh answers access and refresh');
    ok t_cmp($t1->{refresh} ne $t0->{refresh} ? 'rotated' : 'same', 'rotated',
             'the refresh token is rotated');
    my ($res2, $t2) = refresh($t1->{refresh});
    ok t_cmp($res2->code, 200, 'refresh R1: 200');
    ok t_cmp(status_of(me($t2->{access})), 200, 'the newest access token A2 works');
    ok t_cmp(status_of(me($t0->{access})), 200,
             'the first access token of the family still works until it expires (rotation alone revokes nothing)');

    ok t_cmp(outcome(refresh($t0->{refresh})), $INVALID,
             'reusing the spent R0: 401 {"detail": "Token is invalid or expired", "code": "token_not_valid"}');
    ok t_cmp(outcome(refresh($t2->{refresh})), $INVALID,
             'after the reuse, the newest refresh token R2 of the family is refused');
    ok t_cmp(me($t2->{access}), $TNV, 'after the reuse, the newest access token A2 is refused');
    ok t_cmp(me($t1->{access}), $TNV, 'after the reuse, A1 is refused');
    ok t_cmp(me($t0->{access}), $TNV, 'after the reuse, A0 is refused');
    ok t_cmp(outcome(api(POST => '/accounts/token_verify/', body => { token => $t2->{refresh} })),
             $INVALID, 'token_verify says R2 is not valid');

    my $other = fresh_login($u);
    ok t_cmp(status_of(me($other->{access})), 200,
             "another login of the same user is a different family and still works");
}

# --- 20 concurrent refreshes with one token: exactly one wins ----------------
{
    my $u = new_user();
    my $t = fresh_login($u);
    my @got = together(20, sub {
        my ($res, $d) = refresh($t->{refresh});
        return $res->code == 200 ? "200 $d->{access}" : outcome($res, $d);
    });
    my @won = grep { /^200 / } @got;
    ok t_cmp(scalar(@won), 1, '20 concurrent refreshes with one refresh token: exactly one 200');
    my @lost = grep { !/^200 / } @got;
    ok t_cmp(scalar(grep { $_ eq $INVALID } @lost), 19,
             'the other 19 answer 401 token_not_valid (no 500, no 503)')
        or print map { "# $_\n" } @lost;
    my ($access) = map { /^200 (\S+)/ } @won;
    ok t_cmp(me($access // 'none'), $TNV,
             "the losers presented a spent token, so the winner's family is revoked too");
}

# --- a tiny shmcb cache that must drop entries -------------------------------
{
    my %v = (vhost => 'et_tinycache');
    my $ua = new_user(%v);
    my $ta = fresh_login($ua, %v);
    ok t_cmp(status_of(me($ta->{access}, %v)), 200, 'et_tinycache: A logs in, the token works');
    my ($res) = api(POST => '/accounts/logout/', token => $ta->{access}, %v);
    ok t_cmp($res->code, 204, 'et_tinycache: A logs out');
    ok t_cmp(me($ta->{access}, %v), $TNV, 'et_tinycache: right after logout A is refused');

    # a throttled login id: its count is in the database, not in the cache
    my $probe = unique('probe');
    login($probe, 'wrong password 1', %v) for 1 .. 5;
    ok t_cmp((login($probe, 'wrong password 1', %v))[0]->code, 429,
             'et_tinycache: a login id failed 5 times is throttled');

    # fill the 8 KB cache over: live-family entries of 240 other logins (their
    # 38-byte keys alone come to 9 KB), and 200 failed logins with distinct
    # unknown login ids
    my @users = map { new_user(%v) } 1 .. 6;
    my @tokens;
    for my $i (0 .. 239) {
        push @tokens, fresh_login($users[$i % @users], %v)->{access};
    }
    my $live = grep { status_of(me($_, %v)) == 200 } @tokens;
    ok t_cmp($live, 240, 'et_tinycache: 240 other sessions each answered 200 (240 cache entries)');
    my $failed = 0;
    for my $i (1 .. 200) {
        my ($r) = login(unique('nobody'), 'wrong password 1', %v);
        $failed++ if $r->code == 401;
    }
    ok t_cmp($failed, 200, 'et_tinycache: 200 failed logins with distinct login ids');

    ok t_cmp((login($probe, 'wrong password 1', %v))[0]->code, 429,
             'et_tinycache: after the flood the login id is still throttled (a cache cannot forget it)');
    ok t_cmp(me($ta->{access}, %v), $TNV,
             "et_tinycache: after the flood A's old access token is still refused");
    ok t_cmp(outcome(refresh($ta->{refresh}, %v)), $INVALID,
             "et_tinycache: after the flood A's old refresh token is still refused");
    ok t_cmp(me($ta->{access}), $TNV, "and on the main server too");
}

# --- logout_all ---------------------------------------------------------------
{
    my $u = new_user();
    my $l1 = fresh_login($u);
    my $l2 = fresh_login($u);
    ok t_cmp(status_of(me($l1->{access})) . ' ' . status_of(me($l2->{access})), '200 200',
             'two logins of one user both work');
    my ($res) = api(POST => '/accounts/logout_all/', token => $l1->{access});
    ok t_cmp($res->code, 204, 'logout_all: 204');
    ok t_cmp(me($l1->{access}), $TNV, 'logout_all: the calling login is refused');
    ok t_cmp(me($l2->{access}), $TNV, 'logout_all: the other login is refused');
    ok t_cmp(outcome(refresh($l2->{refresh})), $INVALID,
             "logout_all: the other login's refresh token is refused");
    my $l3 = fresh_login($u);
    ok t_cmp(status_of(me($l3->{access})), 200, 'a login made right after logout_all works');
    my ($r3, $t3) = refresh($l3->{refresh});
    ok t_cmp($r3->code . ' ' . status_of(me($t3->{access} // '')), '200 200',
             'and its refresh token works');
}
