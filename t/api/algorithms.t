# t/api/algorithms.t: the RS256 and ES256 virtual hosts issue tokens of their
# algorithm, accept them and refresh them, and refuse tokens signed with any
# other key or algorithm; their tokens mean nothing to the HS256 main server.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(jwt_decode jwt_sign_pem openssl_genkey outcome error_outcome);
use File::Temp ();

plan tests => 26;

my $TNV = error_outcome('token_not_valid');

sub me { my ($token, %o) = @_; return outcome(api(GET => '/accounts/me/', token => $token, %o)) }
sub status_of { return $_[0] =~ /^(\d+)/ ? $1 : 0 }
sub alg_typ { my ($h) = jwt_decode($_[0]); return join ' ', map { $_ // 'none' } @{ $h // {} }{qw(alg typ)} }
sub slurp { open my $fh, '<', $_[0] or die "$_[0]: $!"; local $/; my $s = <$fh>; return $s }

my $tmp = File::Temp->newdir;
my %other_key = (RS256 => openssl_genkey('RSA', "$tmp"), ES256 => openssl_genkey('EC', "$tmp"));
my $main = new_user();

my %tokens;
for my $case (['et_rs256', 'RS256', 'rs256'], ['et_es256', 'ES256', 'es256']) {
    my ($vhost, $alg, $stem) = @$case;
    my %v = (vhost => $vhost);
    my $u = new_user(%v);
    $tokens{$alg} = $u->{access};
    ok t_cmp(alg_typ($u->{access}) . ', ' . alg_typ($u->{refresh}), "$alg JWT, $alg JWT",
             "$vhost: signup issues access and refresh tokens with header alg $alg, typ JWT");
    my ($res, $d) = api(GET => '/accounts/me/', token => $u->{access}, %v);
    ok t_cmp($res->code . ' ' . ($d->{id} // ''), "200 $u->{id}", "$vhost: /accounts/me/ with it: 200, the user");

    my ($lres, $ld) = login($u->{login_id}, $u->{password}, %v);
    ok t_cmp($lres->code . ' ' . alg_typ($ld->{token}{access} // ''), "200 $alg JWT",
             "$vhost: login issues $alg tokens");
    ok t_cmp(status_of(me($ld->{token}{access}, %v)), 200, "$vhost: the login's access token works");

    my ($rres, $rd) = api(POST => '/accounts/token_refresh/', body => { refresh => $ld->{token}{refresh} }, %v);
    ok t_cmp($rres->code . ' ' . alg_typ($rd->{access} // '') . ', ' . alg_typ($rd->{refresh} // ''),
             "200 $alg JWT, $alg JWT", "$vhost: token_refresh answers 200 with $alg tokens");
    ok t_cmp(status_of(me($rd->{access} // '', %v)), 200, "$vhost: the refreshed access token works");

    my ($h, $claims) = jwt_decode($u->{access});
    my %c = (%$claims, jti => unique('jti'));
    ok t_cmp(status_of(me(jwt_sign_pem({ alg => $alg, typ => 'JWT' }, \%c, keyfile("${stem}_private.pem")), %v)),
             200, "$vhost: a copy of its claims signed here by openssl with the vhost's key works");
    $c{jti} = unique('jti');
    ok t_cmp(me(jwt_sign_pem({ alg => $alg, typ => 'JWT' }, \%c, $other_key{$alg}), %v), $TNV,
             "$vhost: the same claims signed with another $alg private key: 401");
    $c{jti} = unique('jti');
    ok t_cmp(me(jwt_encode({ alg => 'HS256', typ => 'JWT' }, \%c, key => slurp(keyfile("${stem}_public.pem"))), %v),
             $TNV, "$vhost: an HS256 token using the vhost's public key PEM as HMAC secret: 401");
    ok t_cmp(me($u->{access}), $TNV, "the main HS256 server refuses the $vhost token");
    ok t_cmp(me($main->{access}, %v), $TNV, "$vhost refuses a main-server HS256 token");
}
{
    my (undef, $c) = jwt_decode($tokens{ES256});
    $c->{jti} = unique('jti');
    ok t_cmp(me(jwt_sign_pem({ alg => 'ES256', typ => 'JWT' }, $c, keyfile('es256_private.pem'), der => 1),
                vhost => 'et_es256'), $TNV,
             'et_es256: an ES256 signature in DER form instead of r||s: 401');
}
ok t_cmp(me($tokens{RS256}, vhost => 'et_es256'), $TNV, 'et_es256 refuses an RS256 token of et_rs256');
ok t_cmp(me($tokens{ES256}, vhost => 'et_rs256'), $TNV, 'et_rs256 refuses an ES256 token of et_es256');
{
    my (undef, $c) = jwt_decode($tokens{RS256});
    $c->{jti} = unique('jti');
    my $t = jwt_sign_pem({ alg => 'RS256', typ => 'JWT' }, $c, keyfile('rs256_private.pem'));
    $t =~ s/\.[^.]*\z/'.' . ('A' x 342)/e;
    ok t_cmp(me($t, vhost => 'et_rs256'), $TNV,
             'et_rs256: a signature of the right length but all zero bytes: 401');
}
