# t/api/ops.t: GET /health/, per API.md "Operations".
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;

plan tests => 10;

my $HEALTHY = { status => 'ok', database => 'ok', token_cache => 'ok' };

{
    my ($res, $d) = api(GET => '/health/');
    ok t_cmp($res->code, 200, 'GET /health/: 200');
    ok t_cmp($d, $HEALTHY, 'GET /health/: {"status": "ok", "database": "ok", "token_cache": "ok"}');
    ok t_cmp($res->header('Content-Type') // '', qr{^application/json}, 'GET /health/: answers JSON');

    ($res, $d) = api(GET => '/health');
    ok t_cmp($res->code, 200, 'GET /health without the trailing slash: 200');
    ok t_cmp($d, $HEALTHY, 'GET /health without the trailing slash: the same body');

    ($res) = api(HEAD => '/health/');
    ok t_cmp($res->code, 200, 'HEAD /health/: 200');
    ok t_cmp($res->content, '', 'HEAD /health/: no body');

    ($res, $d) = api(GET => '/health/', token => 'garbage.token.value');
    ok t_cmp($res->code, 200, 'GET /health/ is public: a bad token is ignored');

    # every process answers the same (two children serve the suite)
    my %codes;
    $codes{ (api(GET => '/health/'))[0]->code }++ for 1 .. 10;
    ok t_cmp(join(',', sort keys %codes), '200', 'GET /health/ ten times: always 200');

    ($res, $d) = api(POST => '/health/', body => {});
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '405 method_not_allowed', 'POST /health/: 405');
}
