# t/api/social.t: social login (API.md "Social login") against the mock
# providers of t/mock/providers.pl, which t/TEST.PL starts on loopback:
# /auth/login, /auth/signup with a signToken, /accounts/kakao/, fcmToken.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT jwt_decode error_outcome outcome db_query);
use Time::HiRes qw(time);
use JSON::PP ();
use LWP::UserAgent ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 134,
    need { 'mock providers running (t/TEST.PL starts them)' => !!$ENV{ET_TEST_MOCK_PORT} };

my $TIMEOUT = 2;    # EverytimeOAuthTimeout in t/conf/extra.conf.in
my $NEED_SIGNUP = 'need to signup, X-ACCESS-TOKEN is issued.';
my $n = 0;
# a provider account id of this run: Kakao's are numbers, the others' text
sub kakao_id { $n++; return sprintf('%d%05d%03d', 7, $$ % 100000, $n) }
sub sub_id { return unique($_[0] // 's') }

sub social {
    my ($type, $cred, %o) = @_;
    my %body = (socialType => $type);
    $body{$type eq 'KAKAO' ? 'oauthAccessToken' : 'authorizationCode'} = $cred if defined $cred;
    my $vhost = delete $o{vhost};
    return api(POST => '/auth/login', body => { %body, %o }, vhost => $vhost);
}

sub signup {
    my ($sign, %o) = @_;
    my $nick = unique('soc');
    return api(POST => '/auth/signup', headers => [defined $sign ? ('X-ACCESS-TOKEN' => $sign) : ()],
               body => { nickname => $nick, school_id => 1, admission_year => 2023, %o });
}

sub me {
    my ($access) = @_;
    return api(GET => '/accounts/me/', token => $access);
}

# unknown account -> 404 1030 + signToken; answers the signToken
sub need_signup {
    my ($what, $type, $cred, $puid, %o) = @_;
    my ($res, $d) = social($type, $cred, %o);
    ok t_cmp($res->code, 404, "$what: an unknown account is 404");
    ok t_cmp($d && $d->{statusCode}, 1030, "$what: statusCode 1030");
    ok t_cmp($d && $d->{message}, $NEED_SIGNUP, "$what: the message of API.md");
    my $sign = $d && ref $d->{data} eq 'HASH' ? $d->{data}{signToken} : undef;
    my (undef, $claims) = jwt_decode($sign);
    ok t_cmp(join(' ', map { $_ // '-' } @{ $claims || {} }{qw(token_type provider provider_user_id user_id sid)}),
             "sign $type $puid - -", "$what: the signToken carries provider and provider user id only");
    return $sign;
}

sub tokens_work {
    my ($what, $d, $want_id) = @_;
    my $access = $d && ref $d->{data} eq 'HASH' ? $d->{data}{accessToken} : undef;
    my ($res, $u) = me($access);
    ok t_cmp($res->code, 200, "$what: the access token works on /accounts/me/");
    ok t_cmp($u && $u->{id}, $want_id, "$what: as the same user") if defined $want_id;
    return $u;
}

sub provider_failure {
    my ($what, $want_status, $want_code, @call) = @_;
    my $t0 = time;
    my ($res, $d) = social(@call);
    my $took = time - $t0;
    ok t_cmp($res->code . ' ' . ($d && $d->{statusCode} // '-'), "$want_status $want_code", $what);
    ok t_cmp($took < $TIMEOUT + 2 ? 'in time' : sprintf('%.1f s', $took), 'in time',
             "$what: answered within the timeout");
}

# The requests a block made to the mock providers, and over how many new
# connections (t/mock/providers.pl counts both).
sub mock_stats {
    my $ua = LWP::UserAgent->new(timeout => 5, keep_alive => 0);
    my $res = $ua->get("http://127.0.0.1:$ENV{ET_TEST_MOCK_PORT}/_stats");
    die 'mock providers: /_stats answered ' . $res->status_line . "\n" unless $res->is_success;
    return JSON::PP::decode_json($res->content);
}

sub provider_traffic {
    my ($block) = @_;
    my $before = mock_stats();
    $block->();
    my $after = mock_stats();
    return map { $after->{$_} - $before->{$_} } qw(requests connections);
}

# A login whose calls (code exchange, then JWKS) share one connection: the
# thread's libcurl handle keeps it open, so no second TCP and TLS handshake.
sub shares_connection {
    my ($what, $calls, $conns) = @_;
    ok t_cmp("$calls calls, " . ($conns < $calls ? 'fewer connections' : "$conns connections"),
             '2 calls, fewer connections', "$what: its provider calls reuse a connection");
}

# --- Kakao: unknown -> signToken -> signup -> login --------------------------------------

my $k1 = kakao_id();
my $sign = need_signup('Kakao', KAKAO => "ok.$k1", $k1);
{
    my (undef, $claims) = jwt_decode($sign);
    ok t_cmp($claims->{exp} - $claims->{iat}, 600, 'the signToken lives EverytimeSignTokenTTL (600 s)');
}
# the signToken is no access token, no refresh token, and does not verify
ok t_cmp(outcome(me($sign)), error_outcome('token_not_valid'), 'a signToken is refused as an access token');
ok t_cmp(outcome(api(POST => '/accounts/token_refresh/', body => { refresh => $sign })),
         error_outcome('token_invalid'), 'a signToken is refused as a refresh token');
ok t_cmp(outcome(api(POST => '/accounts/token_verify/', body => { token => $sign })),
         error_outcome('token_invalid'), 'a signToken does not verify as a session token');

# bad signup input changes nothing: the token is still good afterwards
{
    my ($res) = signup($sign, nickname => undef);
    ok t_cmp($res->code, 400, 'signup: nickname null is 400');
    ($res) = signup($sign, school_id => 999999999);
    ok t_cmp($res->code, 400, 'signup: an unknown school is 400');
    ($res) = signup($sign, admission_year => 'x');
    ok t_cmp($res->code, 400, 'signup: a mistyped admission_year is 400');
    ($res) = signup($sign, email => 'not an email');
    ok t_cmp($res->code, 400, 'signup: a bad email is 400');
    ($res) = api(POST => '/auth/signup', headers => ['X-ACCESS-TOKEN' => $sign],
                 raw => '{"nickname": ', type => 'application/json');
    ok t_cmp($res->code, 400, 'signup: malformed JSON is 400');
    my $taken = new_user();
    ($res) = signup($sign, nickname => $taken->{login_id});
    ok t_cmp($res->code, 409, 'signup: a taken nickname is 409');
    ($res) = signup($sign, email => "$taken->{login_id}\@example.com");
    ok t_cmp($res->code, 409, 'signup: a taken email is 409');
}
my ($res, $d) = signup(undef);
ok t_cmp(outcome($res, $d), error_outcome('not_authenticated'), 'signup without X-ACCESS-TOKEN: 401');
($res, $d) = signup('garbage.token.here');
ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'signup with a garbage signToken: 401');
{
    my $someone = new_user();
    ($res, $d) = signup($someone->{access});
    ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'an access token is refused by /auth/signup');
    ($res, $d) = signup($someone->{refresh});
    ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'a refresh token is refused by /auth/signup');
}

# a signToken must have been handed out by us: well signed is not enough
{
    my %claims = (token_type => 'sign', iat => time() - 1, exp => time() + 300,
                  jti => '4f1c2b1e-8d2a-4c3b-9e4f-0a1b2c3d4e5f', provider => 'KAKAO',
                  provider_user_id => $k1);
    $_ = int for @claims{qw(iat exp)};
    my $forged = jwt_encode({ alg => 'HS256', typ => 'JWT' }, \%claims);
    ($res, $d) = signup($forged);
    ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'a well-signed signToken we never issued: 401');
    my $with_user = jwt_encode({ alg => 'HS256', typ => 'JWT' },
                               { %claims, user_id => '00000000-0000-4000-8000-000000000000' });
    ($res, $d) = signup($with_user);
    ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'a signToken carrying a user_id: 401');
}

my $nick = unique('카카오');
($res, $d) = signup($sign, nickname => $nick, email => "$nick\@social.test");
ok t_cmp($res->code, 201, 'signup with the signToken: 201');
ok t_cmp(join(',', sort keys %{ $d->{data} || {} }), 'accessToken,refreshToken', 'signup answers data {accessToken, refreshToken}');
my $k1_user = tokens_work('Kakao signup', $d);
ok t_cmp($k1_user && $k1_user->{nickname}, $nick, 'the user has the nickname asked for (Korean round-trips)');
ok t_cmp($k1_user && $k1_user->{login_id}, qr/^kakao_[0-9a-f]{32}$/, 'a generated login_id');
ok t_cmp($k1_user && $k1_user->{email}, "$nick\@social.test", 'and the email given');

($res, $d) = signup($sign, nickname => unique('again'));
ok t_cmp(outcome($res, $d), error_outcome('token_invalid'), 'a signToken is spent once: the second signup is 401');

my $fcm = unique('fcm-device-');
($res, $d) = social(KAKAO => "ok.$k1", fcmToken => $fcm);
ok t_cmp($res->code, 200, 'Kakao login of a linked account: 200');
tokens_work('Kakao login', $d, $k1_user->{id});
{
    my ($r2, $d2) = api(POST => '/accounts/token_refresh/', body => { refresh => $d->{data}{refreshToken} });
    ok t_cmp($r2->code, 200, 'the refresh token of a social login refreshes');
    ($r2) = api(POST => '/accounts/logout_all/', token => $d->{data}{accessToken});
    ok t_cmp($r2->code, 204, 'and logout_all ends the social sessions like any other');
    ok t_cmp((me($d->{data}{accessToken}))[0]->code, 401, 'its access token stops working');
}
ok t_cmp(db_query("SELECT user_id FROM fcm_tokens WHERE token = '$fcm'"), $k1_user->{id},
         'the fcmToken is stored for the user');

# linking one provider account twice
{
    my $k2 = kakao_id();
    my $s1 = need_signup('Kakao twice', KAKAO => "ok.$k2", $k2);
    my ($r) = social(KAKAO => "ok.$k2");
    my $s2 = (api(POST => '/auth/login', body => { socialType => 'KAKAO', oauthAccessToken => "ok.$k2" }))[1]{data}{signToken};
    ok t_cmp($r->code, 404, 'a second login before signup hands out another signToken');
    ($r) = signup($s1);
    ok t_cmp($r->code, 201, 'the first signToken signs up');
    my ($r2, $d2) = signup($s2);
    ok t_cmp($r2->code, 409, 'the second cannot link the same account again: 409');
    ok t_cmp($d2 && $d2->{code}, 'conflict', 'code conflict');
}

# the fcm token moves with the device to another user; a user may have several
{
    my $k3 = kakao_id();
    my $s = need_signup('fcm', KAKAO => "ok.$k3", $k3);
    my ($r, $dd) = signup($s);
    my $other = tokens_work('fcm user', $dd);
    ($r) = social(KAKAO => "ok.$k3", fcmToken => $fcm);
    ok t_cmp($r->code, 200, 'another user logs in on the same device');
    ok t_cmp(db_query("SELECT user_id FROM fcm_tokens WHERE token = '$fcm'"), $other->{id},
             'the fcmToken moved to that user');
    my $fcm2 = unique('fcm-tablet-');
    ($r) = social(KAKAO => "ok.$k3", fcmToken => $fcm2);
    ok t_cmp(db_query("SELECT COUNT(*) FROM fcm_tokens WHERE user_id = '$other->{id}'"), 2,
             'a user keeps one fcmToken per device');
}

# --- Kakao failures ------------------------------------------------------------------------------

($res, $d) = social(KAKAO => 'reject');
ok t_cmp($res->code . ' ' . ($d->{statusCode} // '-'), '401 1031', 'Kakao refuses the token: 401 1031');
ok t_cmp(ref $d->{message} eq '' && length($d->{message} // ''), qr/^[1-9]/, 'with a message');
provider_failure('Kakao answers garbage: 502 1032', 502, 1032, KAKAO => 'garbage');
provider_failure('Kakao answers without an id: 502 1032', 502, 1032, KAKAO => 'noid');
provider_failure('Kakao too slow: 502 1032', 502, 1032, KAKAO => 'slow');
provider_failure('Kakao unreachable: 502 1032', 502, 1032, KAKAO => "ok.$k1", vhost => 'et_oauth_down');

# --- bad input ----------------------------------------------------------------------------

for my $case (
    [ 'no socialType', { oauthAccessToken => 'ok.1' }, 'socialType' ],
    [ 'an unknown socialType', { socialType => 'NAVER', oauthAccessToken => 'ok.1' }, 'socialType' ],
    [ 'socialType not a string', { socialType => 1, oauthAccessToken => 'ok.1' }, 'socialType' ],
    [ 'Kakao without oauthAccessToken', { socialType => 'KAKAO' }, 'oauthAccessToken' ],
    [ 'Kakao with a numeric oauthAccessToken', { socialType => 'KAKAO', oauthAccessToken => 5 }, 'oauthAccessToken' ],
    [ 'Google without authorizationCode', { socialType => 'GOOGLE', oauthAccessToken => 'x' }, 'authorizationCode' ],
    [ 'Apple without authorizationCode', { socialType => 'APPLE' }, 'authorizationCode' ],
    [ 'an fcmToken too long', { socialType => 'KAKAO', oauthAccessToken => 'ok.1', fcmToken => 'f' x 256 }, 'fcmToken' ],
) {
    my ($what, $body, $field) = @$case;
    my ($r, $dd) = api(POST => '/auth/login', body => $body);
    ok t_cmp($r->code . ' ' . join(',', sort keys %{ ($dd && $dd->{errors}) || {} }), "400 $field",
             "/auth/login: $what is 400 naming $field");
}
($res) = api(POST => '/auth/login', raw => '{"socialType": "KAKAO",', type => 'application/json');
ok t_cmp($res->code, 400, '/auth/login: malformed JSON is 400');
($res) = api(POST => '/auth/login', raw => '[]', type => 'application/json');
ok t_cmp($res->code, 400, '/auth/login: a list is 400');

# a stale token of ours on the public route is ignored
{
    my ($r) = api(POST => '/auth/login', token => 'stale.token.x', body => { socialType => 'KAKAO', oauthAccessToken => "ok.$k1" });
    ok t_cmp($r->code, 200, '/auth/login ignores a bad Authorization header');
}

# --- Google ----------------------------------------------------------------------------------

my $g1 = sub_id('g');
$sign = need_signup('Google', GOOGLE => "ok.$g1", $g1);
($res, $d) = signup($sign);
ok t_cmp($res->code, 201, 'Google signup: 201');
my $g_user = tokens_work('Google signup', $d);
ok t_cmp($g_user && $g_user->{login_id}, qr/^google_/, 'a google_ login_id');
($res, $d) = social(GOOGLE => "ok.$g1");
ok t_cmp($res->code, 200, 'Google login of the linked account: 200');
tokens_work('Google login', $d, $g_user->{id});

($res, $d) = social(GOOGLE => 'reject');
ok t_cmp($res->code . ' ' . ($d->{statusCode} // '-'), '401 1031', 'Google refuses the code: 401 1031');
provider_failure('Google answers garbage: 502 1032', 502, 1032, GOOGLE => 'garbage');
provider_failure('Google too slow: 502 1032', 502, 1032, GOOGLE => 'slow');
provider_failure('Google unreachable: 502 1032', 502, 1032, GOOGLE => "ok.$g1", vhost => 'et_oauth_down');
for my $bad (qw(badsig expired wrongaud wrongiss hs256)) {
    my ($r, $dd) = social(GOOGLE => "$bad.$g1");
    ok t_cmp(($dd && $dd->{statusCode} // '-') . ' ' . (exists(($dd // {})->{data}) ? 'data' : 'no data'),
             qr/^103[12] no data$/, "Google id_token $bad: refused (1031/1032), no tokens");
}

# Google rotates its key: the id_token names a kid we have not seen, the
# JWKS is fetched again and now holds it
{
    my $g2 = sub_id('g');
    my ($r, $dd);
    my @traffic = provider_traffic(sub { ($r, $dd) = social(GOOGLE => "rotated.$g2") });
    ok t_cmp($r->code . ' ' . ($dd && $dd->{statusCode} // '-'), '404 1030',
             'Google id_token under a rotated key: the JWKS is refetched and it verifies');
    shares_connection('a Google login that refetches the JWKS', @traffic);
}

# --- Apple ----------------------------------------------------------------------------------

my $a1 = sub_id('001234.a');
$sign = need_signup('Apple', APPLE => "ok.$a1", $a1, nickname => unique('apple'));
($res, $d) = signup($sign);
ok t_cmp($res->code, 201, 'Apple signup: 201');
my $a_user = tokens_work('Apple signup', $d);
($res, $d) = social(APPLE => "ok.$a1");
ok t_cmp($res->code, 200, 'Apple login of the linked account (the client_secret passed the mock): 200');
tokens_work('Apple login', $d, $a_user->{id});
{
    my ($r, $dd);
    my @traffic = provider_traffic(sub { ($r, $dd) = social(APPLE => 'rotated.' . sub_id('001234.r')) });
    ok t_cmp($r->code . ' ' . ($dd && $dd->{statusCode} // '-'), '404 1030',
             'Apple id_token under a rotated key: the JWKS is refetched and it verifies');
    shares_connection('an Apple login that refetches the JWKS', @traffic);
}
($res, $d) = social(APPLE => 'reject');
ok t_cmp($res->code . ' ' . ($d->{statusCode} // '-'), '401 1031', 'Apple refuses the code: 401 1031');
provider_failure('Apple too slow: 502 1032', 502, 1032, APPLE => 'slow');
provider_failure('Apple unreachable: 502 1032', 502, 1032, APPLE => "ok.$a1", vhost => 'et_oauth_down');

# the same provider user id at two providers is two accounts
{
    my $r;
    ($r, $d) = social(GOOGLE => "ok.$a1");
    ok t_cmp($r->code, 404, 'an Apple sub is not a Google account');
}

# --- /accounts/kakao/ --------------------------------------------------------------------------

sub kakao_header {
    my ($auth, %o) = @_;
    return api(POST => '/accounts/kakao/', headers => [defined $auth ? (Authorization => $auth) : ()], %o);
}
($res, $d) = kakao_header(undef);
ok t_cmp(outcome($res, $d), '400 {"message":"INVALID_TOKEN"}', '/accounts/kakao/ without a header: 400 INVALID_TOKEN');
($res, $d) = kakao_header('Basic abc');
ok t_cmp(outcome($res, $d), '400 {"message":"INVALID_TOKEN"}', 'another scheme: 400 INVALID_TOKEN');
($res, $d) = kakao_header('Bearer a b');
ok t_cmp(outcome($res, $d), '400 {"message":"INVALID_TOKEN"}', 'Bearer with two values: 400 INVALID_TOKEN');
($res, $d) = kakao_header('Bearer reject');
ok t_cmp(outcome($res, $d), '404 {"message":"NOT_FOUND_IN_KAKAO"}', 'Kakao refuses: 404 NOT_FOUND_IN_KAKAO');
{
    my $t0 = time;
    ($res, $d) = kakao_header('Bearer slow');
    ok t_cmp($res->code, 502, 'Kakao too slow: 502');
    ok t_cmp(time - $t0 < $TIMEOUT + 2 ? 'in time' : 'late', 'in time', 'within the timeout');
}
my $k4 = kakao_id();
($res, $d) = kakao_header("Bearer ok.$k4");
ok t_cmp($res->code, 200, 'a first Kakao header login: 200');
ok t_cmp(join(',', sort keys %{ $d || {} }), 'access_token,message,refresh_token', 'answers message, access_token, refresh_token');
ok t_cmp($d && $d->{message}, 'SUCCESS', 'message SUCCESS');
my $k4_user;
{
    my $r;
    ($r, $k4_user) = me($d->{access_token});
    ok t_cmp($r->code, 200, 'its access token works');
    ok t_cmp($k4_user && "$k4_user->{nickname} $k4_user->{email}", "kakao$k4 k$k4\@kakao.test",
             'the user was made from the Kakao profile');
    ($r, my $d2) = api(POST => '/accounts/token_refresh/', body => { refresh => $d->{refresh_token} });
    ok t_cmp($r->code, 200, 'its refresh token refreshes');
}
($res, $d) = kakao_header("Bearer ok.$k4");
ok t_cmp($res->code . ' ' . ((me($d->{access_token}))[1]{id} // '-'), "200 $k4_user->{id}",
         'a second header login is the same user');
($res, $d) = social(KAKAO => "ok.$k4");
ok t_cmp($res->code, 200, '/auth/login knows the account made by the header login');
tokens_work('header-made account', $d, $k4_user->{id});
{
    # the profile's nickname is taken: the user gets a generated one
    my $k5 = kakao_id();
    new_user(nickname => "kakao$k5", login_id => unique('kk'));
    my ($r, $dd) = kakao_header("Bearer ok.$k5");
    ok t_cmp($r->code, 200, 'a header login whose Kakao nickname is taken: 200');
    my (undef, $u) = me($dd->{access_token});
    ok t_cmp($u && $u->{nickname}, qr/^kakao_[0-9a-f]{12}$/, 'with a generated nickname');
    # a token of ours in the header is no Kakao token
    my $someone = new_user();
    ($r, $dd) = kakao_header("Bearer $someone->{access}");
    ok t_cmp(outcome($r, $dd), '404 {"message":"NOT_FOUND_IN_KAKAO"}', 'our own access token is not a Kakao token');
}
($res, $d) = kakao_header("Bearer ok.$k4", vhost => 'et_oauth_down');
ok t_cmp($res->code, 502, '/accounts/kakao/ with Kakao unreachable: 502');

# --- nothing secret in the error log -------------------------------------------------------------

{
    my $log = Apache::Test::vars('t_logs') . '/error_log';
    open my $fh, '<', $log or die "$log: $!";
    my $hits = 0;
    while (<$fh>) {
        $hits++ if /\Q$sign\E|ok\.$k1\b|ok\.$g1\b|test-google-secret|\bslow\b.*Bearer/;
    }
    ok t_cmp($hits, 0, 'no signToken, provider token, code or secret in the error log');
}
