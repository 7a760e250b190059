# A database that goes away answers 503 service_unavailable quickly, never a
# crash or a hang, and the module recovers by itself when it comes back.
# build/test gives the commands to stop and start the PostgreSQL it runs.
use strict;
use warnings;
use Apache::Test;
use Apache::TestUtil;
use Time::HiRes qw(time sleep);
use lib 't/lib';
use ETest;

plan tests => 12, need { 'a database this test may stop (PostgreSQL suite)' =>
                         ($ENV{ET_TEST_DB_STOP} && $ENV{ET_TEST_DB_START}) };

my $u = new_user();
my ($res, $d) = api(GET => '/health/');
ok t_cmp($res->code, 200, 'healthy before the database stops');

system($ENV{ET_TEST_DB_STOP}) == 0 or die "cannot stop the database";

my $t0 = time;
($res, $d) = api(GET => '/health/');
my $took = time - $t0;
ok t_cmp($res->code, 503, 'health answers 503 while the database is down');
ok t_cmp($d->{database}, 'unavailable', 'health names the database as the failing part');
ok t_cmp($d->{token_cache}, 'ok', 'health says the token cache still works');
ok $took < 10 or t_debug("health took $took s");

($res, $d) = login($u->{login_id}, $u->{password});
ok t_cmp($res->code, 503, 'login answers 503 while the database is down');
ok t_cmp($d->{code}, 'service_unavailable', 'with the service_unavailable code');

($res, $d) = api(POST => '/accounts/signup/', body => { login_id => unique('down'),
    password => 'a fine password', email => unique('down') . '@example.com',
    nickname => unique('down'), school_id => 1, admission_year => 2023 });
ok t_cmp($res->code, 503, 'signup answers 503, not 500, while the database is down')
    or t_debug($res->content);

system($ENV{ET_TEST_DB_START}) == 0 or die "cannot start the database again";

# mod_dbd reconnects on its own: poll for a bounded time
my $healthy = 0;
for (1 .. 40) {
    ($res) = api(GET => '/health/');
    if ($res->code == 200) { $healthy = 1; last }
    sleep 0.5;
}
ok t_cmp($healthy, 1, 'health recovers once the database is back');

# every child may hold a stale connection: ask several times
my @codes;
for (1 .. 10) {
    ($res) = login($u->{login_id}, $u->{password});
    push @codes, $res->code;
}
ok t_cmp(scalar(grep { $_ == 200 } @codes), 10, 'logins work again in every child');
($res, $d) = api(GET => '/accounts/me/', token => $u->{access});
ok t_cmp($res->code, 200, 'a token issued before the outage still works');
ok t_cmp($d->{id}, $u->{id}, 'and names its user');
