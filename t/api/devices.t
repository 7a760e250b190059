# t/api/devices.t: POST /me/devices/ and DELETE /me/devices/{fcm_token}/,
# per API.md "Notifications": the devices pushes go to, in the same store as
# social login's fcmToken, where a device's token belongs to whoever
# registered it last; only one's own token can be removed.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT verdict keys_of db_query);

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 43;

my $admin = admin_login();
my $alice = new_user();
my $bob = new_user();

# A token as FCM hands them out: base64url-ish with a colon.
sub token { return unique('dev') . ':APA91b' . join('', map { ('A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_')[rand 64] } 1 .. 60) }
sub register {
    my ($who, $body, %o) = @_;
    return api(POST => '/me/devices/', token => $who ? $who->{access} : undef,
               exists $o{raw} ? (raw => $o{raw}, type => 'application/json') : (body => $body));
}
sub remove { my ($who, $t) = @_; return api(DELETE => "/me/devices/$t/", token => $who ? $who->{access} : undef) }
# "user platform" of a stored token, or "none"
sub stored {
    my ($t) = @_;
    my $row = db_query("SELECT user_id, COALESCE(platform, 'null') FROM fcm_tokens WHERE token = '$t'");
    return $row eq '' ? 'none' : join ' ', split /[\s|]+/, $row;
}
sub count_of { my ($who) = @_; return db_query("SELECT COUNT(*) FROM fcm_tokens WHERE user_id = '$who->{id}'") }

# --- authentication ----------------------------------------------------------------------------

{
    my $t = token();
    my ($res, $d) = register(undef, { fcm_token => $t });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /me/devices/ anonymously: 401');
    ok t_cmp(stored($t), 'none', '... nothing stored');
    ($res, $d) = remove(undef, $t);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE /me/devices/{token}/ anonymously: 401');
    ($res, $d) = api(POST => '/me/devices/', token => 'garbage.token.value', body => { fcm_token => $t });
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'a bad access token: 401');
}

# --- registering ---------------------------------------------------------------------------------

my $t1 = token();
{
    my ($res, $d) = register($alice, { fcm_token => $t1, platform => 'android' });
    ok t_cmp($res->code, 201, 'POST /me/devices/ {fcm_token, platform}: 201');
    ok t_cmp(keys_of($d), 'fcm_token,platform', 'the answer is the Device');
    ok t_cmp("$d->{fcm_token} $d->{platform}", "$t1 android", '... as registered');
    ok t_cmp(stored($t1), "$alice->{id} android", "stored for the caller, with its platform");

    ($res, $d) = register($alice, { fcm_token => $t1, platform => 'android' });
    ok t_cmp($res->code . ' ' . count_of($alice), '201 1', 'registering it again: 201, still one row');

    my $t2 = token();
    ($res, $d) = register($alice, { fcm_token => $t2 });
    ok t_cmp($res->code . ' ' . ($d->{platform} // 'null'), '201 null', 'without platform: 201, platform null');
    ok t_cmp(count_of($alice), 2, 'a second device: two tokens for the user');
    ($res, $d) = register($alice, { fcm_token => $t2, platform => undef });
    ok t_cmp($res->code . ' ' . stored($t2), "201 $alice->{id} null", 'platform null is accepted');
    for my $p (qw(ios web)) {
        my $t = token();
        ($res, $d) = register($alice, { fcm_token => $t, platform => $p });
        ok t_cmp($res->code . ' ' . stored($t), "201 $alice->{id} $p", "platform $p: 201");
    }

    # the device moves to whoever registers it last; a registration without a
    # platform keeps the one known
    ($res, $d) = register($bob, { fcm_token => $t1 });
    ok t_cmp($res->code . ' ' . stored($t1), "201 $bob->{id} android", "another user registers alice's token: it is theirs now, still android");
    ok t_cmp(count_of($alice), 3, "... and gone from alice's devices");

    my $long = 'a' x 255;
    ($res, $d) = register($alice, { fcm_token => $long });
    ok t_cmp($res->code . ' ' . stored($long), "201 $alice->{id} null", 'a token of 255 characters: 201');
    ($res, $d) = register($alice, { fcm_token => "  $t2 \n" });
    ok t_cmp($res->code . ' ' . ($d->{fcm_token} // ''), "201 $t2", 'surrounding white space is trimmed');
}

# --- bad input: 400, nothing changes ------------------------------------------------------------

{
    my $before = count_of($alice);
    my @bad = (
        [{}, 'fcm_token', 'no fcm_token'],
        [{ fcm_token => '' }, 'fcm_token', 'an empty fcm_token'],
        [{ fcm_token => undef }, 'fcm_token', 'fcm_token null'],
        [{ fcm_token => 12345 }, 'fcm_token', 'fcm_token a number'],
        [{ fcm_token => ['x'] }, 'fcm_token', 'fcm_token a list'],
        [{ fcm_token => 'a' x 256 }, 'fcm_token', 'fcm_token of 256 characters'],
        [{ fcm_token => 'has space' }, 'fcm_token', 'a space inside fcm_token'],
        [{ fcm_token => 'a/b' }, 'fcm_token', 'a slash in fcm_token'],
        [{ fcm_token => '토큰' }, 'fcm_token', 'Hangul in fcm_token'],
        [{ fcm_token => token(), platform => 'windows' }, 'platform', 'an unknown platform'],
        [{ fcm_token => token(), platform => 1 }, 'platform', 'platform a number'],
        [{ fcm_token => token(), platform => 'Android' }, 'platform', 'platform in the wrong case'],
    );
    for my $b (@bad) {
        my ($res, $d) = register($alice, $b->[0]);
        ok t_cmp(verdict($res, $d), "400 invalid $b->[1]", "$b->[2]: 400 naming $b->[1]");
    }
    my ($res, $d) = register($alice, undef, raw => '{"fcm_token": "abc",');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = register($alice, undef, raw => '["abc"]');
    ok t_cmp($res->code, 400, 'a JSON list instead of an object: 400');
    ($res, $d) = api(POST => '/me/devices/', token => $alice->{access}, raw => 'fcm_token=abc',
                     type => 'application/x-www-form-urlencoded');
    ok t_cmp($res->code, 415, 'a form body: 415');
    ok t_cmp(count_of($alice), $before, 'none of these stored anything');
}

# --- removing ----------------------------------------------------------------------------------

{
    my $t = token();
    register($alice, { fcm_token => $t, platform => 'ios' });
    my ($res, $d) = remove($bob, $t);
    ok t_cmp(verdict($res, $d), '404 not_found ', "removing another user's token: 404");
    ($res, $d) = remove($admin, $t);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an admin too: 404');
    ok t_cmp(stored($t), "$alice->{id} ios", '... the token stays');
    ($res, $d) = remove($alice, $t);
    ok t_cmp($res->code . ' ' . $res->content, '204 ', 'removing one\'s own: 204, no body');
    ok t_cmp(stored($t), 'none', '... it is gone');
    ($res, $d) = remove($alice, $t);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'removing it again: 404');
    ($res, $d) = remove($alice, 'x' x 300);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a token longer than any stored: 404');
    ($res, $d) = remove($alice, 'no-such-token');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown token: 404');
    ($res, $d) = api(DELETE => '/me/devices/', token => $alice->{access});
    ok t_cmp($res->code . ' ' . ($res->header('Allow') // ''), '405 POST', 'DELETE /me/devices/ without a token: 405, Allow: POST');
}
