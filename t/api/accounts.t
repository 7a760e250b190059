# t/api/accounts.t: signup, login, tokens (refresh, verify, logout,
# logout_all) and /accounts/me/, per API.md "Accounts" and "Authentication".
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul verdict keys_of);
use Unicode::Normalize qw(NFD);

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 154;

my $UUID_RE = qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my $PW = 'correct horse 1';
my @USER_KEYS = qw(admission_year created_at email id is_verified login_id nickname role school);

my $NOT_AUTHENTICATED = { detail => 'Authentication credentials were not provided.',
                          code => 'not_authenticated' };
my $TOKEN_NOT_VALID = {
    detail => 'Given token not valid for any token type', code => 'token_not_valid',
    messages => [ { token_class => 'AccessToken', token_type => 'access',
                    message => 'Token is invalid or expired' } ] };
my $TOKEN_INVALID = { detail => 'Token is invalid or expired', code => 'token_not_valid' };
my $AUTH_FAILED = { detail => 'No active account found with the given credentials',
                    code => 'authentication_failed' };

# A complete, valid signup body; %o overrides fields.
sub signup_body {
    my (%o) = @_;
    my $login = unique('acc');
    return { login_id => $login, password => $PW, email => "$login\@example.com",
             nickname => $login, school_id => 1, admission_year => 2022, %o };
}

sub signup { my ($body) = @_; return api(POST => '/accounts/signup/', body => $body) }

# "STATUS CODE field,field" of a validation answer.
sub me { my ($token) = @_; return api(GET => '/accounts/me/', token => $token) }

sub login_code { my ($res) = login(@_); return $res->code }
sub outcome_of { my ($res) = @_; return $res->code . ' ' . $res->content }

# --- signup -----------------------------------------------------------------

{
    my $body = signup_body(admission_year => 2021);
    my ($res, $d) = signup($body);
    ok t_cmp($res->code, 201, 'signup: 201 Created');
    ok t_cmp($res->header('Content-Type') // '', qr{^application/json}, 'signup: answers JSON');
    ok t_cmp(keys_of($d), 'token,user', 'signup: body is {user, token}');
    my $u = $d->{user} // {};
    ok t_cmp(keys_of($u), join(',', @USER_KEYS), 'signup: User has exactly the API.md fields');
    ok t_cmp($u->{id} // '', $UUID_RE, 'signup: user id is a UUID');
    ok t_cmp($u->{login_id}, $body->{login_id}, 'signup: login_id echoed');
    ok t_cmp($u->{email}, $body->{email}, 'signup: email echoed');
    ok t_cmp($u->{nickname}, $body->{nickname}, 'signup: nickname echoed');
    ok t_cmp(keys_of($u->{school}), 'domain,gpa_scale,id,name', 'signup: school is {id, name, domain, gpa_scale}');
    ok t_cmp($u->{school}{id}, 1, 'signup: school id is the one asked for');
    ok t_cmp($u->{school}{name} // '', qr/\p{Hangul}/, 'signup: seeded school name is Korean');
    ok t_cmp($u->{admission_year}, 2021, 'signup: admission_year echoed');
    ok t_cmp($res->content =~ /"admission_year":\s*2021[,}]/ && $res->content =~ /"school":\s*\{"id":\s*1[,}]/
             ? 'numbers' : 'not numbers', 'numbers',
             'signup: admission_year and school.id are JSON numbers');
    ok t_cmp($u->{role}, 'ROLE_USER', 'signup: role is ROLE_USER');
    ok t_cmp($u->{created_at} // '', $TIME_RE, 'signup: created_at is RFC 3339 UTC with microseconds');
    ok t_cmp(keys_of($d->{token}), 'access,refresh', 'signup: token is {access, refresh}');
    ok t_cmp($d->{token}{access} // '', qr/^[\w-]+\.[\w-]+\.[\w-]+$/, 'signup: access token is a JWT');
    my ($r2, $me) = me($d->{token}{access});
    ok t_cmp($r2->code . ' ' . ($me->{id} // ''), '200 ' . ($u->{id} // ''),
             'signup: the issued access token works on /accounts/me/');
}

# Korean nickname, byte for byte, also in decomposed (NFD) form: no normalisation.
{
    my $nick = '에브리' . hangul(5);
    my ($res, $d) = signup(signup_body(nickname => $nick));
    ok t_cmp($d->{user}{nickname} // '', $nick, 'signup: Korean nickname round-trips in the answer');
    my (undef, $me) = me($d->{token}{access});
    ok t_cmp($me->{nickname} // '', $nick, 'signup: Korean nickname round-trips through the database');
    my (undef, $li) = login($d->{user}{login_id} // '-', $PW);
    ok t_cmp($li->{user}{nickname} // '', $nick, 'login: Korean nickname round-trips');

    my $nfd = NFD('한글' . hangul(3));
    my ($r2, $d2) = signup(signup_body(nickname => $nfd));
    my (undef, $me2) = me($d2->{token}{access});
    ok t_cmp(join(' ', map { sprintf '%04X', ord } split //, $me2->{nickname} // ''),
             join(' ', map { sprintf '%04X', ord } split //, $nfd),
             'signup: decomposed (NFD) Hangul nickname is stored unnormalised');
}

# fields a client may not choose are ignored; DRF's IntegerField takes "2"
{
    my ($res, $d) = signup(signup_body(role => 'ROLE_ADMIN', is_active => 0));
    ok t_cmp($res->code . ' ' . ($d->{user}{role} // ''), '201 ROLE_USER',
             'signup asking for role ROLE_ADMIN: still ROLE_USER');
    ($res, $d) = signup(signup_body(school_id => '2', admission_year => '2020'));
    ok t_cmp($res->code . ' ' . ($d->{user}{school}{id} // '') . ' ' . ($d->{user}{admission_year} // ''),
             '201 2 2020', 'signup with school_id "2" and admission_year "2020" as strings: accepted as integers');
}

# each required field missing
for my $field (qw(login_id password email nickname school_id admission_year)) {
    my $body = signup_body();
    delete $body->{$field};
    my ($res, $d) = signup($body);
    ok t_cmp(verdict($res, $d) . ' ' . ($d->{errors}{$field}[0] // ''),
             "400 invalid $field This field is required.",
             "signup without $field: 400 invalid naming $field as required");
}

# wrong types
{
    my @cases = (
        [ school_id      => 'abc',              'school_id "abc"' ],
        [ admission_year => JSON::PP::true(),   'admission_year true' ],
        [ nickname       => 123,                'nickname 123 (a number)' ],
        [ login_id       => [ 'a', 'b' ],       'login_id as an array' ],
    );
    for my $c (@cases) {
        my ($field, $value, $what) = @$c;
        my ($res, $d) = signup(signup_body($field => $value));
        ok t_cmp(verdict($res, $d), "400 invalid $field", "signup with $what: 400 naming $field");
    }
}

# nickname length counts characters, not bytes
{
    my ($res, $d) = signup(signup_body(nickname => hangul(31)));
    ok t_cmp(verdict($res, $d), '400 invalid nickname', 'signup: 31-character Korean nickname is refused');
    ($res, $d) = signup(signup_body(nickname => hangul(30)));
    ok t_cmp($res->code, 201, 'signup: 30-character Korean nickname (90 bytes) is accepted');
    ($res, $d) = signup(signup_body(nickname => 'n' x 31));
    ok t_cmp(verdict($res, $d), '400 invalid nickname', 'signup: 31-character ASCII nickname is refused');
}

{
    my ($res, $d) = signup(signup_body(email => 'not-an-email'));
    ok t_cmp(verdict($res, $d), '400 invalid email', 'signup: malformed email is refused');
    ($res, $d) = signup(signup_body(email => 'two@@example.com'));
    ok t_cmp(verdict($res, $d), '400 invalid email', 'signup: email with two @ is refused');
}

# password policy
{
    my ($res, $d) = signup(signup_body(password => 'abc1234'));
    ok t_cmp(verdict($res, $d), '400 invalid password', 'signup: 7-character password is refused');
    ($res, $d) = signup(signup_body(password => '1234567890'));
    ok t_cmp(verdict($res, $d), '400 invalid password', 'signup: all-digit password is refused');
    my $body = signup_body();
    $body->{password} = $body->{login_id};
    ($res, $d) = signup($body);
    ok t_cmp(verdict($res, $d), '400 invalid password', 'signup: password equal to login_id is refused');
    my (undef, $li) = login($body->{login_id}, $body->{password});
    ok t_cmp($li->{code} // '', 'authentication_failed', 'signup: a refused signup created no user');
}

{
    my ($res, $d) = signup(signup_body(school_id => 987654));
    ok t_cmp(verdict($res, $d), '400 invalid school_id', 'signup: unknown school_id is 400 naming school_id');
}

# duplicates: 409, and the second account does not exist
{
    my $first = new_user();
    my @cases = (
        [ login_id => $first->{login_id} ],
        [ email    => "$first->{login_id}\@example.com" ],
        [ nickname => $first->{user}{nickname} ],
    );
    for my $c (@cases) {
        my ($field, $value) = @$c;
        my $body = signup_body($field => $value, password => 'another pass 2');
        my ($res, $d) = signup($body);
        ok t_cmp($res->code . ' ' . ($d->{code} // ''), '409 conflict',
                 "signup with a taken $field: 409 conflict");
        my ($lr) = login($body->{login_id}, 'another pass 2');
        ok t_cmp($lr->code, 401, "signup with a taken $field created nothing (cannot log in)");
    }
    my ($lr) = login($first->{login_id}, $first->{password});
    ok t_cmp($lr->code, 200, 'the first holder of the taken values still logs in');
}

# --- login ------------------------------------------------------------------

{
    my $u = new_user();
    my ($res, $d) = login($u->{login_id}, $u->{password});
    ok t_cmp($res->code, 200, 'login: 200');
    ok t_cmp(keys_of($d), 'token,user', 'login: body is {user, token}');
    ok t_cmp(keys_of($d->{user}), join(',', @USER_KEYS), 'login: User has the API.md fields');
    ok t_cmp($d->{user}{id} // '', $u->{id}, 'login: the same user id as signup');
    ok t_cmp($d->{user}{created_at} // '', $u->{user}{created_at}, 'login: created_at is stable');
    ok t_cmp(keys_of($d->{token}), 'access,refresh', 'login: token is {access, refresh}');

    my ($bad, $bd) = login($u->{login_id}, 'wrong password 9');
    my ($unk, $ud) = login(unique('nobody'), 'wrong password 9');
    ok t_cmp($bad->code, 401, 'login with a wrong password: 401');
    ok t_cmp($bd, $AUTH_FAILED, 'login with a wrong password: simplejwt authentication_failed body');
    ok t_cmp($unk->code, 401, 'login with an unknown login_id: 401');
    ok t_cmp($unk->content, $bad->content, 'login: unknown login_id and wrong password answer identical bodies');

    ($res, $d) = api(POST => '/accounts/login/', body => {});
    ok t_cmp(verdict($res, $d), '400 invalid login_id,password', 'login with no fields: 400 naming both');
    ($res, $d) = api(POST => '/accounts/login/', body => { login_id => $u->{login_id} });
    ok t_cmp(verdict($res, $d), '400 invalid password', 'login without password: 400 naming password');
    ($res, $d) = api(POST => '/accounts/login/', body => { password => $u->{password} });
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'login without login_id: 400 naming login_id');
}

# --- /accounts/me/ ----------------------------------------------------------

{
    my $u = new_user();
    my ($res, $d) = me($u->{access});
    ok t_cmp($res->code, 200, 'GET me with a token: 200');
    ok t_cmp($d, $u->{user}, 'GET me: the same User as signup answered');

    ($res, $d) = me(undef);
    ok t_cmp($res->code, 401, 'GET me without a token: 401');
    ok t_cmp($d, $NOT_AUTHENTICATED, 'GET me without a token: not_authenticated body');
    ok t_cmp($res->header('WWW-Authenticate') // '', 'Bearer realm="api"',
             'GET me without a token: WWW-Authenticate: Bearer realm="api"');

    ($res, $d) = me('garbage.token.here');
    ok t_cmp($res->code, 401, 'GET me with a garbage token: 401');
    ok t_cmp($d, $TOKEN_NOT_VALID, 'GET me with a garbage token: simplejwt token_not_valid shape');

    ($res, $d) = me($u->{refresh});
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid',
             'GET me with a refresh token instead of an access token: 401 token_not_valid');
}

# PATCH me: nickname and email
{
    my $u = new_user();
    my $other = new_user();
    my $nick = '새닉' . hangul(4);
    my $email = unique('new') . '@example.org';
    my ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                        body => { nickname => $nick, email => $email });
    ok t_cmp($res->code, 200, 'PATCH me nickname+email: 200');
    ok t_cmp(($d->{nickname} // '') . ' ' . ($d->{email} // ''), "$nick $email",
             'PATCH me: answers the updated User');
    my (undef, $me) = me($u->{access});
    ok t_cmp(($me->{nickname} // '') . ' ' . ($me->{email} // ''), "$nick $email",
             'PATCH me: nickname and email persisted');

    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { nickname => $other->{user}{nickname} });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '409 conflict',
             "PATCH me to another user's nickname: 409 conflict");
    (undef, $me) = me($u->{access});
    ok t_cmp($me->{nickname} // '', $nick, 'PATCH me conflict: nickname unchanged');

    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { email => "$other->{login_id}\@example.com" });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '409 conflict',
             "PATCH me to another user's email: 409 conflict");

    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access}, body => { email => 'nope' });
    ok t_cmp(verdict($res, $d), '400 invalid email', 'PATCH me with a malformed email: 400');

    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access}, body => { nickname => $nick });
    ok t_cmp($res->code, 200, 'PATCH me with its own current nickname: 200 (no conflict with oneself)');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access}, body => { nickname => hangul(31) });
    ok t_cmp(verdict($res, $d), '400 invalid nickname', 'PATCH me with a 31-character nickname: 400');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access}, body => {});
    ok t_cmp($res->code . ' ' . ($d->{nickname} // ''), "200 $nick", 'PATCH me with an empty object: 200, nothing changed');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { role => 'ROLE_ADMIN', login_id => unique('renamed') });
    (undef, $me) = me($u->{access});
    ok t_cmp(($me->{role} // '') . ' ' . ($me->{login_id} // ''), "ROLE_USER $u->{login_id}",
             'PATCH me cannot change role or login_id');
    ($res, $d) = api(PATCH => '/accounts/me/', body => { nickname => unique('anon') });
    ok t_cmp($res->code, 401, 'PATCH me anonymously: 401');
}

# PATCH me: password
{
    my $u = new_user();
    my (undef, $second) = login($u->{login_id}, $u->{password});
    my $newpw = 'brand new pass 7';

    my ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                        body => { password => $newpw });
    ok t_cmp(verdict($res, $d), '400 invalid current_password',
             'PATCH me password without current_password: 400 naming current_password');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => $newpw, current_password => 'not it at all' });
    ok t_cmp(verdict($res, $d), '400 invalid current_password',
             'PATCH me password with a wrong current_password: 400 naming current_password');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => '12345678', current_password => $u->{password} });
    ok t_cmp(verdict($res, $d), '400 invalid password', 'PATCH me with an all-digit new password: 400');
    my ($lr) = login($u->{login_id}, $u->{password});
    ok t_cmp($lr->code, 200, 'refused password changes left the old password working');

    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => $newpw, current_password => $u->{password} });
    ok t_cmp($res->code, 200, 'PATCH me password with current_password: 200');
    ok t_cmp($d->{id} // '', $u->{id}, 'PATCH me password: answers the User');
    ($lr) = login($u->{login_id}, $u->{password});
    ok t_cmp($lr->code, 401, 'after a password change the old password fails');
    ($lr) = login($u->{login_id}, $newpw);
    ok t_cmp($lr->code, 200, 'after a password change the new password works');
    ($res) = me($second->{token}{access});
    ok t_cmp($res->code, 401, "a password change revokes another session's access token");
    ($res) = api(POST => '/accounts/token_refresh/', body => { refresh => $second->{token}{refresh} });
    ok t_cmp($res->code, 401, "a password change revokes another session's refresh token");
    ($res) = me($u->{access});
    ok t_cmp($res->code, 200, 'the session that changed the password keeps working');
}

# --- passwords longer than bcrypt reads --------------------------------------
# bcrypt reads 72 bytes: 24 Hangul syllables fill them. Longer passwords are
# refused where they are set and never match where they are checked.
{
    my $ga24 = hangul(24);
    my $ga24a = $ga24 . 'a';
    my $bytes = sub { my $b = $_[0]; utf8::encode($b); length $b };
    die "hangul(24) is not 72 bytes\n" unless $bytes->($ga24) == 72 && $bytes->($ga24a) == 73;
    my $TOO_LONG = qr/^Ensure this field has no more than 72 bytes in UTF-8 \(a Hangul syllable takes 3 bytes\): only the first 72 bytes of a password can be checked\.$/;

    my $body = signup_body(password => $ga24);
    my ($res, $d) = signup($body);
    ok t_cmp($res->code, 201, 'signup with 24 Hangul syllables (72 bytes): 201');
    ($res) = login($body->{login_id}, $ga24);
    ok t_cmp($res->code, 200, 'the 72-byte Korean password logs in');
    ok t_cmp(outcome_of(login($body->{login_id}, $ga24a)), outcome_of(login($body->{login_id}, 'x' . $ga24)),
             'the same plus one ASCII letter (73 bytes) is a wrong password (401 like any other)');
    ok t_cmp(login_code($body->{login_id}, substr($ga24, 0, 23)), 401,
             'and its first 23 syllables are a wrong password too');

    my $long = signup_body(password => $ga24a);
    ($res, $d) = signup($long);
    ok t_cmp(verdict($res, $d) . ' ' . ($d->{errors}{password}[0] // ''),
             qr/^400 invalid password Ensure this field has no more than 72 bytes/,
             'signup with 24 syllables + 1 ASCII letter (73 bytes): 400 naming password');
    ok t_cmp($d->{errors}{password}[0] // '', $TOO_LONG, 'the field error says why');
    ($res, $d) = api(POST => '/accounts/signup/', body => $long, headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp($d->{errors}{password}[0] // '',
             qr/^이 필드가 UTF-8로 72바이트 이하인지 확인하십시오\(한글 한 글자는 3바이트\)\. 비밀번호는 앞의 72바이트까지만 확인할 수 있습니다\.$/,
             'and says it in Korean with Accept-Language: ko');
    ok t_cmp(login_code($long->{login_id}, $ga24a) . ' ' . login_code($long->{login_id}, $ga24), '401 401',
             'the refused signups created no user');

    my $a72 = 'A' x 72;
    ($res, $d) = signup(signup_body(password => $a72 . 'secret-one'));
    ok t_cmp(verdict($res, $d), '400 invalid password', "signup with 'A'*72 + 'secret-one': 400 naming password");
    my $ab = signup_body(password => $a72);
    ($res) = signup($ab);
    ok t_cmp($res->code, 201, "signup with 'A'*72 (72 bytes): 201");
    ok t_cmp(login_code($ab->{login_id}, $a72 . 'secret-one') . ' ' . login_code($ab->{login_id}, $a72 . 'x'),
             '401 401', "'A'*72 + 'secret-one' and 'A'*72 + 'x' do not log in as 'A'*72");
    ok t_cmp(login_code($ab->{login_id}, $a72), 200, "'A'*72 itself logs in");

    my $u = new_user();
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => $ga24a, current_password => $u->{password} });
    ok t_cmp(verdict($res, $d) . ' ' . ($d->{errors}{password}[0] // ''),
             qr/^400 invalid password Ensure this field has no more than 72 bytes/,
             'PATCH me to a 73-byte password: 400 naming password, saying why');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => $a72 . 'secret-one', current_password => $u->{password} });
    ok t_cmp(verdict($res, $d), '400 invalid password', "PATCH me to 'A'*72 + 'secret-one': 400");
    ok t_cmp(login_code($u->{login_id}, $u->{password}), 200, 'the refused changes left the old password working');
    ($res, $d) = api(PATCH => '/accounts/me/', token => $u->{access},
                     body => { password => $ga24, current_password => $u->{password} });
    ok t_cmp($res->code, 200, 'PATCH me to the 72-byte Korean password: 200');
    ok t_cmp(login_code($u->{login_id}, $ga24) . ' ' . login_code($u->{login_id}, $ga24a), '200 401',
             'it logs in, and with one more byte it does not');
    ($res, $d) = api(DELETE => '/accounts/me/', token => $u->{access}, body => { password => $ga24a });
    ok t_cmp(verdict($res, $d), '400 invalid password',
             'DELETE me does not take the 73-byte password as the 72-byte one');
}

# DELETE me
{
    my $u = new_user();
    my ($res, $d) = api(DELETE => '/accounts/me/', token => $u->{access}, body => {});
    ok t_cmp(verdict($res, $d), '400 invalid password', 'DELETE me without password: 400 naming password');
    ($res, $d) = api(DELETE => '/accounts/me/', token => $u->{access},
                     body => { password => 'wrong password 3' });
    ok t_cmp(verdict($res, $d), '400 invalid password', 'DELETE me with a wrong password: 400');
    ($res) = me($u->{access});
    ok t_cmp($res->code, 200, 'DELETE me refused: the token still works');
    ($res) = login($u->{login_id}, $u->{password});
    ok t_cmp($res->code, 200, 'DELETE me refused: the account still logs in');

    ($res, $d) = api(DELETE => '/accounts/me/', body => { password => $u->{password} });
    ok t_cmp($res->code, 401, 'DELETE me anonymously: 401');

    ($res, $d) = api(DELETE => '/accounts/me/', token => $u->{access},
                     body => { password => $u->{password} });
    ok t_cmp($res->code, 204, 'DELETE me with the right password: 204');
    ok t_cmp($res->content, '', 'DELETE me: 204 has no body');
    ($res, $d) = me($u->{access});
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid',
             "DELETE me: the account's token is refused");
    ($res, $d) = login($u->{login_id}, $u->{password});
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 authentication_failed',
             'DELETE me: the account can no longer log in');
    ($res) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{refresh} });
    ok t_cmp($res->code, 401, "DELETE me: the account's refresh token is refused");
}

# --- token_refresh ------------------------------------------------------------

{
    my $u = new_user();
    my ($res, $d) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{refresh} });
    ok t_cmp($res->code, 200, 'token_refresh: 200');
    ok t_cmp(keys_of($d), 'access,refresh', 'token_refresh: answers {access, refresh}');
    ok t_cmp(($d->{access} // '') ne $u->{access} && ($d->{refresh} // '') ne $u->{refresh}
             ? 'both new' : 'reused', 'both new', 'token_refresh: the new pair differs from the old');
    my ($mr) = me($d->{access});
    ok t_cmp($mr->code, 200, 'token_refresh: the new access token works');

    my ($again, $ad) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{refresh} });
    ok t_cmp($again->code, 401, 'token_refresh with a spent refresh token: 401');
    ok t_cmp($ad, $TOKEN_INVALID, 'token_refresh with a spent refresh token: simplejwt body');
    my ($fam) = api(POST => '/accounts/token_refresh/', body => { refresh => $d->{refresh} });
    ok t_cmp($fam->code, 401, 'replaying a spent refresh token revokes its family (the next one is refused)');

    ($res, $d) = api(POST => '/accounts/token_refresh/', body => { refresh => 'not.a.jwt' });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid',
             'token_refresh with garbage: 401 token_not_valid');
    ($res, $d) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{access} });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid',
             'token_refresh with an access token: 401 token_not_valid');
    ($res, $d) = api(POST => '/accounts/token_refresh/', body => {});
    ok t_cmp(verdict($res, $d), '400 invalid refresh', 'token_refresh without refresh: 400 naming refresh');
}

# --- token_verify ---------------------------------------------------------------

{
    my $u = new_user();
    my ($res, $d) = api(POST => '/accounts/token_verify/', body => { token => $u->{access} });
    ok t_cmp($res->code, 200, 'token_verify with an access token: 200');
    ok t_cmp($d, {}, 'token_verify: answers {}');
    ($res, $d) = api(POST => '/accounts/token_verify/', body => { token => $u->{refresh} });
    ok t_cmp($res->code, 200, 'token_verify with a live refresh token: 200');
    my (undef, $pair) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{refresh} });
    ($res, $d) = api(POST => '/accounts/token_verify/', body => { token => $u->{refresh} });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid', 'token_verify with a spent refresh token: 401');
    ($res, $d) = api(POST => '/accounts/token_verify/', body => { token => $pair->{access} // '-' });
    ok t_cmp($res->code, 200, 'token_verify with the rotated access token: 200');
    ($res, $d) = api(POST => '/accounts/token_verify/', body => { token => 'garbage' });
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '401 token_not_valid',
             'token_verify with garbage: 401 token_not_valid');
    ($res, $d) = api(POST => '/accounts/token_verify/', body => {});
    ok t_cmp(verdict($res, $d), '400 invalid token', 'token_verify without token: 400 naming token');
}

# --- logout -----------------------------------------------------------------------

{
    my $u = new_user();
    my ($res) = api(POST => '/accounts/logout/', token => $u->{access},
                    body => { refresh => $u->{refresh} });
    ok t_cmp($res->code, 204, 'logout: 204');
    ($res) = me($u->{access});
    ok t_cmp($res->code, 401, 'logout: the access token is refused at once');
    ($res) = api(POST => '/accounts/token_refresh/', body => { refresh => $u->{refresh} });
    ok t_cmp($res->code, 401, 'logout: the refresh token is refused');
    ($res) = api(POST => '/accounts/token_verify/', body => { token => $u->{access} });
    ok t_cmp($res->code, 401, 'logout: token_verify refuses the logged-out access token');

    my (undef, $li) = login($u->{login_id}, $u->{password});
    ($res) = me($li->{token}{access});
    ok t_cmp($res->code, 200, 'logout: a new login works afterwards');

    my (undef, $other) = login($u->{login_id}, $u->{password});
    ($res) = api(POST => '/accounts/logout/', token => $other->{token}{access});
    ok t_cmp($res->code, 204, 'logout without a body: 204');
    ($res) = me($li->{token}{access});
    ok t_cmp($res->code, 200, 'logout of one session leaves the other session working');

    my ($r2, $d2) = api(POST => '/accounts/logout/', body => {});
    ok t_cmp($r2->code . ' ' . ($d2->{code} // ''), '401 not_authenticated', 'logout anonymously: 401');
}

# --- logout_all -------------------------------------------------------------------

{
    my $u = new_user();
    my (undef, $one) = login($u->{login_id}, $u->{password});
    my (undef, $two) = login($u->{login_id}, $u->{password});
    my ($res) = api(POST => '/accounts/logout_all/', token => $one->{token}{access});
    ok t_cmp($res->code, 204, 'logout_all: 204');
    my @refused = grep { $_ == 401 } map { (me($_))[0]->code }
                  $one->{token}{access}, $two->{token}{access}, $u->{access};
    ok t_cmp(scalar @refused, 3, 'logout_all: the access tokens of every session are refused');
    @refused = grep { $_ == 401 }
               map { (api(POST => '/accounts/token_refresh/', body => { refresh => $_ }))[0]->code }
               $one->{token}{refresh}, $two->{token}{refresh};
    ok t_cmp(scalar @refused, 2, 'logout_all: the refresh tokens of both logins are refused');
    my ($lr, $ld) = login($u->{login_id}, $u->{password});
    ok t_cmp($lr->code, 200, 'logout_all: a fresh login works');
    ($res) = me($ld->{token}{access});
    ok t_cmp($res->code, 200, "logout_all: the fresh login's token works");
    ($res) = api(POST => '/accounts/logout_all/');
    ok t_cmp($res->code, 401, 'logout_all anonymously: 401');
}
