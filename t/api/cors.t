# t/api/cors.t: cross-origin requests (API.md "Authentication", the CORS
# bullet; EverytimeCORSOrigins on vhost et_cors). A preflight from a listed
# origin answers 204 with the Access-Control-* headers, needing no token and
# no CSRF header, on a protected route too; every answer to a listed origin,
# errors included (401, 403, 404, 405, 429, httpd's own 404), names it with
# credentials and exposes Retry-After and Allow; an unlisted origin gets no
# CORS header, its preflight answered as a plain OPTIONS; the main server
# (no directive) sends none. An OPTIONS that is not a preflight answers 200
# with Allow. Refused directive values are t/unit/test_cors.c's.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(raw_http vhost_hostport);

plan tests => 49;

my %C = (vhost => 'et_cors');
my $APP = 'http://localhost:3000';
my $APP2 = 'https://app.example.ac.kr';
my $EVIL = 'https://evil.example';
my @ACA = qw(Allow-Origin Allow-Credentials Expose-Headers Allow-Methods Allow-Headers Max-Age);

# The Access-Control-* headers of an answer as "Name: value; ..." (sorted),
# or "none".
sub cors_headers {
    my ($res) = @_;
    my @h = sort grep { /^Access-Control-/i } $res->headers->header_field_names;
    return @h ? join('; ', map { "$_: " . $res->header($_) } @h) : 'none';
}

# "STATUS ORIGIN CREDENTIALS EXPOSE VARY-ORIGIN": what a page of a listed
# origin needs to read an answer.
sub readable {
    my ($res) = @_;
    my $vary = grep { lc($_) eq 'origin' } split /\s*,\s*/, $res->header('Vary') // '';
    return join ' ', $res->code, $res->header('Access-Control-Allow-Origin') // '-',
        $res->header('Access-Control-Allow-Credentials') // '-',
        ($res->header('Access-Control-Expose-Headers') // '-') =~ s/ //gr,
        $vary ? 'vary' : 'no-vary';
}
sub readable_by { my ($o, $code) = @_; return "$code $o true Retry-After,Allow vary" }

sub preflight {
    my ($path, $origin, %o) = @_;
    return api(OPTIONS => $path, %o, headers => [
        Origin => $origin, 'Access-Control-Request-Method' => $o{method} // 'GET',
        ($o{request_headers} ? ('Access-Control-Request-Headers' => $o{request_headers}) : ()),
        @{ $o{extra} || [] } ]);
}

sub sorted_list { return join ',', sort map { lc } split /\s*,\s*/, $_[0] // '' }

my $u = new_user(%C);

# --- the preflight --------------------------------------------------------------------
{
    my ($res) = preflight('/accounts/me/', $APP, %C, method => 'DELETE',
        request_headers => 'authorization, content-type, x-csrftoken, accept-language, x-evil');
    ok t_cmp($res->code, 204, 'preflight from a listed origin on a protected route, no token: 204');
    ok t_cmp(length($res->content), 0, '... with no body');
    ok t_cmp($res->header('Access-Control-Allow-Origin') // '-', $APP, '... naming the origin');
    ok t_cmp($res->header('Access-Control-Allow-Credentials') // '-', 'true', '... with credentials');
    ok t_cmp(sorted_list($res->header('Access-Control-Allow-Methods')), 'delete,get,patch',
             '... Allow-Methods: what /accounts/me/ routes');
    my %ah = map { lc($_) => 1 } split /\s*,\s*/, $res->header('Access-Control-Allow-Headers') // '';
    ok t_cmp(join(',', grep { $ah{$_} } qw(authorization content-type x-csrftoken accept-language)),
             'authorization,content-type,x-csrftoken,accept-language',
             '... Allow-Headers: Authorization, Content-Type, X-CSRFToken, Accept-Language');
    ok t_cmp($ah{'x-evil'} ? 'echoed' : 'not echoed', 'not echoed',
             '... a requested header outside the allowed list is not echoed');
    ok t_cmp($res->header('Access-Control-Max-Age') // '-', qr/^[1-9]\d*$/, '... a Max-Age');
    ok t_cmp(readable($res), readable_by($APP, 204), '... Vary: Origin, Retry-After and Allow exposed');

    ($res) = preflight('/posts/', $APP2, %C, method => 'POST');
    ok t_cmp(readable($res) . ' ' . sorted_list($res->header('Access-Control-Allow-Methods')),
             readable_by($APP2, 204) . ' get,post',
             'the second listed origin (its own directive line): 204, POST /posts/ allowed');

    ($res) = preflight('/no/such/thing/', $APP, %C, method => 'PUT');
    ok t_cmp(readable($res) . ' ' . sorted_list($res->header('Access-Control-Allow-Methods')),
             readable_by($APP, 204) . ' delete,get,patch,post,put',
             'a path the API does not route: 204 with the common methods (its request gets the 404)');

    # a browser sends no credentials with a preflight, but one that did is
    # neither authenticated nor CSRF-checked
    ($res) = preflight('/accounts/me/', $APP, %C, method => 'PATCH',
                       extra => [ Cookie => "access_token=$u->{access}",
                                  Authorization => 'Bearer not.a.token' ]);
    ok t_cmp(readable($res), readable_by($APP, 204),
             'a preflight with a cookie and a bad Bearer header: still 204 (no auth, no CSRF check)');
}

# --- answers to a listed origin, successes and errors ------------------------------------
{
    my @from = (headers => [ Origin => $APP ]);
    my ($res, $d) = api(GET => '/accounts/me/', %C, token => $u->{access}, @from);
    ok t_cmp(readable($res), readable_by($APP, 200), 'credentialed GET: 200 readable by the origin');
    ok t_cmp($d->{login_id} // '-', $u->{login_id}, '... with its body');
    ok t_cmp(scalar(grep { lc($_) eq 'accept-language' } split /\s*,\s*/, $res->header('Vary') // ''),
             1, '... Vary still names Accept-Language');

    ($res, $d) = api(POST => '/posts/', %C, token => $u->{access}, @from,
                     body => { board => 1, title => 'cors', content => 'from another origin' });
    ok t_cmp(readable($res), readable_by($APP, 201), 'credentialed POST: 201 readable by the origin');

    ($res) = api(POST => '/accounts/token_verify/', %C, body => { token => $u->{access} },
                 headers => [ Origin => $APP2 ]);
    ok t_cmp(readable($res), readable_by($APP2, 200), 'POST from the second origin: 200 readable');

    ($res, $d) = api(GET => '/accounts/me/', %C, @from);
    ok t_cmp(readable($res) . ' ' . ($d->{code} // '-'), readable_by($APP, 401) . ' not_authenticated',
             'no token: 401 readable by the origin');
    ($res, $d) = api(GET => '/accounts/me/', %C, token => 'not.a.token', @from);
    ok t_cmp(readable($res), readable_by($APP, 401), 'a bad token: 401 readable');

    ($res, $d) = api(POST => '/posts/', %C, headers => [ Origin => $APP,
                     Cookie => "access_token=$u->{access}" ], body => { board => 1, title => 't',
                     content => 'c' });
    ok t_cmp(readable($res) . ' ' . ($d->{code} // '-'), readable_by($APP, 403) . ' permission_denied',
             'a cookie-authenticated POST without X-CSRFToken: 403 readable by the origin');

    ($res, $d) = api(GET => '/no/such/thing/', %C, @from);
    ok t_cmp(readable($res) . ' ' . ($d->{code} // '-'), readable_by($APP, 404) . ' not_found',
             'an unknown path: 404 readable');
    ($res) = api(PUT => '/accounts/me/', %C, token => $u->{access}, @from, body => {});
    ok t_cmp(readable($res) . ' ' . sorted_list($res->header('Allow')),
             readable_by($APP, 405) . ' delete,get,patch', 'a method not routed: 405 readable, with Allow');

    ($res, $d) = api(GET => '/posts%2F1/', %C, @from);
    ok t_cmp(readable($res) . ' ' . ($d->{code} // '-'), readable_by($APP, 404) . ' not_found',
             "httpd's own 404 (%2F in the path): readable by the origin too");

    # the handler had begun, httpd refused the body while it read it
    my ($st, $h, $body) = raw_http("POST /api/accounts/login/ HTTP/1.1\r\nHost: "
        . vhost_hostport('et_cors') . "\r\nOrigin: $APP\r\nContent-Type: application/json\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        vhost => 'et_cors');
    ok t_cmp(join(' ', $st, $h->{'access-control-allow-origin'} // '-',
                  $h->{'access-control-allow-credentials'} // '-', $body =~ /"parse_error"/ ? 'json' : $body),
             "400 $APP true json", "httpd's own 400 (bad chunking) mid-handler: readable by the origin");
    ok t_cmp(scalar(() = ($h->{vary} // '') =~ /\bOrigin\b/gi), 1, '... Vary names Origin once');

    my $login_id = unique('corsthrottle');
    my @codes = map { (login($login_id, 'wrong password', %C))[0]->code } 1 .. 5;
    ok t_cmp("@codes", '401 401 401 401 401', '5 wrong passwords: 401 each');
    ($res, $d) = api(POST => '/accounts/login/', %C, @from,
                     body => { login_id => $login_id, password => 'wrong password' });
    ok t_cmp(readable($res) . ' ' . ($d->{code} // '-'), readable_by($APP, 429) . ' throttled',
             'the 6th: 429 readable by the origin');
    ok t_cmp($res->header('Retry-After') // '-', qr/^\d+$/, '... and its Retry-After (exposed) is there');

    ($res) = api(OPTIONS => '/accounts/me/', %C, @from);
    ok t_cmp(readable($res) . ' ' . sorted_list($res->header('Allow')),
             readable_by($APP, 200) . ' delete,get,options,patch',
             'OPTIONS from a listed origin without Access-Control-Request-Method: 200, Allow, readable');
    ok t_cmp(defined $res->header('Access-Control-Allow-Methods') ? 'preflight' : 'plain', 'plain',
             '... answered as a plain OPTIONS (no Allow-Methods)');
}

# --- an unlisted origin ---------------------------------------------------------------------
{
    my ($res) = preflight('/accounts/me/', $EVIL, %C, method => 'DELETE');
    ok t_cmp($res->code . ' ' . sorted_list($res->header('Allow')), '200 delete,get,options,patch',
             'preflight from an unlisted origin: answered as a plain OPTIONS (200 with Allow)');
    ok t_cmp(cors_headers($res), 'none', '... with no CORS header');
    ok t_cmp(scalar(grep { lc($_) eq 'origin' } split /\s*,\s*/, $res->header('Vary') // ''), 1,
             '... but Vary: Origin, as every answer of a server that lists origins');

    ($res) = api(GET => '/accounts/me/', %C, token => $u->{access}, headers => [ Origin => $EVIL ]);
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'a GET from an unlisted origin: no CORS header');
    ($res) = api(GET => '/accounts/me/', %C, headers => [ Origin => $EVIL ]);
    ok t_cmp($res->code . ' ' . cors_headers($res), '401 none', 'its 401: no CORS header');
    ($res) = preflight('/posts/', 'http://localhost:3001', %C, method => 'POST');
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'another port of a listed host is another origin');
    ($res) = preflight('/posts/', 'HTTP://LOCALHOST:3000', %C, method => 'POST');
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'an origin is compared byte for byte');
    ($res) = preflight('/posts/', "$APP/", %C, method => 'POST');
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'a listed origin with a path is not it');
    ($res) = api(GET => '/accounts/me/', %C, token => $u->{access});
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'no Origin at all: no CORS header');
}

# --- the main server: no directive, no CORS ---------------------------------------------------
{
    my $m = new_user();
    my ($res) = preflight('/accounts/me/', $APP, method => 'DELETE');
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none',
             'main server (no directive): a preflight is a plain OPTIONS, no CORS header');
    ok t_cmp(scalar(grep { lc($_) eq 'origin' } split /\s*,\s*/, $res->header('Vary') // ''), 0,
             '... and no Vary: Origin');
    ($res) = api(GET => '/accounts/me/', token => $m->{access}, headers => [ Origin => $APP ]);
    ok t_cmp($res->code . ' ' . cors_headers($res), '200 none', 'main server: a GET, no CORS header');
    ($res) = api(GET => '/accounts/me/', headers => [ Origin => $APP ]);
    ok t_cmp($res->code . ' ' . cors_headers($res), '401 none', 'main server: a 401, no CORS header');
}

# --- OPTIONS that is not a preflight ------------------------------------------------------------
{
    my ($res) = api(OPTIONS => '/posts/');
    ok t_cmp($res->code . ' ' . sorted_list($res->header('Allow')), '200 get,options,post',
             'OPTIONS /posts/: 200 with Allow naming its methods');
    ok t_cmp(length($res->content), 0, '... and no body');
    my ($r405) = api(PATCH => '/posts/', body => {});
    ok t_cmp(sorted_list($res->header('Allow')), sorted_list(($r405->header('Allow') // '') . ', OPTIONS'),
             "... the same methods as a 405's Allow, and OPTIONS");
    ($res) = api(OPTIONS => '/posts/1/comments/');
    ok t_cmp($res->code . ' ' . sorted_list($res->header('Allow')), '200 get,options,post',
             'OPTIONS on a path with an id: 200 with its methods');
    my ($r, $d) = api(OPTIONS => '/no/such/thing/');
    ok t_cmp($r->code . ' ' . ($d->{code} // '-'), '404 not_found', 'OPTIONS on a path not routed: 404');
    ($res) = api(OPTIONS => '/accounts/me/', token => 'not.a.token');
    ok t_cmp($res->code, 200, 'OPTIONS on a protected route needs no token');
}
