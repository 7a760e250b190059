# t/api/token_security.t: every way of presenting a bad access token answers
# 401 with simplejwt's body (never 200, never 500); GET /accounts/me/ is the
# probe. Each forged token is built from a real token's claims, and a
# re-signed copy of those claims is shown to work first, so that each 401
# below is caused by the one thing the case changes.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;
use ETest qw(jwt_decode jwt_sign_pem b64url_decode outcome error_outcome);
use Digest::SHA qw(hmac_sha256);

plan tests => 72;

my $TNV = error_outcome('token_not_valid');
my $NOT_AUTH = error_outcome('not_authenticated');
my $BAD_HEADER = error_outcome('bad_authorization_header');

sub me { my ($token, %o) = @_; return outcome(api(GET => '/accounts/me/', token => $token, %o)) }
sub me_headers {
    my (@h) = @_;
    return outcome(api(GET => '/accounts/me/', headers => \@h));
}
sub status_of { return $_[0] =~ /^(\d+)/ ? $1 : 0 }

my $u = new_user();
my ($hdr, $claims) = jwt_decode($u->{access});
my %H = (alg => 'HS256', typ => 'JWT');
my $now = time;

# the claims of a real access token, with a new jti and the changes given
sub claims {
    my (%change) = @_;
    my %c = (%$claims, jti => unique('jti'), %change);
    delete @c{ grep { !defined $change{$_} && exists $change{$_} } keys %change };
    return \%c;
}

# --- the baseline ----------------------------------------------------------
ok t_cmp(status_of(me($u->{access})), 200, 'the access token from signup works');
ok t_cmp(status_of(me(jwt_encode(\%H, claims()))), 200,
         'a copy of its claims signed here with the HS256 secret works (the forgeries below are fair)');

# --- alg none in any spelling ----------------------------------------------
for my $alg (qw(none None NONE nOnE)) {
    my $unsigned = jwt_encode({ alg => $alg, typ => 'JWT' }, claims(), signature => '');
    ok t_cmp(me($unsigned), $TNV, "alg \"$alg\" with an empty signature: 401 token_not_valid");
    my $signed = jwt_encode({ alg => $alg, typ => 'JWT' }, claims());
    ok t_cmp(me($signed), $TNV, "alg \"$alg\" with an HMAC signature: 401 token_not_valid");
}

ok t_cmp(me(jwt_encode({ typ => 'JWT' }, claims())), $TNV,
         'a header without alg: 401 token_not_valid');
ok t_cmp(me(jwt_encode('{"alg":"HS256","alg":"none","typ":"JWT"}', claims())), $TNV,
         'a header naming alg twice: 401 token_not_valid');
ok t_cmp(me(jwt_encode({ alg => 'HS256', typ => 'JWS' }, claims())), $TNV,
         'typ other than JWT: 401 token_not_valid');
ok t_cmp(me(jwt_encode({ alg => 'HS256', typ => 'JWT', crit => ['exp'] }, claims())), $TNV,
         'a crit header: 401 token_not_valid');

# --- algorithm confusion -----------------------------------------------------
{
    my $r = new_user(vhost => 'et_rs256');
    my (undef, $rc) = jwt_decode($r->{access});
    my %rclaims = (%$rc, jti => unique('jti'));
    ok t_cmp(me($r->{access}, vhost => 'et_rs256'), qr/^200 /,
             'et_rs256: its own RS256 access token works');
    open my $fh, '<', keyfile('rs256_public.pem') or die "rs256_public.pem: $!";
    my $pem = do { local $/; <$fh> };
    close $fh;
    (my $pem_trimmed = $pem) =~ s/[\r\n]+\z//;
    ok t_cmp(me(jwt_encode(\%H, \%rclaims, key => $pem), vhost => 'et_rs256'), $TNV,
             'et_rs256: HS256 token with the RS256 public key file as HMAC secret: 401');
    ok t_cmp(me(jwt_encode(\%H, { %rclaims, jti => unique('jti') }, key => $pem_trimmed),
                vhost => 'et_rs256'), $TNV,
             'et_rs256: HS256 token with the public key PEM (no trailing newline) as HMAC secret: 401');
}
ok t_cmp(me(jwt_sign_pem({ alg => 'RS256', typ => 'JWT' }, claims(), keyfile('rs256_private.pem'))),
         $TNV, 'an RS256 token (right claims) sent to the HS256 main server: 401');

# --- signatures ----------------------------------------------------------------
{
    my $good = jwt_encode(\%H, claims());
    my ($input, $sig) = $good =~ /^(.*)\.([^.]*)$/;
    my $raw = b64url_decode($sig);
    substr($raw, 7, 1) = chr(ord(substr($raw, 7, 1)) ^ 0x10);
    ok t_cmp(me("$input." . b64url($raw)), $TNV, 'one flipped bit in the signature: 401');
    ok t_cmp(me("$input." . substr($sig, 0, 22)), $TNV, 'a truncated signature: 401');
    ok t_cmp(me("$input." . substr($sig, 0, -1)), $TNV,
             'a signature one character short: 401');
    ok t_cmp(me("$input."), $TNV, 'an empty signature: 401');
    ok t_cmp(me("$input.${sig}AAAA"), $TNV, 'a signature with bytes appended: 401');
}

# --- claims --------------------------------------------------------------------
ok t_cmp(me(jwt_encode(\%H, claims(exp => undef))), $TNV, 'no exp: 401');
ok t_cmp(me(jwt_encode(\%H, claims(exp => $now - 30, iat => $now - 330))), $TNV,
         'exp in the past: 401');
ok t_cmp(me(jwt_encode(\%H, claims(exp => "" . ($now + 300)))), $TNV, 'exp as a string: 401');
ok t_cmp(me(jwt_encode(\%H, claims(exp => $now + 300.5))), $TNV, 'exp as a float: 401');
ok t_cmp(me(jwt_encode(\%H, claims(nbf => $now + 3600))), $TNV, 'nbf in the future: 401');
ok t_cmp(status_of(me(jwt_encode(\%H, claims(nbf => $now - 60)))), 200,
         'nbf in the past is accepted');
ok t_cmp(me(jwt_encode(\%H, claims(iat => undef))), $TNV, 'no iat: 401');
ok t_cmp(me(jwt_encode(\%H, claims(jti => undef))), $TNV, 'no jti: 401');
ok t_cmp(me(jwt_encode(\%H, claims(token_type => undef))), $TNV, 'no token_type: 401');
ok t_cmp(me(jwt_encode(\%H, claims(token_type => 'sign'))), $TNV, 'token_type sign: 401');
ok t_cmp(me(jwt_encode(\%H, claims(user_id => 'admin'))), $TNV,
         'a well-signed token whose user_id is not a uuid: 401');
ok t_cmp(me(jwt_encode(\%H, claims(sid => '7d3c5a1e-0b4f-4c2a-9e61-3f5d2b8a9c10'))), $TNV,
         'a well-signed token with a made-up sid (no such family): 401');
{
    my $other = new_user();
    my (undef, $oc) = jwt_decode($other->{access});
    ok t_cmp(me(jwt_encode(\%H, claims(sid => $oc->{sid}))), $TNV,
             "a well-signed token pairing this user with another user's sid: 401");
}

# --- the revocation cache answers for a family and its user together ----------
# A well-signed token carrying A's live sid and B's user_id must be refused
# whether or not the cache already holds A's family as live.
{
    my $a = new_user();
    my $b = new_user();
    my (undef, $ac) = jwt_decode($a->{access});
    my $as_b = sub { jwt_encode(\%H, { %$ac, jti => unique('jti'), user_id => $b->{id}, @_ }) };
    ok t_cmp(me($as_b->()), $TNV, "cold cache: A's live sid with B's user_id: 401");
    ok t_cmp(status_of(me($a->{access})), 200, "A's own token works (A's family is now cached as live)");
    my @warm = map { me($as_b->()) } 1 .. 5;
    ok t_cmp(scalar(grep { $_ eq $TNV } @warm), 5,
             "warm cache: A's live sid with B's user_id, 5 times: each 401 token_not_valid");
    ok t_cmp(outcome(api(POST => '/accounts/token_verify/', body => { token => $as_b->() })),
             error_outcome('token_invalid'), "warm cache: token_verify refuses the same forgery");
    ok t_cmp(outcome(api(POST => '/accounts/token_refresh/',
                         body => { refresh => $as_b->(token_type => 'refresh') })),
             error_outcome('token_invalid'), "a refresh token with A's sid and B's user_id: 401");
    ok t_cmp(status_of(me($a->{access})), 200,
             "... which revoked nothing of A's: A's access token still works");
    my ($res) = api(POST => '/accounts/token_refresh/', body => { refresh => $a->{refresh} });
    ok t_cmp($res->code, 200, "... and A's refresh token still refreshes");
}

# --- iss / aud on et_claims --------------------------------------------------
{
    my $c = new_user(vhost => 'et_claims');
    my (undef, $cc) = jwt_decode($c->{access});
    my $cl = sub { my %c = (%$cc, jti => unique('jti'), @_); delete @c{ grep { !defined $c{$_} } keys %c }; \%c };
    my %v = (vhost => 'et_claims');
    ok t_cmp(($cc->{iss} // "no iss") . " " . ($cc->{aud} // "no aud"), 'https://issuer.test everytime-app',
             'et_claims issues tokens with its iss and aud');
    ok t_cmp(status_of(me(jwt_encode(\%H, $cl->()), %v)), 200,
             'et_claims: a re-signed copy of its claims works');
    ok t_cmp(me(jwt_encode(\%H, $cl->(iss => 'https://evil.test')), %v), $TNV,
             'et_claims: wrong iss: 401');
    ok t_cmp(me(jwt_encode(\%H, $cl->(iss => undef)), %v), $TNV, 'et_claims: no iss: 401');
    ok t_cmp(me(jwt_encode(\%H, $cl->(aud => 'other-app')), %v), $TNV,
             'et_claims: wrong aud: 401');
    ok t_cmp(me(jwt_encode(\%H, $cl->(aud => undef)), %v), $TNV, 'et_claims: no aud: 401');
    ok t_cmp(status_of(me(jwt_encode(\%H, $cl->(aud => ['other-app', 'everytime-app'])), %v)),
             200, 'et_claims: aud as an array holding everytime-app is accepted');
    ok t_cmp(me(jwt_encode(\%H, $cl->(aud => ['other-app'])), %v), $TNV,
             'et_claims: aud as an array without everytime-app: 401');
    ok t_cmp(me($u->{access}, %v), $TNV,
             'et_claims: a main-server token (no iss, no aud) is refused');
}

# --- token types ---------------------------------------------------------------
ok t_cmp(me($u->{refresh}), $TNV, 'a refresh token used as an access token: 401');
ok t_cmp(outcome(api(POST => '/accounts/token_refresh/', body => { refresh => $u->{access} })),
         error_outcome('token_invalid'),
         'an access token sent to token_refresh: 401 with the short token_not_valid body');

# --- shapes ------------------------------------------------------------------------
{
    my $good = jwt_encode(\%H, claims());
    my ($h, $p, $s) = split /\./, $good;
    ok t_cmp(me($h . $p . $s), $TNV, 'a token with no dots: 401');
    ok t_cmp(me("$h.$p$s"), $TNV, 'a token with one dot: 401');
    ok t_cmp(me("$h.$p.$s.$s.x"), $TNV, 'a token with four dots: 401');
    ok t_cmp(me("$h.$p.$s."), $TNV, 'a token with a trailing dot: 401');
    my $bad = sub { my ($t) = @_; substr($t, 5, 1) = '*'; $t };
    ok t_cmp(me($bad->($h) . ".$p.$s"), $TNV, 'an invalid base64url character in the header: 401');
    ok t_cmp(me("$h." . $bad->($p) . ".$s"), $TNV,
             'an invalid base64url character in the payload: 401');
    ok t_cmp(me("$h.$p." . $bad->($s)), $TNV,
             'an invalid base64url character in the signature: 401');
    ok t_cmp(me("$h.$p.$s="), $TNV, 'base64 padding on the signature: 401');
    # 8000 characters: as large as fits under httpd's 8190-byte header line
    my $base = length jwt_encode(\%H, claims(pad => ''));
    my $big = jwt_encode(\%H, claims(pad => 'x' x int((8000 - $base) * 3 / 4)));
    ok t_cmp(length($big) > 7900 && length($big) < 8100 ? me($big) : "length " . length($big),
             $TNV, 'an 8 KB well-signed token: 401');
}

# --- the Authorization header ----------------------------------------------------
ok t_cmp(me_headers(Authorization => "Bearer $u->{access}", Authorization => "Bearer $u->{access}"),
         $BAD_HEADER, 'two Authorization headers (merged into one value): 401 bad_authorization_header');
ok t_cmp(me_headers(Authorization => "bearer $u->{access}"), $NOT_AUTH,
         'lowercase "bearer" is another scheme, ignored: 401 not_authenticated');
ok t_cmp(me_headers(Authorization => 'Bearer a b'), $BAD_HEADER,
         '"Bearer a b": 401 bad_authorization_header');
ok t_cmp(me_headers(Authorization => 'Bearer'), $BAD_HEADER,
         '"Bearer" alone: 401 bad_authorization_header');
ok t_cmp(me_headers(Authorization => "Basic dXNlcjpwYXNz"), $NOT_AUTH,
         'Basic credentials are ignored: 401 not_authenticated');
{
    my ($res) = api(GET => '/accounts/me/', token => 'garbage');
    ok t_cmp($res->header('WWW-Authenticate') // '', 'Bearer realm="api"',
             'a 401 for a bad token carries WWW-Authenticate: Bearer realm="api"');
}

# --- public routes ignore a bad token ----------------------------------------------
{
    my ($res, $d) = api(GET => '/schools/', token => 'not.a.token');
    ok t_cmp($res->code . ' ' . (ref $d && ref $d->{results} eq 'ARRAY' ? 'results' : 'no results'),
             '200 results', 'GET /schools/ with a garbage token answers normally');
    ($res, $d) = api(GET => '/schools/', headers => [Authorization => 'Bearer a b']);
    ok t_cmp($res->code, 200, 'GET /schools/ with a malformed Authorization header answers normally');
    ($res, $d) = api(POST => '/accounts/login/', token => jwt_encode({ alg => 'none' }, claims(), signature => ''),
                     body => { login_id => $u->{login_id}, password => $u->{password} });
    ok t_cmp($res->code . ' ' . (ref $d && $d->{token}{access} ? 'token' : 'no token'), '200 token',
             'POST /accounts/login/ with a forged token attached logs in normally');
}
