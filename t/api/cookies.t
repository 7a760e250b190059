# t/api/cookies.t: cookie mode (EverytimeTokenCookies On, vhost et_cookies):
# login and refresh set HttpOnly/Secure/SameSite cookies, the access cookie
# authenticates, a Bearer header wins over it, logout clears both; the main
# server (cookies off) ignores the cookies.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(outcome error_outcome);
use HTTP::Date ();

plan tests => 22;

my $TNV = error_outcome('token_not_valid');
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

my $u = new_user();
my ($res, $d) = login($u->{login_id}, $u->{password}, %v);
ok t_cmp($res->code, 200, 'et_cookies: login 200');
my $c = cookies_of($res);
ok t_cmp($c->{access_token}{value} // '', $d->{token}{access}, 'login sets access_token to the access token');
ok t_cmp(flags($c->{access_token}), 'httponly secure samesite', 'access_token is HttpOnly, Secure, SameSite');
ok t_cmp($c->{refresh_token}{value} // '', $d->{token}{refresh}, 'login sets refresh_token to the refresh token');
ok t_cmp(flags($c->{refresh_token}), 'httponly secure samesite', 'refresh_token is HttpOnly, Secure, SameSite');

my $access = $d->{token}{access};
my $refresh = $d->{token}{refresh};
($res, my $me) = with_cookie(GET => '/accounts/me/', "access_token=$access", %v);
ok t_cmp($res->code . ' ' . ($me->{id} // ''), "200 $u->{id}", 'GET /accounts/me/ with only the access cookie: 200');
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

($res, my $rd) = with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$refresh", %v);
ok t_cmp($res->code . ' ' . join(' ', sort keys %{ $rd // {} }), '200 access refresh',
         'token_refresh with the refresh cookie and no body: 200');
my $rc = cookies_of($res);
ok t_cmp(($rc->{access_token}{value} // '') . ' ' . ($rc->{refresh_token}{value} // ''),
         ($rd->{access} // 'none') . ' ' . ($rd->{refresh} // 'none'),
         'token_refresh sets both cookies to the new tokens');
ok t_cmp(flags($rc->{access_token}) . ', ' . flags($rc->{refresh_token}),
         'httponly secure samesite, httponly secure samesite', 'the new cookies are HttpOnly, Secure, SameSite');
$access = $rd->{access};
$refresh = $rd->{refresh};
ok t_cmp((with_cookie(GET => '/accounts/me/', "access_token=$access", %v))[0]->code, 200,
         'the new access cookie works');

($res) = with_cookie(POST => '/accounts/logout/', "access_token=$access; refresh_token=$refresh", %v);
ok t_cmp($res->code, 204, 'logout with the cookies: 204');
my $lc = cookies_of($res);
ok t_cmp(cleared($lc->{access_token}), 'cleared', 'logout clears access_token (empty, expired)');
ok t_cmp(cleared($lc->{refresh_token}), 'cleared', 'logout clears refresh_token (empty, expired)');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$access", %v)), $TNV,
         'after logout the old access cookie: 401 token_not_valid');
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$refresh", %v)),
         error_outcome('token_invalid'), 'after logout the old refresh cookie is refused');

# the main server has cookie mode off
($res, $d) = login($u->{login_id}, $u->{password});
ok t_cmp(scalar(() = $res->header('Set-Cookie')), 0, 'main server: login sets no cookie');
ok t_cmp(outcome(with_cookie(GET => '/accounts/me/', "access_token=$d->{token}{access}")),
         error_outcome('not_authenticated'), 'main server: an access cookie alone is ignored (401 not_authenticated)');
ok t_cmp(outcome(with_cookie(POST => '/accounts/token_refresh/', "refresh_token=$d->{token}{refresh}")),
         '400 {"code":"invalid","detail":"Invalid input.","errors":{"refresh":["This field is required."]}}',
         'main server: token_refresh ignores a refresh cookie (400, refresh required)');
