# t/api/throttle.t: failed logins are throttled per client and login_id
# (EverytimeLoginThrottle 5 60 on the main server): the 6th attempt is 429
# with Retry-After, even with the right password; other login ids are not
# affected; a successful login resets the count.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(outcome error_outcome);

plan tests => 16;

my $FAILED = error_outcome('authentication_failed');
my $WRONG = 'wrong password 9';

sub attempt { return outcome(login(@_)) }
sub fails {
    my ($login_id, $n) = @_;
    return scalar grep { attempt($login_id, $WRONG) eq $FAILED } 1 .. $n;
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
