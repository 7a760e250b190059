# t/api/throttle.t: logins are throttled per client and login_id
# (EverytimeLoginThrottle 5 60 on the main server): the 6th attempt is 429
# with Retry-After, even with the right password; other login ids are not
# affected; a successful login resets the count. The count is taken in the
# database before the password is checked: 40 parallel guesses get 5
# evaluations, and virtual hosts with token caches of their own (as servers
# sharing a database) share it. Rows hold a hash, not the login id, and the
# rows of ended windows are swept.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(outcome error_outcome vhost_hostport b64url db_query together);
use Digest::SHA qw(sha1);
use JSON::PP ();

plan tests => 27;

my $FAILED = error_outcome('authentication_failed');
my $WRONG = 'wrong password 9';

sub attempt { return outcome(login(@_)) }
sub fails {
    my ($login_id, $n, %o) = @_;
    return scalar grep { attempt($login_id, $WRONG, %o) eq $FAILED } 1 .. $n;
}
sub verdict {
    my ($res, $d) = @_;
    return $res->code . ' ' . ($d->{code} // '') . ' ' . ($res->header('Retry-After') // '-');
}

# The login_attempts row of a login_id tried from this client: the key is
# sha1(client address "\n" login_id) in base64url, whichever address the
# server saw. Returns (key, attempts, window_ends), or () when there is none.
sub attempts_row {
    my ($login_id) = @_;
    my @keys = map { b64url(sha1("$_\n$login_id")) } '127.0.0.1', '::1';
    my $row = db_query('SELECT throttle_key, attempts, window_ends FROM login_attempts '
                       . 'WHERE throttle_key IN (' . join(',', map { "'$_'" } @keys) . ')');
    return split /[|\t]/, $row;
}

my $u = new_user();
my $other = new_user();

ok t_cmp(fails($u->{login_id}, 5), 5, '5 wrong passwords: each 401 authentication_failed');
my ($res, $d) = login($u->{login_id}, $WRONG);
ok t_cmp($res->code . ' ' . ($d->{code} // ''), '429 throttled', 'the 6th attempt: 429 throttled');
my $ra = $res->header('Retry-After') // '';
ok t_cmp($ra =~ /^\d+$/ && $ra >= 1 && $ra <= 60 ? 'seconds' : "'$ra'", 'seconds',
         'with a numeric Retry-After of 1..60 seconds');
ok t_cmp($d->{detail} // '', qr/^Request was throttled\. Expected available in \d+ seconds?\.$/,
         "detail is DRF's throttle message");
ok t_cmp(join(' ', sort keys %{ $d // {} }), 'code detail', 'the 429 body is {detail, code}');
($res, $d) = login($u->{login_id}, $u->{password});
ok t_cmp($res->code . ' ' . ($d->{code} // ''), '429 throttled',
         'while throttled even the right password is refused with 429');
ok t_cmp(defined $d->{token} ? 'token' : 'no token', 'no token', 'and no token is handed out');

ok t_cmp(attempt($other->{login_id}, $WRONG), $FAILED,
         'another login_id from the same client: a wrong password is still a plain 401');
($res) = login($other->{login_id}, $other->{password});
ok t_cmp($res->code, 200, 'another login_id from the same client logs in');

my $nobody = unique('nobody');
ok t_cmp(fails($nobody, 5), 5, 'an unknown login_id: 5 attempts, each 401 authentication_failed');
($res, $d) = login($nobody, $WRONG);
ok t_cmp($res->code . ' ' . ($d->{code} // ''), '429 throttled',
         'an unknown login_id is throttled the same way (the 6th attempt is 429)');

my $w = new_user();
ok t_cmp(fails($w->{login_id}, 4), 4, 'reset: 4 wrong passwords, each 401');
($res) = login($w->{login_id}, $w->{password});
ok t_cmp($res->code, 200, 'reset: the right password before the limit logs in');
ok t_cmp(fails($w->{login_id}, 4), 4, 'reset: after the success, 4 more wrong passwords are each 401 (not 429)');
($res) = login($w->{login_id}, $w->{password});
ok t_cmp($res->code, 200, 'reset: and the right password still logs in');
ok t_cmp(fails($w->{login_id}, 5) . ' ' . (login($w->{login_id}, $w->{password}))[0]->code, '5 429',
         'reset: then 5 failures in a row throttle again');

# --- 40 parallel wrong passwords for one login_id ---------------------------

# POSTs the login body from $n children at once: each connects and sends
# all of its request but the last byte, and when all are ready (and the
# server has had time to hand every connection to a worker), they all send
# that byte together. Returns "STATUS CODE RETRY-AFTER" per child.
sub racing_logins {
    my ($n, $login_id, $password, %o) = @_;
    require IO::Socket::INET;
    my $hostport = vhost_hostport($o{vhost});
    my $body = JSON::PP->new->utf8->canonical->encode({ login_id => $login_id,
                                                        password => $password });
    my $req = "POST /api/accounts/login/ HTTP/1.1\r\nHost: $hostport\r\n"
            . "Content-Type: application/json\r\nContent-Length: " . length($body)
            . "\r\nConnection: close\r\n\r\n$body";
    return together($n, sub {
        my (undef, $sock) = @_;
        syswrite $sock, substr($req, -1);
        local $/;
        my $answer = <$sock> // '';
        my ($head, $content) = split /\r\n\r\n/, $answer, 2;
        my ($status) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
        my ($ra) = ($head // '') =~ /^Retry-After:\s*(\S+)/mi;
        my $d = eval { JSON::PP->new->utf8->decode($content // '') } // {};
        join ' ', $status // 0, $d->{code} // '-', $ra // '-';
    }, prepare => sub {
        my $sock = IO::Socket::INET->new(PeerAddr => $hostport, Timeout => 60)
            or die "connect: $!\n";
        binmode $sock;
        syswrite $sock, substr($req, 0, -1);
        return $sock;
    },
    # the MPM starts more children for connections beyond its idle workers
    settle => 2);
}

{
    my $r = new_user();
    my @got = racing_logins(40, $r->{login_id}, $WRONG);
    my $evaluated = grep { $_ eq '401 authentication_failed -' } @got;
    my $refused = grep { /^429 throttled (\d+)$/ && $1 >= 1 && $1 <= 60 } @got;
    ok t_cmp($evaluated, 5,
             '40 parallel wrong passwords for one login_id: 5 (the limit) are evaluated, 401')
        or print map { "# $_\n" } @got;
    ok t_cmp($refused, 35, 'the other 35 are 429 throttled with a Retry-After of 1..60 s')
        or print map { "# $_\n" } @got;
    my ($res, $d) = login($r->{login_id}, $r->{password});
    ok t_cmp(verdict($res, $d), qr/^429 throttled \d+$/,
             'after the race, the right password is 429 too, with Retry-After');
    my ($key, $n, $ends) = attempts_row($r->{login_id});
    ok t_cmp($n // 'no row', 41,
             'the database holds the 41 attempts under sha1(client address, login_id)');
    ok t_cmp(db_query("SELECT COUNT(*) FROM login_attempts WHERE throttle_key LIKE "
                      . "'%$r->{login_id}%'"), 0, 'no row holds the login id itself');
}

# --- one count for every server that shares the database ----------------------
# et_tinycache has a token cache of its own, as another server would
{
    my $s = new_user();
    my %tiny = (vhost => 'et_tinycache');
    ok t_cmp(fails($s->{login_id}, 3) . ' ' . fails($s->{login_id}, 2, %tiny), '3 2',
             'shared: 3 wrong passwords here and 2 on a vhost with its own cache, each 401');
    ok t_cmp(verdict(login($s->{login_id}, $s->{password}, %tiny)), qr/^429 throttled \d+$/,
             'shared: the 6th attempt on that vhost is 429');
    ok t_cmp(verdict(login($s->{login_id}, $s->{password})), qr/^429 throttled \d+$/,
             'shared: and here too');
}

# --- windows end; ended ones are swept; a success leaves no row ---------------
{
    my ($key) = attempts_row($u->{login_id});
    db_query("UPDATE login_attempts SET window_ends = 1 WHERE throttle_key = '$key'");
    my ($res, $d) = login($u->{login_id}, $WRONG);
    my (undef, $n, $ends) = attempts_row($u->{login_id});
    ok t_cmp(verdict($res, $d) . " $n", "401 authentication_failed - 1",
             'once the window has ended, an attempt is evaluated again and starts a new window');

    # a row whose window ended long ago, and one that is still on
    db_query("INSERT INTO login_attempts (throttle_key, window_ends, attempts) "
             . "VALUES ('swept-probe', 1, 9)");
    db_query("INSERT INTO login_attempts (throttle_key, window_ends, attempts) "
             . "VALUES ('kept-probe', 9000000000000000, 9)");
    attempt(unique('sweeper'), $WRONG);     # a new key: a new window
    ok t_cmp(db_query("SELECT throttle_key FROM login_attempts WHERE throttle_key "
                      . "IN ('swept-probe', 'kept-probe')"), 'kept-probe',
             'a new window sweeps the rows of ended windows, and only those');
    db_query("DELETE FROM login_attempts WHERE throttle_key = 'kept-probe'");

    my (undef, $gone) = attempts_row($w->{login_id});
    my (undef, $other_n) = attempts_row($other->{login_id});
    ok t_cmp(($gone // 'none') . ' ' . ($other_n // 'none'), '6 none',
             'a success deletes the row (the throttled one is still counted)');
}
