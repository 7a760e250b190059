# t/api/errors.t: the error model of API.md "Conventions": 404/405 as JSON,
# bodies that are not JSON objects, content types, the size cap, Accept-Language,
# bad UTF-8 and NUL, and never a 5xx.
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use Apache::TestRequest ();
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT raw_http keys_of);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 49;

my $MAX = 65536;   # EverytimeMaxBodySize in t/conf/extra.conf.in
my @statuses;      # every status this file saw, for the no-5xx check

sub call {
    my ($res, $d) = api(@_);
    push @statuses, $res->code . ' ' . $_[0] . ' ' . $_[1];
    return ($res, $d);
}

sub code_of { my ($d) = @_; return ref $d eq 'HASH' ? $d->{code} // '-' : '-' }
sub status_code { my ($res, $d) = @_; return $res->code . ' ' . code_of($d) }
# a login body that is well-formed but names nobody
sub nobody { return '{"login_id":"' . unique('nobody') . '","password":"whatever 12"}' }

# --- 404 and 405 -------------------------------------------------------------------

{
    my ($res, $d) = call(GET => '/no/such/thing/');
    ok t_cmp($res->code, 404, 'unknown path: 404');
    ok t_cmp(keys_of($d) . ' ' . code_of($d), 'code,detail not_found', 'unknown path: {"detail", "code": "not_found"}');
    ok t_cmp($res->header('Content-Type') // '', qr{^application/json}, 'unknown path: answers JSON');
    ($res, $d) = call(GET => '/accounts/me/extra/');
    ok t_cmp(status_code($res, $d), '404 not_found', 'a known path with an extra segment: 404 not_found');
    ($res, $d) = call(GET => '/schools/abc/');
    ok t_cmp(status_code($res, $d), '404 not_found', 'a known path with a stray segment: 404 not_found');

    ($res, $d) = call(DELETE => '/schools/');
    ok t_cmp(status_code($res, $d), '405 method_not_allowed', 'DELETE /schools/: 405 method_not_allowed');
    my %allow = map { uc($_) => 1 } split /\s*,\s*/, $res->header('Allow') // '';
    ok t_cmp(join(',', grep { $allow{$_} } qw(GET POST DELETE)), 'GET,POST',
             'DELETE /schools/: Allow lists GET and POST (and not DELETE)');
    ok t_cmp($d->{detail} // '', qr/DELETE/, 'DELETE /schools/: detail names the method');
    ($res, $d) = call(PUT => '/accounts/me', body => {});
    my @allow = sort split /\s*,\s*/, $res->header('Allow') // '';
    ok t_cmp(status_code($res, $d) . ' ' . join(',', grep { $_ ne 'HEAD' } @allow),
             '405 method_not_allowed DELETE,GET,PATCH', 'PUT /accounts/me: 405 with Allow: GET, PATCH, DELETE');
}

# --- bodies that are not a JSON object ---------------------------------------------------

{
    my ($res, $d) = call(POST => '/accounts/login/', raw => '{"login_id": "x", ', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 parse_error', 'malformed JSON: 400 parse_error');
    ok t_cmp(keys_of($d), 'code,detail', 'malformed JSON: {"detail", "code"}');

    ($res, $d) = call(POST => '/accounts/login/', raw => '[{"login_id": "x"}]', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 invalid', 'a JSON array body: 400 invalid');
    ok t_cmp(keys_of($d->{errors}), 'non_field_errors', 'a JSON array body: errors.non_field_errors');
    ok t_cmp($d->{errors}{non_field_errors}[0] // '', 'Invalid data. Expected a dictionary, but got list.',
             "a JSON array body: DRF's message");

    ($res, $d) = call(POST => '/accounts/login/', raw => '"just a string"', type => 'application/json');
    ok t_cmp($res->code, 400, 'a JSON string body: 400');
    ($res, $d) = call(POST => '/accounts/login/', raw => '42', type => 'application/json');
    ok t_cmp($res->code, 400, 'a JSON number body: 400');
    ($res, $d) = call(POST => '/accounts/login/', raw => 'null', type => 'application/json');
    ok t_cmp($res->code, 400, 'a JSON null body: 400');
    ($res, $d) = call(POST => '/accounts/login/', raw => '{"login_id":"a"} {"x":1}', type => 'application/json');
    ok t_cmp($res->code, 400, 'two JSON values in one body: 400');

    ($res, $d) = call(POST => '/accounts/login/', raw => '{"login_id":"a","login_id":"b","password":"whatever 12"}',
                      type => 'application/json');
    ok t_cmp($res->code, 400, 'duplicate keys in a JSON object: 400');

    # a signup refused for its body creates nothing
    my $login = unique('dupkey');
    ($res, $d) = call(POST => '/accounts/signup/', type => 'application/json',
        raw => qq({"login_id":"$login","password":"correct horse 1","email":"$login\@example.com",)
             . qq("nickname":"$login","nickname":"${login}x","school_id":1,"admission_year":2022}));
    my ($lr) = call(POST => '/accounts/login/', body => { login_id => $login, password => 'correct horse 1' });
    ok t_cmp($res->code . ' ' . $lr->code, '400 401', 'signup with duplicate keys: 400 and no user created');
}

# --- content types -------------------------------------------------------------------------

{
    my ($res, $d) = call(POST => '/accounts/login/', raw => nobody(), type => 'text/plain');
    ok t_cmp(status_code($res, $d), '415 unsupported_media_type', 'text/plain with a JSON body: 415 unsupported_media_type');
    ($res, $d) = call(POST => '/accounts/login/', raw => nobody(), type => 'application/jsonx');
    ok t_cmp($res->code, 415, 'application/jsonx: 415');
    ($res, $d) = call(POST => '/accounts/login/', raw => nobody());
    ok t_cmp($res->code, 415, 'a JSON body without Content-Type: 415');
    ($res, $d) = call(POST => '/accounts/login/', raw => nobody(), type => 'application/json; charset=utf-8');
    ok t_cmp(status_code($res, $d), '401 authentication_failed', 'application/json; charset=utf-8 is accepted');
    ($res, $d) = call(POST => '/accounts/login/', raw => nobody(), type => 'Application/JSON');
    ok t_cmp($res->code, 401, 'the media type is case-insensitive');
}

# --- the size cap -----------------------------------------------------------------------------

{
    my $body = nobody();
    my $at_limit = $body . (' ' x ($MAX - length $body));
    my ($res, $d) = call(POST => '/accounts/login/', raw => $at_limit, type => 'application/json');
    ok t_cmp(status_code($res, $d), '401 authentication_failed', "a body of exactly $MAX bytes is read");

    ($res, $d) = call(POST => '/accounts/login/', raw => $at_limit . ' ', type => 'application/json');
    ok t_cmp(status_code($res, $d), '413 payload_too_large', 'a body one byte over the limit: 413 payload_too_large');

    my $big = '{"login_id":"' . ('a' x 70000) . '","password":"x"}';
    ($res, $d) = call(POST => '/accounts/signup/', raw => $big, type => 'application/json');
    ok t_cmp(status_code($res, $d), '413 payload_too_large', 'a 70 kB body: 413 payload_too_large');

    # chunked: no Content-Length to refuse early, the count must stop it
    my $hostport = Apache::TestRequest::hostport();
    my $chunk = 'a' x 8000;
    my $req = "POST /api/accounts/login/ HTTP/1.1\r\nHost: $hostport\r\nContent-Type: application/json\r\n"
            . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            . join('', map { sprintf("%x\r\n%s\r\n", length $chunk, $chunk) } 1 .. 10) . "0\r\n\r\n";
    my ($status, $h, $raw) = raw_http($req);
    push @statuses, "$status POST chunked";
    my $rd = eval { JSON::PP->new->utf8->decode($raw) };
    ok t_cmp("$status " . code_of($rd), '413 payload_too_large', 'an 80 kB chunked body: 413 payload_too_large');

    my $small = nobody();
    $req = "POST /api/accounts/login/ HTTP/1.1\r\nHost: $hostport\r\nContent-Type: application/json\r\n"
         . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
         . sprintf("%x\r\n%s\r\n", length $small, $small) . "0\r\n\r\n";
    ($status, $h, $raw) = raw_http($req);
    push @statuses, "$status POST chunked small";
    $rd = eval { JSON::PP->new->utf8->decode($raw) };
    ok t_cmp("$status " . code_of($rd), '401 authentication_failed', 'a small chunked JSON body is read');
}

# --- Accept-Language ----------------------------------------------------------------------------

{
    my ($en, $de) = call(GET => '/accounts/me/');
    my ($ko, $dk) = call(GET => '/accounts/me/', headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp($ko->code, 401, 'Accept-Language: ko does not change the status');
    ok t_cmp(code_of($dk), code_of($de), 'Accept-Language: ko keeps the same code');
    ok t_cmp($dk->{detail} // '', qr/\p{Hangul}/, 'Accept-Language: ko gives a Korean detail');
    ok t_cmp(($dk->{detail} // '') ne ($de->{detail} // '') ? 'differs' : 'same', 'differs',
             'Accept-Language: ko detail is not the English one');

    my ($mix, $dm) = call(GET => '/accounts/me/', headers => [ 'Accept-Language' => 'en-US,ko;q=0.5' ]);
    ok t_cmp($dm->{detail} // '', $de->{detail} // '-', 'Accept-Language: en-US,ko;q=0.5 gives English');
    ($mix, $dm) = call(GET => '/accounts/me/', headers => [ 'Accept-Language' => 'ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7' ]);
    ok t_cmp($dm->{detail} // '', qr/\p{Hangul}/, "Accept-Language: a Korean browser's header gives Korean");

    my ($n, $dn) = call(GET => '/no/such/thing/', headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp(status_code($n, $dn) . ' ' . (($dn->{detail} // '') =~ /\p{Hangul}/ ? 'ko' : 'en'),
             '404 not_found ko', 'Accept-Language: ko on a 404: Korean detail, same code');
    my ($f, $df) = call(POST => '/accounts/login/', body => {}, headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp(status_code($f, $df) . ' ' . (($df->{errors}{login_id}[0] // '') =~ /\p{Hangul}/ ? 'ko' : 'en'),
             '400 invalid ko', 'Accept-Language: ko translates field errors too');
    ok t_cmp(($en->header('Vary') // '') =~ /Accept-Language/i ? 'varies' : 'no Vary', 'varies',
             'answers carry Vary: Accept-Language');
}

# --- bad UTF-8, NUL ---------------------------------------------------------------------------------

{
    my ($res, $d) = call(POST => '/accounts/login/', type => 'application/json',
                         raw => qq({"login_id":"ab\xff\xfecd","password":"whatever 12"}));
    ok t_cmp($res->code, 400, 'invalid UTF-8 in a JSON string: 400');
    ($res, $d) = call(POST => '/accounts/login/', type => 'application/json',
                      raw => qq({"login_id":"ab\xc0\xafcd","password":"whatever 12"}));
    ok t_cmp($res->code, 400, 'an overlong UTF-8 encoding in a JSON string: 400');
    ($res, $d) = call(POST => '/accounts/login/', type => 'application/json',
                      raw => '{"login_id":"ab\ud800cd","password":"whatever 12"}');
    ok t_cmp($res->code, 400, 'a lone surrogate escape in a JSON string: 400');
    ($res, $d) = call(GET => "/schools/?name=%FF%FE");
    ok t_cmp($res->code, 400, 'invalid UTF-8 in a query parameter: 400');

    ($res, $d) = call(POST => '/accounts/login/', type => 'application/json',
                      raw => '{"login_id":"ab\u0000cd","password":"whatever 12"}');
    ok t_cmp(status_code($res, $d) . ' ' . keys_of($d->{errors}), '400 invalid login_id',
             'a NUL (\u0000) in a string field: 400 naming the field');
    my $login = unique('nul');
    ($res, $d) = call(POST => '/accounts/signup/', type => 'application/json',
        raw => qq({"login_id":"$login","password":"correct horse 1","email":"$login\@example.com",)
             . qq("nickname":"ni\\u0000ck","school_id":1,"admission_year":2022}));
    ok t_cmp(status_code($res, $d) . ' ' . keys_of($d->{errors}), '400 invalid nickname',
             'signup with a NUL in nickname: 400 naming nickname');
}

# --- Authorization header conventions -------------------------------------------------------

{
    my ($res, $d) = call(GET => '/accounts/me/', headers => [ Authorization => 'Bearer a b' ]);
    ok t_cmp(status_code($res, $d), '401 bad_authorization_header', 'Authorization with three parts: 401 bad_authorization_header');
    ($res, $d) = call(GET => '/accounts/me/', headers => [ Authorization => 'Basic dXNlcjpwYXNz' ]);
    ok t_cmp(status_code($res, $d), '401 not_authenticated', 'a scheme other than Bearer: anonymous (not_authenticated)');
    my $u = new_user();
    ($res, $d) = call(POST => '/accounts/login/', token => 'stale.garbage.token',
                      body => { login_id => $u->{login_id}, password => $u->{password} });
    ok t_cmp($res->code, 200, 'a public route ignores a bad Bearer token (login still works)');
}

# --- never a 5xx -------------------------------------------------------------------------------

ok t_cmp(join('; ', grep { /^5/ } @statuses), '', 'no request in this file answered 5xx');
