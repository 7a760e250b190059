package ETestFCM;
# The mock FCM (t/mock/fcm.pl) for the push tests: started and stopped by the
# test itself (a down FCM is the mock stopped), what it recorded, and the
# outbox rows and devices put straight into the suite's database (the tests
# queue pushes as a request would, without a route that does).
use strict;
use warnings;
use FindBin ();
use File::Temp ();
use JSON::PP ();
use LWP::UserAgent ();
use Time::HiRes qw(time sleep);
use ETest qw(db_query);
use Exporter 'import';

our @EXPORT = qw(fcm_start fcm_stop fcm_pause fcm_resume fcm_log fcm_sends queue_push
                 add_device outbox_count wait_until);

my $ASCII = JSON::PP->new->ascii->canonical;    # Korean as \uXXXX: any SQL client takes it
my ($pid, $state);

sub port { return $ENV{ET_TEST_FCM_PORT} || die "ET_TEST_FCM_PORT is not set\n" }

sub fcm_start {
    die "the mock FCM runs already\n" if $pid;
    $state //= File::Temp->newdir;
    unlink "$state/ready";
    defined($pid = fork) or die "fork: $!\n";
    if (!$pid) {
        exec $^X, "$FindBin::Bin/../mock/fcm.pl", port(), $ENV{ET_TEST_FCM_CREDENTIALS}, "$state";
        die "exec the mock FCM: $!\n";
    }
    for (1 .. 100) {
        return 1 if -e "$state/ready";
        sleep 0.05;
    }
    die "the mock FCM did not start on port " . port() . "\n";
}

sub fcm_stop {
    return unless $pid;
    kill 'CONT', $pid;
    kill 'TERM', $pid;
    waitpid $pid, 0;
    $pid = undef;
}

# SIGSTOP: connections are accepted by the kernel and never answered (a hung FCM)
sub fcm_pause  { kill 'STOP', $pid if $pid }
sub fcm_resume { kill 'CONT', $pid if $pid }

END { fcm_stop() }

# Everything the mock recorded, oldest first (see t/mock/fcm.pl).
sub fcm_log {
    my @out;
    if ($state && open my $fh, '<', "$state/log") {
        while (my $line = <$fh>) {
            push @out, JSON::PP->new->utf8->decode($line);
        }
    }
    return @out;
}

# The messages:send requests for one device token.
sub fcm_sends {
    my ($token) = @_;
    return grep { ref $_->{body} eq 'HASH' && ($_->{body}{message}{token} // '') eq $token } fcm_log();
}

sub sql_text { my ($s) = @_; $s =~ s/'/''/g; return "'$s'" }

# Queues a push as et_outbox_put does; returns the payload hash.
sub queue_push {
    my ($user_id, %o) = @_;
    my %p = (user_id => $user_id, title => $o{title} // '새 댓글이 달렸어요',
             body => $o{body} // '익명1: 저도 그 수업 들어요', data => $o{data} // { kind => 'comment', post => '12' });
    my $json = $ASCII->encode(\%p);
    my $rows = join ', ', ("('push', " . sql_text($json) . ", 0, 0, 0, 0, "
        . ($o{claimed_by} ? sql_text($o{claimed_by}) : 'NULL') . ", "
        . ($o{claimed_until} // 'NULL') . ")") x ($o{times} // 1);
    db_query("INSERT INTO outbox (kind, payload, attempts, next_attempt_at, created_at, updated_at, "
             . "claimed_by, claimed_until) VALUES $rows");
    return \%p;
}

sub add_device {
    my ($user_id, $token) = @_;
    db_query("INSERT INTO fcm_tokens (token, user_id, updated_at) VALUES (" . sql_text($token)
             . ", " . sql_text($user_id) . ", 0)");
}

# Rows of the outbox whose payload names this user.
sub outbox_count {
    my ($user_id) = @_;
    return db_query("SELECT COUNT(*) FROM outbox WHERE payload LIKE " . sql_text("%$user_id%")) + 0;
}

# Polls $cond every 0.1 s for up to $seconds; its last value.
sub wait_until {
    my ($seconds, $cond) = @_;
    my $until = time + $seconds;
    my $v;
    while (!($v = $cond->()) && time < $until) {
        sleep 0.1;
    }
    return $v;
}

1;
