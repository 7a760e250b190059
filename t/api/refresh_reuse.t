# t/api/refresh_reuse.t: EverytimeRefreshReuseInterval (API.md,
# Authentication, "Refresh retries"). With 0, the default (the main server),
# presenting a spent refresh token revokes its family. With N > 0
# (et_refresh_grace: 30 s, et_refresh_grace_short: 2 s), a spent refresh
# token presented again within N seconds of its first use answers a new pair
# of the same family, so a client that lost an answer and retries stays
# signed in; after N seconds reuse revokes as with 0; and a family that was
# revoked stays revoked within N. Each setting also takes 20 concurrent
# presentations of one token.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(jwt_decode outcome error_outcome together);

plan tests => 31;

my $TNV = error_outcome('token_not_valid');
my $INVALID = error_outcome('token_invalid');
my %GRACE = (vhost => 'et_refresh_grace');
my %SHORT = (vhost => 'et_refresh_grace_short');

sub me { my ($token, %o) = @_; return outcome(api(GET => '/accounts/me/', token => $token, %o)) }
sub status_of { return $_[0] =~ /^(\d+)/ ? $1 : 0 }
sub refresh {
    my ($token, %o) = @_;
    return api(POST => '/accounts/token_refresh/', body => { refresh => $token }, %o);
}
sub sid_of { my (undef, $c) = jwt_decode($_[0] // ''); return ref $c eq 'HASH' ? $c->{sid} // '' : '' }
sub fresh_login {
    my (%o) = @_;
    my $u = new_user(%o);
    my ($res, $d) = login($u->{login_id}, $u->{password}, %o);
    die 'login failed: ' . $res->status_line . ' ' . $res->content unless $res->code == 200;
    return $d->{token};
}

# --- 0, the default: reuse revokes the family ------------------------------------
{
    my $t0 = fresh_login();
    my ($res, $t1) = refresh($t0->{refresh});
    ok t_cmp($res->code, 200, 'default: refreshing R0 answers 200');
    ok t_cmp(outcome(refresh($t0->{refresh})), $INVALID, 'default: presenting R0 again at once: 401');
    ok t_cmp(outcome(refresh($t1->{refresh})) . ' | ' . me($t1->{access}), "$INVALID | $TNV",
             'default: ... and the family is revoked (R1 and A1 refused)');
}

# --- N = 30: a retry within N gets a new pair of the same family ----------------
{
    my $t0 = fresh_login(%GRACE);
    my ($res, $t1) = refresh($t0->{refresh}, %GRACE);
    ok t_cmp($res->code, 200, 'et_refresh_grace: refreshing R0 answers 200 (R1)');
    my ($res2, $t1b) = refresh($t0->{refresh}, %GRACE);
    ok t_cmp($res2->code . ' ' . join(' ', sort keys %{ $t1b // {} }), '200 access refresh',
             'et_refresh_grace: presenting R0 again within 30 s: 200 with a new pair');
    ok t_cmp(sid_of($t1b->{access}) . ' ' . sid_of($t1b->{refresh}),
             sid_of($t0->{access}) . ' ' . sid_of($t0->{access}), '... of the same family');
    ok t_cmp($t1b->{refresh} ne $t1->{refresh} && $t1b->{refresh} ne $t0->{refresh} ? 'new' : 'old', 'new',
             '... whose refresh token is a new one');
    ok t_cmp(join(' ', map { status_of(me($_, %GRACE)) } $t1b->{access}, $t1->{access}, $t0->{access}),
             '200 200 200', "the retry's access token works, and so do the first answer's and the login's");
    my ($r2, $t2) = refresh($t1b->{refresh}, %GRACE);
    my ($r2b, $t2b) = refresh($t1->{refresh}, %GRACE);
    ok t_cmp($r2->code . ' ' . $r2b->code, '200 200',
             "the retry's refresh token refreshes, and so does the first answer's");
    ok t_cmp(status_of(me($t2->{access}, %GRACE)) . ' ' . status_of(me($t2b->{access}, %GRACE)), '200 200',
             'both of their access tokens work: the family is live');
}

# --- a revoked family stays revoked within N ----------------------------------------
{
    my $t0 = fresh_login(%GRACE);
    my ($res, $t1) = refresh($t0->{refresh}, %GRACE);
    ($res) = api(POST => '/accounts/logout/', token => $t1->{access}, body => { refresh => $t1->{refresh} }, %GRACE);
    ok t_cmp($res->code, 204, 'et_refresh_grace: refresh, then logout: 204');
    ok t_cmp(outcome(refresh($t0->{refresh}, %GRACE)), $INVALID,
             'presenting the spent R0 within 30 s after the logout: 401, no new pair');
    ok t_cmp(outcome(refresh($t1->{refresh}, %GRACE)) . ' | ' . me($t1->{access}, %GRACE), "$INVALID | $TNV",
             '... and the family stays revoked');

    my $u0 = fresh_login(%GRACE);
    ($res) = api(POST => '/accounts/logout/', token => $u0->{access}, body => { refresh => $u0->{refresh} }, %GRACE);
    ok t_cmp(outcome(refresh($u0->{refresh}, %GRACE)), $INVALID,
             'a refresh token never spent, of a family revoked by logout: 401');

    # the interval covers a retry by the token's own user only
    my $v0 = fresh_login(%GRACE);
    my $other = new_user(%GRACE);
    ($res) = refresh($v0->{refresh}, %GRACE);
    my ($h, $c) = jwt_decode($v0->{refresh});
    my $forged = jwt_encode($h, { %$c, user_id => $other->{id} });
    ok t_cmp(outcome(refresh($forged, %GRACE)), $INVALID,
             "the spent R0 re-signed with another user's user_id, within 30 s: 401");
    my ($r, $again) = refresh($v0->{refresh}, %GRACE);
    ok t_cmp($r->code . ' ' . status_of(me($again->{access} // '', %GRACE)), '200 200',
             "... which revoked nothing: the real R0's retry still gets a working pair");
}

# --- after N: reuse revokes -----------------------------------------------------------
{
    my $t0 = fresh_login(%SHORT);
    my ($res, $t1) = refresh($t0->{refresh}, %SHORT);
    ok t_cmp($res->code, 200, 'et_refresh_grace_short (2 s): refreshing R0 answers 200');
    sleep 3;
    ok t_cmp(outcome(refresh($t0->{refresh}, %SHORT)), $INVALID,
             'presenting R0 again 3 s after its first use: 401');
    ok t_cmp(outcome(refresh($t1->{refresh}, %SHORT)), $INVALID, '... the family is revoked: R1 refused');
    ok t_cmp(me($t1->{access}, %SHORT), $TNV, '... and A1 refused');
    ok t_cmp(me($t0->{access}, %SHORT), $TNV, '... and A0 refused');
}

# --- 20 concurrent presentations of one refresh token ----------------------------------

# (statuses "200 x20"-style, the answers' sids, their distinct refresh tokens, access tokens)
sub race {
    my ($t, %o) = @_;
    my @got = together(20, sub {
        my ($res, $d) = refresh($t->{refresh}, %o);
        return $res->code == 200 ? "200 $d->{access} $d->{refresh}" : outcome($res, $d);
    });
    my @won = map { [/^200 (\S+) (\S+)$/] } grep { /^200 / } @got;
    my @lost = grep { !/^200 / } @got;
    return (\@won, \@lost);
}

{
    my $t = fresh_login(%GRACE);
    my ($won, $lost) = race($t, %GRACE);
    ok t_cmp(scalar(@$won), 20, 'et_refresh_grace: 20 concurrent refreshes with one token: all 200')
        or print map { "# $_\n" } @$lost;
    my %sids = map { sid_of($_->[0]) => 1 } @$won;
    ok t_cmp(join(',', keys %sids), sid_of($t->{access}), '... every pair of the same family');
    my %refresh = map { $_->[1] => 1 } @$won;
    ok t_cmp(scalar(keys %refresh), 20, '... 20 different refresh tokens');
    ok t_cmp(scalar(grep { status_of(me($_->[0], %GRACE)) == 200 } @$won), 20, '... whose 20 access tokens work');
    ok t_cmp(status_of(me($t->{access}, %GRACE)), 200, "... and the login's access token still works");
    my ($r, $next) = refresh($won->[0][1] // '', %GRACE);
    ok t_cmp($r->code . ' ' . status_of(me($next->{access} // '', %GRACE)), '200 200',
             '... and one of the new refresh tokens refreshes: the family is live');
}

{
    my $t = fresh_login();
    my ($won, $lost) = race($t);
    ok t_cmp(scalar(@$won), 1, 'default: 20 concurrent refreshes with one token: exactly one 200');
    ok t_cmp(scalar(grep { $_ eq $INVALID } @$lost), 19, '... the other 19 answer 401 token_not_valid')
        or print map { "# $_\n" } @$lost;
    ok t_cmp(me($won->[0][0] // 'none'), $TNV, "... and the family ends revoked: the winner's access token is refused");
    ok t_cmp(outcome(refresh($won->[0][1] // 'none')), $INVALID, "... and so is the winner's refresh token");
}
