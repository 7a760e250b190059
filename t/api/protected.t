# t/api/protected.t: the module's tokens guard content it does not serve:
# <Location /protected> with "AuthType Bearer" and "Require valid-user"
# serves a static file only to a live access token.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(server_url jwt_decode);
use LWP::UserAgent ();
use HTTP::Request ();

plan tests => 14;

sub get_protected {
    my ($auth, $path) = @_;
    my $req = HTTP::Request->new(GET => server_url($path // '/protected/'));
    $req->header(Authorization => $auth) if defined $auth;
    return LWP::UserAgent->new(keep_alive => 0, timeout => 30)->request($req);
}
sub status_www {
    my ($res) = @_;
    return $res->code . ' ' . ($res->header('WWW-Authenticate') // 'no WWW-Authenticate');
}

my $u = new_user();
my ($res, $d) = login($u->{login_id}, $u->{password});
my $access = $d->{token}{access};
my $refresh = $d->{token}{refresh};

$res = get_protected(undef);
ok t_cmp(status_www($res), qr/^401 Bearer\b/, 'GET /protected/ without a token: 401 with WWW-Authenticate: Bearer');
ok t_cmp($res->content =~ /protected by an Everytime token/ ? 'leaked' : 'not leaked', 'not leaked',
         'the 401 does not carry the file');
ok t_cmp(status_www(get_protected('Bearer garbage')), qr/^401 Bearer\b/, 'a garbage token: 401');
ok t_cmp(get_protected('Bearer a b')->code, 401, 'a malformed Bearer header: 401');
ok t_cmp(get_protected("Bearer $refresh")->code, 401, 'a refresh token: 401');
ok t_cmp(get_protected("Basic dXNlcjpwYXNz")->code, 401, 'Basic credentials: 401');
{
    my (undef, $c) = jwt_decode($access);
    my $expired = jwt_encode({ alg => 'HS256', typ => 'JWT' },
                             { %$c, jti => unique('jti'), iat => time - 600, exp => time - 300 });
    ok t_cmp(get_protected("Bearer $expired")->code, 401, 'an expired token: 401');
    my $none = jwt_encode({ alg => 'none', typ => 'JWT' }, { %$c, jti => unique('jti') }, signature => '');
    ok t_cmp(get_protected("Bearer $none")->code, 401, 'an alg none token: 401');
}

$res = get_protected("Bearer $access");
ok t_cmp($res->code, 200, 'a valid access token: 200');
ok t_cmp($res->content, qr/protected by an Everytime token/, 'with the file content');
$res = get_protected("Bearer $access", '/protected/index.html');
ok t_cmp($res->code . ' ' . ($res->content =~ /protected by an Everytime token/ ? 'file' : 'no file'),
         '200 file', 'GET /protected/index.html with the token: 200, the file');

($res) = api(POST => '/accounts/logout/', token => $access);
ok t_cmp($res->code, 204, 'logout: 204');
ok t_cmp(status_www(get_protected("Bearer $access")), qr/^401 Bearer\b/,
         'after logout the same token: 401');
ok t_cmp(get_protected("Bearer $access", '/protected/index.html')->code, 401,
         'after logout /protected/index.html: 401');
