# t/api/zz_restart.t: revocations live in the database, not only in the
# shared-memory token cache: they survive stopping and starting httpd (which
# throws the shmcb cache away), and tokens that were not revoked keep working.
# Named zz_ so that it runs last: it restarts the server under the suite.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(outcome error_outcome);

plan tests => 13;

my $TNV = error_outcome('token_not_valid');
my $INVALID = error_outcome('token_invalid');

sub me { my ($token, %o) = @_; return outcome(api(GET => '/accounts/me/', token => $token, %o)) }
sub status_of { return $_[0] =~ /^(\d+)/ ? $1 : 0 }
sub fresh_login {
    my ($u, %o) = @_;
    my ($res, $d) = login($u->{login_id}, $u->{password}, %o);
    die 'login failed: ' . $res->status_line . ' ' . $res->content unless $res->code == 200;
    return $d->{token};
}

# Stops and starts httpd with Apache::Test's own server object (the same
# command line, configuration and environment as the suite's start), with its
# progress messages sent to stderr so they stay out of the TAP stream.
# Returns (old parent pid, new parent pid, started).
sub restart_httpd {
    my $server = Apache::Test::config()->server;
    my $old = $server->pid;
    local $| = 1;
    open my $saved, '>&', \*STDOUT or die "dup STDOUT: $!";
    open STDOUT, '>&', \*STDERR or die "STDOUT to STDERR: $!";
    my $stopped = $server->stop;
    my $started = $stopped == -1 ? 0 : $server->start;
    open STDOUT, '>&', $saved or die "restore STDOUT: $!";
    1 while waitpid(-1, 1) > 0;    # reap start()'s helper child (WNOHANG)
    return ($old, $server->pid, $started);
}

my $u = new_user();
my $l1 = fresh_login($u);
my $l2 = fresh_login($u);
my ($res) = api(POST => '/accounts/logout/', token => $l1->{access});
ok t_cmp($res->code . ' ' . status_of(me($l1->{access})), '204 401', 'login 1 logged out: its token is refused');
ok t_cmp(status_of(me($l2->{access})), 200, 'login 2 (not logged out) works');

my $v = new_user();
my $v1 = fresh_login($v);
($res) = api(POST => '/accounts/logout_all/', token => $v->{access});
ok t_cmp($res->code . ' ' . status_of(me($v1->{access})), '204 401',
         'another user: logout_all revokes a second login');

my ($old, $new, $started) = restart_httpd();
ok t_cmp($started && $new && $old && $new != $old ? 'restarted' : "old pid $old, new pid " . ($new // 'none') . ", started $started",
         'restarted', 'httpd was stopped and started again (a new parent process)');

ok t_cmp(me($l1->{access}), $TNV, 'after the restart the logged-out access token is still refused');
ok t_cmp(outcome(api(POST => '/accounts/token_refresh/', body => { refresh => $l1->{refresh} })), $INVALID,
         'after the restart the logged-out refresh token is still refused');
ok t_cmp(me($v1->{access}), $TNV, 'after the restart a token revoked by logout_all is still refused');
ok t_cmp(me($v->{access}), $TNV, "after the restart the logout_all caller's own token is still refused");

ok t_cmp(status_of(me($l2->{access})), 200, 'after the restart the token that was not revoked works');
my ($rres, $rd) = api(POST => '/accounts/token_refresh/', body => { refresh => $l2->{refresh} });
ok t_cmp($rres->code, 200, 'after the restart its refresh token works');
ok t_cmp(status_of(me($rd->{access} // '')), 200, 'and the refreshed access token works');
ok t_cmp(status_of(me(fresh_login($v)->{access})), 200, 'a new login after the restart works');
ok t_cmp(outcome(api(POST => '/accounts/token_refresh/', body => { refresh => $l2->{refresh} })), $INVALID,
         'the spent refresh token of before the restart is still spent');
