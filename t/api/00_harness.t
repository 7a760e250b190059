# 00_harness.t: the test harness itself works: httpd started with the module
# from the build tree, the database of this run (migrated and seeded), the
# virtual hosts, and a Bearer-protected static location.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestRequest qw(GET POST);
use JSON::PP ();

my @vhosts = qw(et_rs256 et_es256 et_claims et_tinycache et_cookies);
plan tests => 8 + @vhosts;

my $json = JSON::PP->new->utf8;
sub body { my $d = eval { $json->decode($_[0]->content) }; ref $d eq 'HASH' ? $d : {} }

my $res = GET '/api/health/';
ok t_cmp($res->code, 200, 'GET /api/health/ answers 200');
ok t_cmp(body($res)->{status}, 'ok', 'health says ok');
ok t_cmp(body($res)->{database}, 'ok', "the $ENV{ET_TEST_DBDRIVER} database answers");
ok t_cmp(scalar $res->header('Content-Type'), qr{^application/json}, 'as JSON');

$res = GET '/protected/';
ok t_cmp($res->code, 401, 'a protected location without a token is refused');

# the demo data is there: log in as a demo user, then use the token
$res = POST '/api/accounts/login/', 'Content-Type' => 'application/json',
    content => $json->encode({login_id => 'student1', password => 'everytime123!'});
ok t_cmp($res->code, 200, 'the demo user student1 logs in');
my $access = body($res)->{token}{access} // '';
$res = GET '/protected/', Authorization => "Bearer $access";
ok t_cmp($res->code, 200, 'the token opens the protected location');
ok t_cmp($res->content, qr/protected by an Everytime token/, 'and serves its file');

for my $vhost (@vhosts) {
    my $url = Apache::TestRequest::module2url($vhost, {path => '/api/health/'});
    ok t_cmp(GET($url)->code, 200, "virtual host $vhost serves the API");
}
