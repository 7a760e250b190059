# t/api/cookies.t: cookie mode (EverytimeTokenCookies On, vhost et_cookies):
# login and refresh set HttpOnly/Secure/SameSite cookies, the access cookie
# authenticates, a Bearer header wins over it, logout clears both; the main
# server (cookies off) ignores the cookies.
#
# CSRF (API.md, Authentication; Django's rule): cookie mode also sets a
# csrftoken cookie that scripts can read. A POST, PUT, PATCH or DELETE that
# a cookie authenticates (the access cookie, or the refresh cookie driving
# token_refresh) must repeat it in X-CSRFToken, or gets 403 and changes
# nothing; the Bearer header is exempt; GET needs nothing. Login rotates the
# token, refresh keeps it, logout clears it.
use strict;
use warnings FATAL => 'all';
use utf8;

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT new_post);
use ETest qw(outcome error_outcome server_url);
use HTTP::Date ();
use HTTP::Request ();
use JSON::PP ();
use LWP::UserAgent ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 88;

my $TNV = error_outcome('token_not_valid');
my $CSRF = '403 {"code":"permission_denied","detail":"CSRF Failed: CSRF token missing or incorrect."}';
my $F = JSON::PP::false;
my %v = (vhost => 'et_cookies');
# name => { value, attrs => { lower-case attribute => value or 1 } }
sub cookies_of {
    my ($res) = @_;
    my %c;
    for my $sc ($res->header('Set-Cookie')) {
        my ($nv, @attrs) = split /\s*;\s*/, $sc;
        my ($n, $val) = split /=/, $nv, 2;
        $c{$n} = { value => $val // '',
                   attrs => { map { my ($k, $x) = split /=/, $_, 2; (lc $k => $x // 1) } @attrs } };
    }
    return \%c;
}
sub flags {
    my ($c) = @_;
    return 'missing' unless $c;
    return join ' ', map { exists $c->{attrs}{$_} ? $_ : "no-$_" } qw(httponly secure samesite);
}
sub cleared {
    my ($c) = @_;
    return 'not set' unless $c;
    return "value '$c->{value}'" if length $c->{value};
    my $a = $c->{attrs};
    return 'cleared' if defined $a->{'max-age'} && $a->{'max-age'} =~ /^-?\d+$/ && $a->{'max-age'} <= 0;
    return 'cleared' if $a->{expires} && (HTTP::Date::str2time($a->{expires}) // time) < time;
    return 'empty value but no expiry in the past';
}
sub with_cookie {
    my ($method, $path, $cookie, %o) = @_;
    return api($method, $path, %o, headers => [Cookie => $cookie, @{ $o{headers} || [] }]);
}
# "csrftoken" as a script sees it: readable (no HttpOnly), Secure, SameSite, Path=/
sub csrf_flags {
    my ($c) = @_;
    return 'missing' unless $c;
    my $a = $c->{attrs};
    return join ' ', (exists $a->{httponly} ? 'httponly' : 'readable'),
        (exists $a->{secure} ? 'secure' : 'no-secure'),
        'samesite=' . ($a->{samesite} // 'none'), 'path=' . ($a->{path} // 'none');
}
sub well_formed {
    my ($c) = @_;
    return 'missing' unless $c;
    return $c->{value} =~ /^[A-Za-z0-9_-]{43}$/ ? 'well-formed' : "'$c->{value}'";
}

sub csrf_cookies {
    my ($res) = @_;
    return scalar grep { /^csrftoken=/ } $res->header('Set-Cookie');
}

# --- login, and reading with the cookie ------------------------------------------------

my $u = new_user();
my ($res, $d) = login($u->{login_id}, $u->{password}, %v);
ok t_cmp($res->code, 200, 'et_cookies: login 200');
my $c = cookies_of($res);
ok t_cmp($c->{access_token}{value} // '', $d->{token}{access}, 'login sets access_token to the access token');
ok t_cmp(flags($c->{access_token}), 'httponly secure samesite', 'access_token is HttpOnly, Secure, SameSite');
ok t_cmp($c->{refresh_token}{value} // '', $d->{token}{refresh}, 'login sets refresh_token to the refresh token');
ok t_cmp(flags($c->{refresh_token}), 'httponly secure samesite', 'refresh_token is HttpOnly, Secure, SameSite');
ok t_cmp(well_formed($c->{csrftoken}), 'well-formed', 'login sets csrftoken: 43 url-safe characters');
ok t_cmp(csrf_flags($c->{csrftoken}), 'readable secure samesite=Strict path=/',
         'csrftoken is readable by scripts (no HttpOnly), Secure, SameSite=Strict, Path=/');
ok t_cmp($c->{csrftoken}{attrs}{'max-age'} // 'none', $c->{refresh_token}{attrs}{'max-age'} // 'none',
         'csrftoken lives as long as the refresh token');

my $access = $d->{token}{access};
my $refresh = $d->{token}{refresh};
my $csrf = $c->{csrftoken}{value} // '';
($res, my $me) = with_cookie(GET => '/accounts/me/', "access_token=$access", %v);
ok t_cmp($res->code . ' ' . ($me->{id} // ''), "200 $u->{id}", 'GET /accounts/me/ with only the access cookie: 200');
ok t_cmp(well_formed(cookies_of($res)->{csrftoken}), 'well-formed',
         '... and a GET that brought no csrftoken cookie gets a fresh one');
($res) = with_cookie(GET => '/accounts/me/', "access_token=$access; csrftoken=$csrf", %v);
ok t_cmp($res->code . ' ' . csrf_cookies($res), '200 0', 'GET with both cookies: 200, no header needed, no new csrftoken');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$access", %v, token => 'garbage')), $TNV,
         'a valid access cookie with a garbage Bearer token: the header wins, 401 token_not_valid');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$access", %v,
                             headers => [Authorization => 'Bearer a b'])),
         error_outcome('bad_authorization_header'),
         'a valid access cookie with a malformed Bearer header: 401 bad_authorization_header');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', 'access_token=garbage', %v)), $TNV,
         'a garbage access cookie: 401 token_not_valid');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$refresh", %v)), $TNV,
         'a refresh token in the access cookie: 401 token_not_valid');

# --- token_refresh: the refresh cookie is a credential too ------------------------------

my $rjar = "refresh_token=$refresh; csrftoken=$csrf";
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', $rjar, %v)), $CSRF,
         'token_refresh with the refresh cookie and no X-CSRFToken: 403');
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', $rjar, %v, headers => ['X-CSRFToken' => 'A' x 43])),
         $CSRF, 'token_refresh with the refresh cookie and a wrong X-CSRFToken: 403');
($res, $d) = with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$refresh", %v,
                         headers => ['X-CSRFToken' => $csrf]);
ok t_cmp(outcome($res, $d), $CSRF, 'token_refresh with the header but no csrftoken cookie: 403');
ok t_cmp(well_formed(cookies_of($res)->{csrftoken}) . ' ' . csrf_cookies($res), 'well-formed 1',
         '... and that 403 sets a fresh csrftoken to retry with');

($res, my $rd) = with_cookie(POST => '/accounts/token_refresh/', $rjar, %v, headers => ['X-CSRFToken' => $csrf]);
ok t_cmp($res->code . ' ' . join(' ', sort keys %{ $rd // {} }), '200 access refresh',
         'token_refresh with the refresh cookie and its X-CSRFToken: 200 (the refusals spent nothing)');
my $rc = cookies_of($res);
ok t_cmp(($rc->{access_token}{value} // '') . ' ' . ($rc->{refresh_token}{value} // ''),
         ($rd->{access} // 'none') . ' ' . ($rd->{refresh} // 'none'),
         'token_refresh sets both cookies to the new tokens');
ok t_cmp(flags($rc->{access_token}) . ', ' . flags($rc->{refresh_token}),
         'httponly secure samesite, httponly secure samesite', 'the new cookies are HttpOnly, Secure, SameSite');
ok t_cmp(($rc->{csrftoken}{value} // 'not set') eq $csrf ? 'kept' : 'changed', 'kept',
         'token_refresh sets csrftoken again with the same value (a page that read it keeps working)');
ok t_cmp(csrf_flags($rc->{csrftoken}), 'readable secure samesite=Strict path=/', '... readable, Secure, SameSite, Path=/');
$access = $rd->{access};
$refresh = $rd->{refresh};
ok t_cmp((with_cookie(GET => '/accounts/me/', "access_token=$access", %v))[0]->code, 200,
         'the new access cookie works');

# a refresh token in the body is no cookie credential: no CSRF token needed
($res, $rd) = api(POST => '/accounts/token_refresh/', %v, body => { refresh => $refresh });
ok t_cmp($res->code, 200, 'token_refresh with the token in the body and no cookie: 200 without X-CSRFToken');
ok t_cmp(well_formed(cookies_of($res)->{csrftoken}), 'well-formed', '... and sets a csrftoken, since none was sent');
($access, $refresh, $csrf) = ($rd->{access}, $rd->{refresh}, cookies_of($res)->{csrftoken}{value});

# --- cookie-authenticated writes ----------------------------------------------------------

my $jar = "access_token=$access; refresh_token=$refresh; csrftoken=$csrf";
my $writer = new_user();
# "like_count scrap_count is_liked is_scrapped media" of a post as $u sees it
sub state_of {
    my ($id) = @_;
    my ($r, $p) = api(GET => "/posts/$id/", token => $access);
    return $r->code unless $r->code == 200;
    return join ' ', (map { ref $_ ? ($_ ? 'true' : 'false') : $_ } @$p{qw(like_count scrap_count is_liked is_scrapped)}),
        scalar @{ $p->{media} || [] };
}
sub as_cookie {
    my ($method, $path, $header, %o) = @_;
    return with_cookie($method, $path, $o{jar} // $jar, %v, %o,
                       headers => [defined $header ? ('X-CSRFToken' => $header) : (), @{ $o{headers} || [] }]);
}
my $png = "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        . "\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0DIDATx\x9Cc\xF8\x0F\x00\x00\x01\x01\x00"
        . "\x05\x18\xD8N\x00\x00\x00\x00IEND\xAEB`\x82";
my $form = "--csrfb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
         . "Content-Type: application/octet-stream\r\n\r\n$png\r\n--csrfb--\r\n";
my %multipart = (raw => $form, type => 'multipart/form-data; boundary=csrfb');

my $theirs = new_post($writer)->{id};
my $like = "/posts/$theirs/like/";
ok t_cmp(outcome(as_cookie(POST => $like, undef)), $CSRF, 'POST like by cookie without X-CSRFToken: 403');
ok t_cmp(outcome(as_cookie(POST => $like, 'A' x 43)), $CSRF, 'POST like by cookie with a wrong X-CSRFToken: 403');
ok t_cmp(outcome(as_cookie(POST => $like, substr($csrf, 0, 42))), $CSRF, '... with a prefix of the token: 403');
ok t_cmp(outcome(as_cookie(POST => $like, $csrf, jar => "access_token=$access")), $CSRF,
         '... with the header but no csrftoken cookie: 403');
ok t_cmp(outcome(as_cookie(POST => $like, 'abc', jar => "access_token=$access; csrftoken=abc")), $CSRF,
         '... with a csrftoken cookie not of our form, repeated in the header: 403');
ok t_cmp(state_of($theirs), '0 0 false false 0', 'the refused likes changed nothing');
($res, $d) = as_cookie(POST => $like, $csrf);
ok t_cmp(outcome($res, $d), '201 {"is_liked":true,"like_count":1}', 'POST like by cookie with the right X-CSRFToken: 201');
ok t_cmp(csrf_cookies($res), 0, '... and no new csrftoken');
($res, $d) = as_cookie(DELETE => $like, undef, headers => ['Accept-Language' => 'ko-KR,ko;q=0.9']);
ok t_cmp(join(' ', $res->code, $d->{code} // '', $d->{detail} // ''),
         '403 permission_denied CSRF 검증에 실패했습니다: CSRF 토큰이 없거나 올바르지 않습니다.',
         'DELETE like by cookie without X-CSRFToken, in Korean: 403 with the Korean detail');
ok t_cmp(state_of($theirs), '1 0 true false 0', 'the like is still there');

my $scrap = "/posts/$theirs/scrap/";
ok t_cmp(outcome(as_cookie(POST => $scrap, undef)), $CSRF, 'POST scrap by cookie without X-CSRFToken: 403');
ok t_cmp(state_of($theirs), '1 0 true false 0', 'nothing scrapped');
ok t_cmp((as_cookie(POST => $scrap, $csrf))[0]->code, 201, 'POST scrap by cookie with X-CSRFToken: 201');
ok t_cmp(state_of($theirs), '1 1 true true 0', 'scrapped');

my $mine = new_post($u)->{id};
ok t_cmp(outcome(as_cookie(DELETE => "/posts/$mine/", undef)), $CSRF, 'DELETE post by cookie without X-CSRFToken: 403');
ok t_cmp(state_of($mine), '0 0 false false 0', 'the post is still there');
ok t_cmp(outcome(as_cookie(PUT => "/posts/$mine/", undef, body => { board => 1, title => 'x', content => 'y',
                                                                   is_anonymous => $F, is_question => $F })),
         $CSRF, 'PUT post by cookie without X-CSRFToken: 403');

ok t_cmp(outcome(as_cookie(POST => "/posts/$mine/media/", undef, %multipart)), $CSRF,
         'multipart media upload by cookie without X-CSRFToken: 403');
ok t_cmp(outcome(as_cookie(POST => "/posts/$mine/media/", undef, raw => $png, type => 'image/png')), $CSRF,
         'raw media upload by cookie without X-CSRFToken: 403');
ok t_cmp(state_of($mine), '0 0 false false 0', 'no media stored');
($res, $d) = as_cookie(POST => "/posts/$mine/media/", $csrf, %multipart);
ok t_cmp($res->code . ' ' . ($d->{content_type} // ''), '201 image/png', 'multipart media upload with X-CSRFToken: 201');
ok t_cmp(state_of($mine), '0 0 false false 1', 'one media stored');

ok t_cmp((as_cookie(DELETE => "/posts/$mine/", $csrf))[0]->code, 204, 'DELETE post by cookie with X-CSRFToken: 204');
ok t_cmp(state_of($mine), 404, 'the post is gone');

my $nick = unique('csrf');
ok t_cmp(outcome(as_cookie(PATCH => '/accounts/me/', undef, body => { nickname => $nick })), $CSRF,
         'PATCH /accounts/me/ by cookie without X-CSRFToken: 403');
($res, $me) = api(GET => '/accounts/me/', token => $access);
ok t_cmp($me->{nickname} // '', $u->{user}{nickname}, 'the nickname is unchanged');
($res, $me) = as_cookie(PATCH => '/accounts/me/', $csrf, body => { nickname => $nick });
ok t_cmp($res->code . ' ' . ($me->{nickname} // ''), "200 $nick", 'PATCH /accounts/me/ by cookie with X-CSRFToken: 200');

# public routes: a cookie that authenticates is checked there too (Django's SessionAuthentication)
my %creds = (body => { login_id => $u->{login_id}, password => $u->{password} });
ok t_cmp(outcome(as_cookie(POST => '/accounts/login/', undef, %creds)), $CSRF,
         'POST login with a valid access cookie and no X-CSRFToken: 403');
ok t_cmp(outcome(as_cookie(POST => '/accounts/token_verify/', undef, body => { token => $access })), $CSRF,
         'POST token_verify with a valid access cookie and no X-CSRFToken: 403');
($res) = as_cookie(POST => '/accounts/login/', undef, %creds, jar => "access_token=garbage; csrftoken=$csrf");
ok t_cmp($res->code, 200, 'POST login with a garbage access cookie: 200 (the cookie authenticates nobody)');
($res) = as_cookie(POST => '/accounts/login/', $csrf, %creds);
ok t_cmp($res->code, 200, 'POST login with a valid access cookie and X-CSRFToken: 200');
my $rotated = cookies_of($res)->{csrftoken};
ok t_cmp(well_formed($rotated) . ' ' . (($rotated->{value} // '') eq $csrf ? 'same' : 'rotated'), 'well-formed rotated',
         'login rotates csrftoken even when the old one was sent');

# the Bearer header is exempt, even with the cookies sent along
my $bearer = "/posts/$theirs/like/";
($res) = as_cookie(DELETE => $bearer, undef, token => $access);
ok t_cmp($res->code, 204, 'DELETE like with Bearer and cookies, no X-CSRFToken: 204');
($res, $d) = as_cookie(POST => $bearer, undef, token => $access);
ok t_cmp($res->code, 201, 'POST like with Bearer and cookies, no X-CSRFToken: 201');
ok t_cmp((as_cookie(DELETE => $scrap, undef, token => $access))[0]->code, 204, 'DELETE scrap with Bearer: 204');
my $mine2 = new_post($u)->{id};
($res, $d) = as_cookie(POST => "/posts/$mine2/media/", undef, %multipart, token => $access);
ok t_cmp($res->code, 201, 'multipart media upload with Bearer and cookies, no X-CSRFToken: 201');
ok t_cmp((as_cookie(PATCH => '/accounts/me/', undef, token => $access, body => { nickname => unique('b') }))[0]->code,
         200, 'PATCH /accounts/me/ with Bearer, no X-CSRFToken: 200');
ok t_cmp((as_cookie(DELETE => "/posts/$mine2/", undef, token => $access))[0]->code, 204,
         'DELETE post with Bearer and cookies, no X-CSRFToken: 204');
ok t_cmp(outcome(as_cookie(POST => "/posts/$theirs/scrap/", undef, token => 'garbage')), $TNV,
         'a garbage Bearer header with valid cookies: 401, the cookie does not stand in');

# AuthType Bearer locations: the same rule
sub protected {
    my ($method, $cookie, $header) = @_;
    my $req = HTTP::Request->new($method => server_url('/protected/index.html', 'et_cookies'));
    $req->header(Cookie => $cookie);
    $req->header('X-CSRFToken' => $header) if defined $header;
    $req->header('Content-Length' => 0);
    return LWP::UserAgent->new(keep_alive => 0, timeout => 30)->request($req)->code;
}
ok t_cmp(protected(GET => "access_token=$access"), 200, 'GET /protected/ with the access cookie: 200');
ok t_cmp(protected(POST => "access_token=$access; csrftoken=$csrf"), 403,
         'POST /protected/ with the access cookie and no X-CSRFToken: 403');
ok t_cmp(protected(POST => "access_token=$access; csrftoken=$csrf", $csrf), 200,
         'POST /protected/ with X-CSRFToken: authenticated, the file is served (200)');

# social login sets the cookies as login does, csrftoken rotated
{
    my $kakao = sprintf('%d%05d%03d', 8, $$ % 100000, time % 1000);
    ($res, $d) = with_cookie(POST => '/accounts/kakao/', "csrftoken=$csrf", %v,
                             headers => [Authorization => "Bearer ok.$kakao"]);
    my $k = cookies_of($res);
    ok t_cmp(join(' ', $res->code, ($k->{access_token}{value} // '') eq ($d->{access_token} // 'none') ? 'access' : 'no-access',
                  well_formed($k->{csrftoken}), ($k->{csrftoken}{value} // '') eq $csrf ? 'same' : 'rotated'),
             '200 access well-formed rotated', 'Kakao login in cookie mode: the token cookies and a new csrftoken');
}

# --- logout and logout_all clear csrftoken -----------------------------------------------------

ok t_cmp(outcome(as_cookie(POST => '/accounts/logout/', undef)), $CSRF, 'logout by cookie without X-CSRFToken: 403');
ok t_cmp((with_cookie(GET => '/accounts/me/', "access_token=$access", %v))[0]->code, 200,
         '... the session still works');
($res) = as_cookie(POST => '/accounts/logout/', $csrf);
ok t_cmp($res->code, 204, 'logout with the cookies and X-CSRFToken: 204');
my $lc = cookies_of($res);
ok t_cmp(cleared($lc->{access_token}), 'cleared', 'logout clears access_token (empty, expired)');
ok t_cmp(cleared($lc->{refresh_token}), 'cleared', 'logout clears refresh_token (empty, expired)');
ok t_cmp(cleared($lc->{csrftoken}), 'cleared', 'logout clears csrftoken (empty, expired)');
ok t_cmp(csrf_flags($lc->{csrftoken}), 'readable secure samesite=Strict path=/', '... with the attributes it was set with');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$access", %v)), $TNV,
         'after logout the old access cookie: 401 token_not_valid');
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$refresh; csrftoken=$csrf", %v,
                             headers => ['X-CSRFToken' => $csrf])),
         error_outcome('token_invalid'), 'after logout the old refresh cookie is refused');
ok t_cmp(outcome(as_cookie(POST => $like, undef)), $TNV,
         'after logout a write with the old access cookie: 401, not 403 (the cookie authenticates nobody)');

($res, $d) = login($u->{login_id}, $u->{password}, %v);
$c = cookies_of($res);
$jar = "access_token=$c->{access_token}{value}; csrftoken=$c->{csrftoken}{value}";
ok t_cmp(outcome(as_cookie(POST => '/accounts/logout_all/', undef)), $CSRF, 'logout_all by cookie without X-CSRFToken: 403');
ok t_cmp((with_cookie(GET => '/accounts/me/', $jar, %v))[0]->code, 200, '... the session still works');
($res) = as_cookie(POST => '/accounts/logout_all/', $c->{csrftoken}{value});
ok t_cmp($res->code . ' ' . cleared(cookies_of($res)->{csrftoken}), '204 cleared',
         'logout_all with X-CSRFToken: 204, csrftoken cleared');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', $jar, %v)), $TNV, '... and the session is over');

# --- the main server has cookie mode off ------------------------------------------------------

($res, $d) = login($u->{login_id}, $u->{password});
ok t_cmp(scalar(() = $res->header('Set-Cookie')), 0, 'main server: login sets no cookie');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$d->{token}{access}")),
         error_outcome('not_authenticated'), 'main server: an access cookie alone is ignored (401 not_authenticated)');
ok t_cmp(outcome(with_cookie(POST => "/posts/$theirs/scrap/", "access_token=$d->{token}{access}; csrftoken=$csrf",
                             headers => ['X-CSRFToken' => $csrf])),
         error_outcome('not_authenticated'), 'main server: cookies and X-CSRFToken do not authenticate a write (401)');
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$d->{token}{refresh}")),
         '400 {"code":"invalid","detail":"Invalid input.","errors":{"refresh":["This field is required."]}}',
         'main server: token_refresh ignores a refresh cookie (400, refresh required)');
