# t/api/push.t: pushes through the outbox to a mock FCM (t/mock/fcm.pl)
# (issue 12 section 1). Rows are queued straight into the outbox as
# et_outbox_put queues them, and the vhosts et_push and et_push2 (the same
# database and service account, each drained on its own by every child
# process) deliver them: the service-account token exchange (the mock
# verifies the assertion's signature and claims), the message body, retries
# on 500 and 503 with back-off, a partial delivery resumed without sending
# twice, UNREGISTERED devices removed, 400 and the last failed attempt
# dropped with a log line naming kind and id, no row sent twice by the
# claimers, a claim of a dead process taken over once it lapses, and a hung
# FCM costing a request nothing.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok skip);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETestFCM;
use JSON::PP ();
use Time::HiRes qw(time sleep);

plan tests => 23, sub { -e ($ENV{ET_TEST_FCM_CREDENTIALS} // '') };

my $JSON = JSON::PP->new->utf8->canonical;
my $error_log = Apache::Test::vars('t_logs') . '/error_log';

sub log_size { return -s $error_log // 0 }
sub log_since {
    my ($from) = @_;
    open my $fh, '<', $error_log or return '';
    seek $fh, $from, 0;
    local $/;
    return <$fh> // '';
}
sub statuses { return join ' ', map { $_->{status} } @_ }
sub uid { return new_user(vhost => 'et_push')->{id} }

fcm_start();

# --- the token exchange and the message ----------------------------------------
my $ua = uid();
add_device($ua, "ok-a1-$ua");
my $p = queue_push($ua, data => { kind => 'comment', post => '12', comment => '34' });
ok t_cmp(scalar wait_until(10, sub { scalar fcm_sends("ok-a1-$ua") }), 1, 'the push reached the device');
my ($sent) = fcm_sends("ok-a1-$ua");
ok t_cmp($JSON->encode($sent->{body}),
         $JSON->encode({ message => { token => "ok-a1-$ua",
                                      notification => { title => '새 댓글이 달렸어요', body => '익명1: 저도 그 수업 들어요' },
                                      data => { kind => 'comment', post => '12', comment => '34' } } }),
         'messages:send got the token, the Korean title and body, and the data');
ok t_cmp(wait_until(5, sub { outbox_count($ua) == 0 }) ? 0 : outbox_count($ua), 0, 'the delivered row is gone');
my @exchanges = grep { $_->{path} eq '/token' } fcm_log();
ok t_cmp(join(' ', map { $_->{status} } @exchanges), qr/^200( 200)*$/,
         'the assertion was accepted (signature, iss, scope, aud, iat, exp checked by the mock)');
my $c = $exchanges[0]{claims} // {};
ok t_cmp(join(' ', $c->{iss} // '', $c->{scope} // '', $c->{aud} // '', ($c->{exp} // 0) - ($c->{iat} // 0)),
         "push\@everytime-test.iam.gserviceaccount.com https://www.googleapis.com/auth/firebase.messaging "
         . "http://127.0.0.1:$ENV{ET_TEST_FCM_PORT}/token 3600", 'the assertion\'s claims');

# --- the token is reused ---------------------------------------------------------
queue_push($ua, times => 6);
wait_until(15, sub { fcm_sends("ok-a1-$ua") >= 7 });
my @sends = grep { $_->{path} =~ /messages:send/ } fcm_log();
@exchanges = grep { $_->{path} eq '/token' } fcm_log();
my %bearers = map { ($_->{bearer} // '') => 1 } @sends;
ok t_cmp(scalar(fcm_sends("ok-a1-$ua")) . ' sends, ' . (@exchanges <= 4 && @exchanges == keys %bearers ? 'few' : scalar(@exchanges)) . ' exchanges',
         '7 sends, few exchanges', 'the access token is reused: one exchange per process, not per push');

# --- UNREGISTERED ---------------------------------------------------------------
my $ub = uid();
add_device($ub, "ok-b1-$ub");
add_device($ub, "unreg-b2-$ub");
queue_push($ub);
wait_until(10, sub { fcm_sends("unreg-b2-$ub") && fcm_sends("ok-b1-$ub") && outbox_count($ub) == 0 });
ok t_cmp(statuses(fcm_sends("ok-b1-$ub")) . ' / ' . statuses(fcm_sends("unreg-b2-$ub")), '200 / 404',
         'both devices were sent to; FCM called one UNREGISTERED');
ok t_cmp(ETest::db_query("SELECT token FROM fcm_tokens WHERE user_id = '$ub'"), "ok-b1-$ub",
         'the UNREGISTERED device is removed, the other stays');
ok t_cmp(outbox_count($ub), 0, 'and the row is done');

# --- retries on 500 and 503, with back-off --------------------------------------
my $r5 = uid();
add_device($r5, "e500x2-$r5");
my $r3 = uid();
add_device($r3, "e503x2-$r3");
my $t0 = time;
queue_push($r5);
queue_push($r3);
wait_until(20, sub { outbox_count($r5) + outbox_count($r3) == 0 });
my $took = time - $t0;
ok t_cmp(statuses(fcm_sends("e500x2-$r5")), '500 500 200', '500 is retried until it is sent');
ok t_cmp(statuses(fcm_sends("e503x2-$r3")), '503 503 200', '503 is retried until it is sent');
ok t_cmp($took >= 3 ? 'backed off' : "took $took s", 'backed off',
         'the retries waited 1 s, then 2 s (EverytimeOutboxRetry 4 1 2)');

# --- a partial delivery: the retry goes to the devices not reached ----------------
my $pd = uid();
add_device($pd, "ok-p1-$pd");
add_device($pd, "e503x1-p2-$pd");
queue_push($pd);
wait_until(15, sub { outbox_count($pd) == 0 && fcm_sends("e503x1-p2-$pd") >= 2 });
ok t_cmp(statuses(fcm_sends("ok-p1-$pd")) . ' / ' . statuses(fcm_sends("e503x1-p2-$pd")), '200 / 503 200',
         'the device reached the first time is not sent the push again');

# --- dropped: a 400, and the last failed attempt -----------------------------------
my $from = log_size();
my $bad = uid();
add_device($bad, "bad-$bad");
queue_push($bad);
my $gone = uid();
add_device($gone, "e500x99-$gone");
queue_push($gone);
wait_until(20, sub { outbox_count($bad) + outbox_count($gone) == 0 });
ok t_cmp(statuses(fcm_sends("bad-$bad")), '400', 'a message FCM refuses (400) is not retried');
ok t_cmp(statuses(fcm_sends("e500x99-$gone")), '500 500 500 500', 'four attempts, then given up');
my $logged = log_since($from);
ok t_cmp(join(' ', $logged =~ /outbox: (push \d+ dropped: refused by its deliverer: FCM answered 400)/ ? 'refused' : '-',
                   $logged =~ /outbox: (push \d+ dropped: 4 attempts failed, the last: FCM answered 500)/ ? 'gave up' : '-'),
         'refused gave up', 'each drop is logged with its kind and id');
ok t_cmp(($logged =~ /e500x99-|bad-\Q$bad\E|새 댓글/ ? 'payload logged' : 'no payload'), 'no payload',
         'the log lines name no device token and no content');

# --- no row is sent twice by the claimers (2+ children x 2 vhosts) --------------
my $many = uid();
add_device($many, "ok-many-$many");
ETest::db_query(join ';', map {
    "INSERT INTO outbox (kind, payload, attempts, next_attempt_at, created_at, updated_at) VALUES ('push', '"
    . $JSON->encode({ user_id => $many, title => 't', body => 'b', data => { n => "$_" } }) . "', 0, 0, 0, 0)"
} 1 .. 40);
wait_until(30, sub { outbox_count($many) == 0 && fcm_sends("ok-many-$many") >= 40 });
sleep 1.5;    # a second send would come within a poll
my %seen;
$seen{ $_->{body}{message}{data}{n} }++ for fcm_sends("ok-many-$many");
ok t_cmp(scalar(keys %seen) . ' pushes, ' . (grep({ $_ > 1 } values %seen) . ' twice'), '40 pushes, 0 twice',
         'every one of 40 rows delivered exactly once');

# --- a claim whose process died is taken over when it lapses -------------------
my $dead = uid();
add_device($dead, "ok-dead-$dead");
my $lapse = int((time + 3) * 1e6);
queue_push($dead, claimed_by => 'a-process-that-died', claimed_until => $lapse);
sleep 1.5;
ok t_cmp(scalar(fcm_sends("ok-dead-$dead")), 0, 'a row under a live claim is left to its claimer');
wait_until(10, sub { fcm_sends("ok-dead-$dead") });
ok t_cmp(statuses(fcm_sends("ok-dead-$dead")) . ' at +' . (time * 1e6 >= $lapse ? 'lapse' : 'early'), '200 at +lapse',
         'and delivered once its claim lapsed');

# --- a hung FCM costs the requests nothing ---------------------------------------
my $who = new_user(vhost => 'et_push');
my @answers;
sub median_ms {
    my @t;
    for (1 .. 15) {
        my $s = time;
        my ($res) = api(GET => '/accounts/me/', token => $who->{access}, vhost => 'et_push');
        push @answers, $res->code;
        push @t, (time - $s) * 1000;
    }
    @t = sort { $a <=> $b } @t;
    return $t[7];
}
my $before = median_ms();
my $hung = uid();
add_device($hung, "ok-hung-$hung");
fcm_pause();
queue_push($hung, data => { n => "$_" }) for 1 .. 10;
sleep 1.5;    # every drain thread is now waiting on the hung FCM
my $during = median_ms();
printf "# GET /accounts/me/ median: %.1f ms before, %.1f ms while FCM hangs\n", $before, $during;
ok t_cmp(($during < $before + 50 ? 'unchanged' : sprintf('%.1f ms before, %.1f ms during', $before, $during))
         . ', ' . join(' ', grep { $_ != 200 } @answers) . 'all 200',
         'unchanged, all 200', 'the median request takes as long while FCM hangs, and every one is answered');
fcm_resume();
wait_until(30, sub { outbox_count($hung) == 0 });
# a send that timed out may still have reached FCM (as with the real one): at
# least once each
my %hn = map { ($_->{body}{message}{data}{n} => 1) } fcm_sends("ok-hung-$hung");
ok t_cmp(scalar(keys %hn), 10, 'once FCM answers again, every push goes out');
ok t_cmp(outbox_count($hung), 0, 'and the outbox is empty');

fcm_stop();
