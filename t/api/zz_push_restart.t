# t/api/zz_push_restart.t: nothing queued is lost when httpd stops between
# the commit and the send (issue 12 section 1). A push is committed while
# httpd is down (the outbox row is all a request leaves behind), and another
# fails its first attempt (FCM down) before httpd stops; once httpd is up
# again with FCM back, both are delivered. Named zz_: it restarts the server
# under the suite, as zz_restart.t does.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETestFCM;

plan tests => 5, sub { -e ($ENV{ET_TEST_FCM_CREDENTIALS} // '') };

# Apache::Test's own server object, its messages kept out of the TAP stream
# (as zz_restart.t does).
sub quietly {
    my ($code) = @_;
    local $| = 1;
    open my $saved, '>&', \*STDOUT or die "dup STDOUT: $!";
    open STDOUT, '>&', \*STDERR or die "STDOUT to STDERR: $!";
    my $r = $code->(Apache::Test::config()->server);
    open STDOUT, '>&', $saved or die "restore STDOUT: $!";
    1 while waitpid(-1, 1) > 0;
    return $r;
}

my $early = new_user(vhost => 'et_push')->{id};
add_device($early, "ok-early-$early");
my $late = new_user(vhost => 'et_push')->{id};
add_device($late, "ok-late-$late");

# FCM is down (the mock not started): the first attempt fails, and is retried later
queue_push($early);
ok t_cmp(scalar wait_until(10, sub {
             ETest::db_query("SELECT attempts FROM outbox WHERE payload LIKE '%$early%'") eq '1' }),
         1, 'with FCM down the first attempt failed and the row stays');

my $stopped = quietly(sub { $_[0]->stop });
ok t_cmp($stopped == -1 ? 'not stopped' : 'stopped', 'stopped', 'httpd stopped');
# committed while no httpd runs: as a request that committed just before the stop left it
queue_push($late);
my $started = quietly(sub { $_[0]->start });
ok t_cmp($started ? 'started' : 'not started', 'started', 'httpd started again');
fcm_start();    # FCM back

wait_until(20, sub { outbox_count($early) + outbox_count($late) == 0 });
ok t_cmp(join(' ', scalar(fcm_sends("ok-early-$early")), scalar(fcm_sends("ok-late-$late"))), '1 1',
         'both pushes were delivered after the restart, once each');
ok t_cmp(outbox_count($early) + outbox_count($late), 0, 'and the outbox holds neither');
fcm_stop();
