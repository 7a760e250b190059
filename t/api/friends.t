# t/api/friends.t: /friends/requests/ (send by login_id, list, accept and
# reject by the receiver), /friends/ (list, unfriend by either side) and
# /friends/{user_id}/timetable/ (a friend's primary timetable; 403 to anyone
# else), per API.md "Friends".
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict keys_of);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 88;

my $UNKNOWN = 999999999;
my $NOBODY = '00000000-0000-4000-8000-000000000000';
my $JSON = JSON::PP->new->utf8->canonical;

sub request_friend {
    my ($who, $login) = @_;
    return api(POST => '/friends/requests/', token => $who ? $who->{access} : undef,
               body => { login_id => $login });
}
sub answer {
    my ($verb, $id, $who) = @_;
    return api(POST => "/friends/requests/$id/$verb/", $who ? (token => $who->{access}) : ());
}
# "received ids | sent ids" of the caller's pending requests.
sub pending {
    my ($who) = @_;
    my ($res, $d) = api(GET => '/friends/requests/', token => $who->{access});
    return 'error ' . $res->code unless $res->code == 200;
    return join ' | ', map { join(',', map { $_->{id} } @{ $d->{$_} }) } qw(received sent);
}
# The caller's friends' ids, sorted.
sub friends_of {
    my ($who) = @_;
    my ($res, $d) = api(GET => '/friends/', token => $who->{access});
    return 'error ' . $res->code unless $res->code == 200;
    return join ',', sort map { $_->{id} } @{ $d->{results} };
}
sub timetable_of {
    my ($friend_id, $who, $query) = @_;
    return api(GET => "/friends/$friend_id/timetable/" . ($query // '?semester=2024-1'),
               $who ? (token => $who->{access}) : ());
}
sub unfriend {
    my ($friend_id, $who) = @_;
    return api(DELETE => "/friends/$friend_id/", $who ? (token => $who->{access}) : ());
}

my $admin = admin_login();
my $alice = new_user(nickname => '앨리스' . hangul(3));
my $bob = new_user(nickname => '밥' . hangul(3));
my $carol = new_user();

# --- sending a request -----------------------------------------------------------------------

my $req;
{
    my ($res, $d) = request_friend(undef, $bob->{login_id});
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /friends/requests/ anonymously: 401');
    ($res, $d) = api(POST => '/friends/requests/', token => $alice->{access}, body => {});
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'without login_id: 400');
    ($res, $d) = request_friend($alice, 12345);
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'login_id not a string: 400');
    ($res, $d) = request_friend($alice, '   ');
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'a blank login_id: 400');
    ($res, $d) = api(POST => '/friends/requests/', token => $alice->{access}, raw => '{"login_id":',
                     type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = request_friend($alice, 'x' x 70000);
    ok t_cmp(verdict($res, $d), '413 payload_too_large ', 'a body over the size limit: 413');
    ($res, $d) = request_friend($alice, 'x' x 151);
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'a login_id of 151 characters: 400');
    ($res, $d) = request_friend($alice, 'no-such-user-' . unique('x'));
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown login_id: 404');
    ($res, $d) = request_friend($alice, $alice->{login_id});
    ok t_cmp(verdict($res, $d), '400 invalid login_id', 'a request to oneself: 400');
    ok t_cmp(pending($alice), ' | ', '... none of that left a request');

    ($res, $d) = request_friend($alice, $bob->{login_id});
    ok t_cmp($res->code, 201, 'alice asks bob: 201');
    $req = $d;
    ok t_cmp(keys_of($d), 'created_at,from_user,id,status,to_user,updated_at', '... a FriendRequest');
    ok t_cmp($JSON->encode([$d->{from_user}, $d->{to_user}, $d->{status}]),
             $JSON->encode([{ id => $alice->{id}, nickname => $alice->{user}{nickname} },
                            { id => $bob->{id}, nickname => $bob->{user}{nickname} }, 'pending']),
             '... from alice to bob (Korean nicknames round-trip), pending');

    ($res, $d) = request_friend($alice, $bob->{login_id});
    ok t_cmp(verdict($res, $d), '409 conflict ', 'alice asks bob again: 409');
    ($res, $d) = request_friend($bob, $alice->{login_id});
    ok t_cmp(verdict($res, $d), '409 conflict ', 'bob asks alice while her request is pending: 409');
    ok t_cmp($d->{detail} // '', qr/accept/i, '... and the detail says to accept hers');
    ($res, $d) = api(POST => '/friends/requests/', token => $bob->{access}, headers => ['Accept-Language' => 'ko'],
                     body => { login_id => $alice->{login_id} });
    ok t_cmp($d->{detail} // '', qr/수락/, '... in Korean with Accept-Language: ko');

    ok t_cmp(pending($alice), " | $req->{id}", "GET /friends/requests/: in alice's sent");
    ok t_cmp(pending($bob), "$req->{id} | ", "... in bob's received");
    ok t_cmp(pending($carol), ' | ', '... nowhere for carol');
    ($res, $d) = api(GET => '/friends/requests/', token => $bob->{access});
    ok t_cmp(keys_of($d), 'received,sent', '... the answer is {received, sent}');
    ($res, $d) = api(GET => '/friends/requests/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /friends/requests/ anonymously: 401');
}

# --- who may answer ------------------------------------------------------------------------

{
    my $id = $req->{id};
    my ($res, $d) = answer(accept => $id);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'accept anonymously: 401');
    ($res, $d) = answer(accept => $id, $alice);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'the sender accepts her own request: 403');
    ($res, $d) = answer(reject => $id, $alice);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'the sender rejects her own request: 403');
    ($res, $d) = answer(accept => $id, $carol);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a third user accepts it: 404');
    ($res, $d) = answer(reject => $id, $carol);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a third user rejects it: 404');
    ($res, $d) = answer(accept => $id, $admin);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an admin accepts it: 404 (only the receiver answers)');
    ($res, $d) = answer(accept => $UNKNOWN, $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'accepting an unknown request: 404');
    ok t_cmp(pending($bob) . ' / ' . friends_of($alice), "$id |  / ", '... still pending, nobody is friends');

    ($res, $d) = answer(accept => $id, $bob);
    ok t_cmp($res->code . ' ' . ($d->{status} // ''), '200 accepted', 'bob accepts: 200, status accepted');
    ok t_cmp(friends_of($alice) . ' / ' . friends_of($bob), "$bob->{id} / $alice->{id}",
             '... each is in the other\'s friend list');
    ok t_cmp(pending($alice) . ' / ' . pending($bob), ' |  /  | ', '... and the request is no longer pending');
    ($res, $d) = answer(accept => $id, $bob);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'accepting it again: 409');
    ($res, $d) = answer(reject => $id, $bob);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'rejecting it afterwards: 409');
    ok t_cmp(friends_of($alice), $bob->{id}, '... still friends');
    ($res, $d) = request_friend($alice, $bob->{login_id});
    ok t_cmp(verdict($res, $d), '409 conflict ', 'asking a friend: 409');
    ($res, $d) = request_friend($bob, $alice->{login_id});
    ok t_cmp(verdict($res, $d), '409 conflict ', '... from either side');
}

# --- the friend list -------------------------------------------------------------------------

{
    my ($res, $d) = api(GET => '/friends/', token => $alice->{access});
    ok t_cmp(keys_of($d) . ' ' . ($d->{next} // 'null'), 'next,results null', 'GET /friends/: {results, next: null}');
    ok t_cmp($JSON->encode($d->{results}),
             $JSON->encode([{ id => $bob->{id}, nickname => $bob->{user}{nickname}, login_id => $bob->{login_id} }]),
             '... each friend is {id, nickname, login_id}');
    ($res, $d) = api(GET => '/friends/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /friends/ anonymously: 401');
    ok t_cmp(friends_of($carol), '', "carol has no friends");
}

# --- rejecting ------------------------------------------------------------------------------

{
    my ($res, $d) = request_friend($carol, $alice->{login_id});
    my $id = $d->{id};
    ok t_cmp($res->code, 201, 'carol asks alice: 201');
    ($res, $d) = answer(reject => $id, $alice);
    ok t_cmp($res->code . ' ' . ($d->{status} // ''), '200 rejected', 'alice rejects: 200, status rejected');
    ok t_cmp(friends_of($alice) . ' / ' . friends_of($carol), "$bob->{id} / ", '... carol is not her friend');
    ok t_cmp(pending($alice) . ' / ' . pending($carol), ' |  /  | ', '... and nothing is pending');
    ($res, $d) = answer(accept => $id, $alice);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'accepting a rejected request: 409');
    ok t_cmp(friends_of($alice), $bob->{id}, '... changed nothing');
    ($res, $d) = request_friend($carol, $alice->{login_id});
    ok t_cmp($res->code, 201, 'after a rejection the sender may ask again: 201');
    answer(reject => $d->{id}, $alice);
}

# --- a friend's timetable ----------------------------------------------------------------------

my ($course, $primary);
{
    my ($res, $d) = api(POST => '/courses/', token => $admin->{access}, body => {
        course_info => { code => unique('FR'), title => '친구와 듣는 수업', credits => 3, department => '경영학과' },
        section => '02', semester => '2024-1', professor => '이교수', capacity => 30,
        slots => [{ day => 'TUE', start => '13:00', end => '14:15', room => '경영관 201' }] });
    die 'course creation failed: ' . $res->content unless $res->code == 201;
    $course = $d->{id};
    ($res, $d) = api(POST => '/timetables/', token => $bob->{access}, body => { semester => '2024-1', name => '기본 시간표' });
    die 'timetable creation failed: ' . $res->content unless $res->code == 201;
    $primary = $d->{id};
    ($res) = api(POST => "/timetables/$primary/courses/", token => $bob->{access}, body => { course => $course });
    die 'adding a course failed: ' . $res->content unless $res->code =~ /^20[01]$/;
    api(POST => '/timetables/', token => $bob->{access}, body => { semester => '2024-1', name => '플랜 B' });

    ($res, $d) = timetable_of($bob->{id}, $alice);
    ok t_cmp($res->code, 200, "a friend reads bob's timetable of 2024-1: 200");
    ok t_cmp(join(' ', $d->{id} // '', $d->{semester} // '', ($d->{is_primary} ? 'primary' : 'not primary'), $d->{name} // ''),
             "$primary 2024-1 primary 기본 시간표", '... his primary one, not the second');
    ok t_cmp(join(',', map { $_->{id} } @{ $d->{courses} // [] }) . ' ' . ($d->{total_credits} // ''), "$course 3",
             '... with its course and total_credits');
    ($res, $d) = timetable_of(uc $bob->{id}, $alice);
    ok t_cmp($res->code, 200, '... also with the user id in upper case');

    ($res, $d) = timetable_of($alice->{id}, $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a friend without a timetable that semester: 404');
    ($res, $d) = timetable_of($bob->{id}, $alice, '?semester=2024-2');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'another semester without a timetable: 404');
    ($res, $d) = timetable_of($bob->{id}, $alice, '');
    ok t_cmp(verdict($res, $d), '400 invalid semester', 'without ?semester=: 400');
    ($res, $d) = timetable_of($bob->{id}, $alice, '?semester=2024-9');
    ok t_cmp(verdict($res, $d), '400 invalid semester', '?semester=2024-9: 400');
    ($res, $d) = timetable_of($bob->{id}, $carol);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'someone who is not a friend: 403');
    ok t_cmp(json_has_value($d, $primary) || json_has_value($d, '기본 시간표') ? 'leaks' : 'nothing', 'nothing',
             '... and the 403 shows nothing of the timetable');
    ($res, $d) = timetable_of($bob->{id}, $admin);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'an admin who is not a friend: 403');
    ($res, $d) = timetable_of($bob->{id}, $bob);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'oneself is not one\'s friend: 403 (use /timetables/)');
    ($res, $d) = timetable_of($NOBODY, $alice);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'a user id that names nobody: 403');
    ($res, $d) = timetable_of($bob->{id}, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'anonymously: 401');
    ($res) = api(GET => '/friends/not-a-uuid/timetable/?semester=2024-1', token => $alice->{access});
    ok t_cmp($res->code, 404, 'a path that is not a user id: 404');
}

# --- unfriending ---------------------------------------------------------------------------------

{
    my ($res, $d) = unfriend($bob->{id}, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE /friends/{id}/ anonymously: 401');
    ($res, $d) = unfriend($carol->{id}, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unfriending someone who is not a friend: 404');
    ($res, $d) = unfriend($NOBODY, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unfriending a user id that names nobody: 404');
    ($res, $d) = unfriend($alice->{id}, $carol);
    ok t_cmp(verdict($res, $d), '404 not_found ', "a third user cannot end alice's friendships: 404");
    ok t_cmp(friends_of($alice), $bob->{id}, '... none of that changed anything');

    ($res) = unfriend($alice->{id}, $bob);
    ok t_cmp($res->code, 204, 'bob (the receiver of the request) ends the friendship: 204');
    ok t_cmp(friends_of($alice) . ' / ' . friends_of($bob), ' / ', '... both lists are empty');
    ($res, $d) = timetable_of($bob->{id}, $alice);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "the ex-friend reads bob's timetable: 403");
    ($res, $d) = unfriend($bob->{id}, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unfriending again: 404');

    ($res, $d) = request_friend($bob, $alice->{login_id});
    ok t_cmp($res->code, 201, 'after unfriending either may ask again: 201');
    ($res) = answer(accept => $d->{id}, $alice);
    ok t_cmp(friends_of($bob), $alice->{id}, '... and once accepted they are friends again');
    ($res) = unfriend($bob->{id}, $alice);
    ok t_cmp($res->code . ' ' . friends_of($bob), '204 ', 'the sender may end it too: 204');
}

# --- deactivated users ---------------------------------------------------------------------------

{
    my $gone = new_user();
    my ($res, $d) = request_friend($gone, $carol->{login_id});
    my $id = $d->{id};
    api(DELETE => '/accounts/me/', token => $gone->{access}, body => { password => $gone->{password} });
    ($res, $d) = request_friend($carol, $gone->{login_id});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'asking a deactivated user: 404');
    ok t_cmp(pending($carol), ' | ', "a deactivated user's pending request leaves the lists");
    ($res, $d) = answer(accept => $id, $carol);
    ok t_cmp(verdict($res, $d), '404 not_found ', '... and cannot be accepted: 404');
}

# --- concurrency ---------------------------------------------------------------------------------

{
    my ($dave, $erin) = (new_user(), new_user());
    my @codes = together(2, sub {
        my ($from, $to) = $_[0] == 1 ? ($dave, $erin) : ($erin, $dave);
        return (request_friend($from, $to->{login_id}))[0]->code;
    });
    ok t_cmp(join(',', sort @codes), '201,409', 'two users ask each other at once: one 201, one 409');
    my @all = map { split /[ |,]+/, $_ } pending($dave), pending($erin);
    my %ids = map { $_ => 1 } grep { length } @all;
    ok t_cmp(scalar(keys %ids), 1, '... exactly one request is pending');

    my ($frank, $gina) = (new_user(), new_user());
    @codes = together(6, sub { (request_friend($frank, $gina->{login_id}))[0]->code });
    ok t_cmp(join(',', sort @codes), join(',', 201, (409) x 5), 'the same request 6 times at once: one 201, five 409');
    my ($res, $d) = api(GET => '/friends/requests/', token => $gina->{access});
    my $id = $d->{received}[0]{id};
    @codes = together(6, sub { (answer(accept => $id, $gina))[0]->code });
    ok t_cmp(join(',', sort @codes), join(',', 200, (409) x 5), 'accepting 6 times at once: one 200, five 409');
    ok t_cmp(friends_of($frank) . ' / ' . friends_of($gina), "$gina->{id} / $frank->{id}",
             '... friends on both sides, once');
    @codes = together(4, sub {
        my ($who, $other) = $_[0] % 2 ? ($frank, $gina) : ($gina, $frank);
        return (unfriend($other->{id}, $who))[0]->code;
    });
    ok t_cmp(join(',', sort @codes), '204,404,404,404', 'both sides unfriend 4 times at once: one 204, three 404');
    ok t_cmp(friends_of($frank) . ' / ' . friends_of($gina), ' / ', '... and neither has a friend left');

    ($res, $d) = request_friend($gina, $frank->{login_id});
    $id = $d->{id};
    my @got = together(2, sub {
        my $verb = $_[0] == 1 ? 'accept' : 'reject';
        return "$verb " . (answer($verb => $id, $frank))[0]->code;
    });
    my ($won) = map { /^(\w+) 200$/ ? $1 : () } @got;
    ok t_cmp(join(',', sort map { (split / /)[1] } @got), '200,409', 'accept and reject at once: one 200, one 409');
    ok t_cmp(friends_of($frank), ($won // '') eq 'accept' ? $gina->{id} : '',
             '... and the friendship follows the answer that won (' . ($won // 'none') . ')');
}
