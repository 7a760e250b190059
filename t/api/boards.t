# t/api/boards.t: boards (list with filters, create, read, PATCH/DELETE by
# the owner or an admin, soft delete) and favourites (/boards/{id}/favorite/,
# /me/boards/), per API.md "Schools and boards".
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape verdict results keys_of outcome db_session);
use POSIX ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 106;

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my @BOARD_KEYS = qw(allow_anonymous category created_at description id name owner requires_verification school updated_at);

sub ids { return join ',', map { $_->{id} } results(@_) }

# "STATUS CODE field,field" of an answer.
sub list {
    my ($query, $token) = @_;
    return api(GET => '/boards/' . ($query // ''), token => $token);
}
sub board { my ($id, $token) = @_; return api(GET => "/boards/$id/", token => $token) }
sub create { my ($body, $token) = @_; return api(POST => '/boards/', body => $body, token => $token) }
sub patch { my ($id, $body, $token) = @_; return api(PATCH => "/boards/$id/", body => $body, token => $token) }

my $admin = admin_login();
my $owner = new_user();
my $other = new_user();

# --- the public list ---------------------------------------------------------------

{
    my ($res, $d) = list();
    ok t_cmp($res->code . ' ' . keys_of($d), '200 next,results', 'GET /boards/ anonymously: 200 {"results", "next"}');
    ok t_cmp(exists $d->{next} && !defined $d->{next} ? 'null' : 'not null', 'null', 'GET /boards/: next is null');
    my %by_id = map { $_->{id} => $_ } results($d);
    ok t_cmp(join(',', grep { $by_id{$_} } 1 .. 8), '1,2,3,4,5,6,7,8', 'GET /boards/: the seeded boards 1..8');
    ok t_cmp(keys_of($by_id{1}), join(',', @BOARD_KEYS), 'GET /boards/ anonymously: Board keys, no is_favorite');
    ok t_cmp($by_id{1}{name} . ' ' . $by_id{1}{category}, '자유게시판 free', 'GET /boards/: Korean name and category');
    ok t_cmp(keys_of($by_id{1}{school}) . ' ' . $by_id{1}{school}{name}, 'domain,gpa_scale,id,name 서울대학교',
             'GET /boards/: school is the School object');
    ok t_cmp(defined $by_id{1}{owner} ? 'owner' : 'null', 'null', 'GET /boards/: a seeded board has owner null');
    ok t_cmp(($by_id{3}{allow_anonymous} ? 'true' : 'false') . ' ' . ($by_id{1}{allow_anonymous} ? 'true' : 'false'),
             'false true', 'GET /boards/: allow_anonymous as booleans');
    ok t_cmp($by_id{1}{created_at} // '', $TIME_RE, 'GET /boards/: created_at is RFC 3339 with microseconds');
    my @ids = map { $_->{id} } results($d);
    ok t_cmp(join(',', @ids), join(',', sort { $a <=> $b } @ids), 'GET /boards/: ordered by id');

    ($res, $d) = list(undef, $owner->{access});
    my ($b1) = grep { $_->{id} == 1 } results($d);
    ok t_cmp(keys_of($b1), join(',', sort @BOARD_KEYS, 'is_favorite'), 'GET /boards/ signed in: is_favorite present');
    ($res, $d) = list(undef, 'garbage.token.value');
    ok t_cmp($res->code, 200, 'GET /boards/ is public: a bad token is ignored');
}

# filters
{
    my ($res, $d) = list('?school=2');
    ok t_cmp($res->code . ' ' . join(',', grep { $_ <= 8 } split /,/, ids($d)), '200 5,6', '?school=2: the boards of 연세대학교');
    ok t_cmp(scalar(grep { $_->{school}{id} != 2 } results($d)), 0, '?school=2: nothing of another school');
    ($res, $d) = list('?category=secret');
    ok t_cmp(join(',', grep { $_ <= 8 } split /,/, ids($d)), '2,6', '?category=secret: both secret boards');
    ok t_cmp(scalar(grep { $_->{category} ne 'secret' } results($d)), 0, '?category=: an exact match');
    ($res, $d) = list('?name=' . query_escape('정보'));
    ok t_cmp(join(',', grep { $_ <= 8 } split /,/, ids($d)), '4,8', '?name=정보 (Korean, contains)');
    ($res, $d) = list('?school=1&category=free&name=' . query_escape('자유'));
    ok t_cmp(join(',', grep { $_ <= 8 } split /,/, ids($d)), '1', 'the filters combine');
    ($res, $d) = list('?school=999999');
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', '?school= of an unknown school: an empty list');
    ($res, $d) = list('?school=abc');
    ok t_cmp(verdict($res, $d), '400 invalid school', '?school=abc: 400 naming school');
    ($res, $d) = list('?school=0');
    ok t_cmp(verdict($res, $d), '400 invalid school', '?school=0: 400');
    ($res, $d) = list('?name=%ED%95');
    ok t_cmp(verdict($res, $d), '400 invalid name', '?name= not valid UTF-8: 400');
    ($res, $d) = list('?name=' . query_escape('%'));
    ok t_cmp(scalar(grep { $_->{name} !~ /%/ } results($d)), 0, '?name=% matches a literal %');
}

# --- creating ------------------------------------------------------------------------

my $name = '테스트게시판' . hangul(3);
my $board;
{
    my ($res, $d) = create({ school => 1, category => 'club', name => $name,
                             description => '동아리 이야기 🎸' }, $owner->{access});
    ok t_cmp($res->code, 201, 'POST /boards/: 201');
    ok t_cmp(keys_of($d), join(',', sort @BOARD_KEYS, 'is_favorite'), 'POST /boards/: a Board');
    ok t_cmp(join('|', $d->{name} // '', $d->{category} // '', $d->{description} // ''),
             "$name|club|동아리 이야기 🎸", 'POST /boards/: Korean text round-trips');
    ok t_cmp(keys_of($d->{owner}) . ' ' . ($d->{owner}{id} // '') . ' ' . ($d->{owner}{nickname} // ''),
             "id,nickname $owner->{id} $owner->{login_id}", 'POST /boards/: the caller owns it');
    ok t_cmp(($d->{allow_anonymous} ? 'true' : 'false') . ' ' . ($d->{is_favorite} ? 'true' : 'false'),
             'true false', 'POST /boards/: allow_anonymous defaults to true; not a favourite');
    ok t_cmp($d->{school}{id} // 0, 1, 'POST /boards/: the school object');
    $board = $d;
    ($res, $d) = board($board->{id});
    ok t_cmp($res->code . ' ' . ($d->{name} // ''), "200 $name", 'GET /boards/{id}/: the new board');
    ok t_cmp(keys_of($d), join(',', @BOARD_KEYS), 'GET /boards/{id}/ anonymously: no is_favorite');
    ($res, $d) = list('?name=' . query_escape($name));
    ok t_cmp(ids($d), $board->{id}, 'the new board is listed');

    ($res, $d) = create({ school => 2, category => 'market', name => '장터' . hangul(3),
                          allow_anonymous => JSON::PP::false }, $other->{access});
    ok t_cmp($res->code . ' ' . ($d->{allow_anonymous} ? 'true' : 'false') . ' ' . ($d->{description} // 'null'),
             '201 false ', 'POST /boards/ with allow_anonymous false, no description: description ""');
}

# auth rules and bad input; none of them creates anything
{
    my $try = '안만들어짐' . hangul(4);
    my %good = (school => 1, category => 'free', name => $try);
    my ($res, $d) = create({ %good }, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /boards/ anonymously: 401');
    ($res, $d) = create({ %good }, 'garbage.token.value');
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'POST /boards/ with a garbage token: 401');
    ($res, $d) = create({}, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid category,name,school', 'POST /boards/ {}: 400 naming the required fields');
    ($res, $d) = create({ %good, school => 999999 }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid school', 'POST /boards/ with an unknown school: 400');
    ($res, $d) = create({ %good, school => 'abc' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid school', 'POST /boards/ with school "abc": 400');
    ($res, $d) = create({ %good, name => '   ' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid name', 'POST /boards/ with a blank name: 400');
    ($res, $d) = create({ %good, name => hangul(101) }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid name', 'POST /boards/ with a 101-character name: 400');
    ($res, $d) = create({ %good, category => 'c' x 51 }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid category', 'POST /boards/ with a 51-character category: 400');
    ($res, $d) = create({ %good, description => 'd' x 501 }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid description', 'POST /boards/ with a 501-character description: 400');
    ($res, $d) = create({ %good, allow_anonymous => 'maybe' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid allow_anonymous', 'POST /boards/ with allow_anonymous "maybe": 400');
    ($res, $d) = create({ %good, name => [1] }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid name', 'POST /boards/ with a list as name: 400');
    ($res, $d) = api(POST => '/boards/', raw => '{"school": 1,', type => 'application/json', token => $owner->{access});
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'POST /boards/ with malformed JSON: 400 parse_error');
    ($res, $d) = api(POST => '/boards/', raw => '[1]', type => 'application/json', token => $owner->{access});
    ok t_cmp($res->code, 400, 'POST /boards/ with a JSON array: 400');
    ($res, $d) = api(POST => '/boards/', raw => '{"school":1,"category":"free","name":"x"}', type => 'text/plain',
                     token => $owner->{access});
    ok t_cmp($res->code, 415, 'POST /boards/ as text/plain: 415');
    ($res, $d) = list('?name=' . query_escape($try));
    ok t_cmp('[' . ids($d) . ']', '[]', 'refused creations created nothing');
}

# --- reading -------------------------------------------------------------------------------

{
    my ($res, $d) = board(999999);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'GET /boards/999999/: 404');
    ($res, $d) = board(1);
    ok t_cmp($res->code . ' ' . ($d->{name} // ''), '200 자유게시판', 'GET /boards/1/: a seeded board');
    ($res) = api(GET => "/boards/$board->{id}");
    ok t_cmp($res->code, 200, 'GET /boards/{id} without the trailing slash: 200');
    ($res) = api(PUT => "/boards/$board->{id}/", body => {}, token => $owner->{access});
    ok t_cmp($res->code . ' ' . join(',', sort split /\s*,\s*/, $res->header('Allow') // ''), '405 DELETE,GET,PATCH',
             'PUT /boards/{id}/: 405 with Allow');
}

# --- PATCH -------------------------------------------------------------------------------------

{
    my $id = $board->{id};
    my ($res, $d) = patch($id, { name => '바뀐이름' }, $other->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PATCH by another user: 403');
    ($res, $d) = patch($id, { name => '' }, $other->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PATCH by another user with a bad body: still 403');
    ($res, $d) = patch($id, { name => '바뀐이름' }, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PATCH anonymously: 401');
    (undef, $d) = board($id);
    ok t_cmp($d->{name} // '', $name, 'refused PATCHes changed nothing');

    my $new = '새이름' . hangul(3);
    ($res, $d) = patch($id, { name => $new, allow_anonymous => JSON::PP::false }, $owner->{access});
    ok t_cmp($res->code . ' ' . ($d->{name} // '') . ' ' . ($d->{allow_anonymous} ? 'true' : 'false'),
             "200 $new false", 'PATCH by the owner: 200 with the change');
    ok t_cmp(($d->{category} // '') . ' ' . ($d->{description} // ''), 'club 동아리 이야기 🎸',
             'PATCH: fields not sent keep their values');
    ok t_cmp(($d->{updated_at} // '') gt ($board->{updated_at} // '') ? 'later' : 'not later', 'later',
             'PATCH: updated_at moves');
    ($res, $d) = patch($id, { description => undef }, $owner->{access});
    ok t_cmp($res->code . ' [' . ($d->{description} // 'null') . ']', '200 []', 'PATCH description null: ""');

    ($res, $d) = patch($id, { name => '   ' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid name', 'PATCH with a blank name: 400');
    ($res, $d) = patch($id, { school => 999999 }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid school', 'PATCH with an unknown school: 400');
    ($res, $d) = patch($id, { allow_anonymous => 'x', category => 'c' x 51 }, $owner->{access});
    ok t_cmp(verdict($res, $d), '400 invalid allow_anonymous,category', 'PATCH with two bad fields: both named');
    ($res, $d) = api(PATCH => "/boards/$id/", raw => '{"name":', type => 'application/json', token => $owner->{access});
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'PATCH with malformed JSON: 400');
    (undef, $d) = board($id);
    ok t_cmp(($d->{name} // '') . ' ' . ($d->{allow_anonymous} ? 'true' : 'false'), "$new false",
             'refused PATCHes changed nothing');

    ($res, $d) = patch($id, { category => 'study', school => 3 }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{category} // '') . ' ' . ($d->{school}{id} // ''), '200 study 3',
             'PATCH by an admin: 200');
    ok t_cmp($d->{owner}{id} // '', $owner->{id}, 'PATCH by an admin: the owner stays');
    ($res, $d) = patch(1, { description => '바꿈' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PATCH of a seeded board (no owner) by a user: 403');
    ($res, $d) = patch(999999, { name => 'x' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH of an unknown board: 404');
}

# --- favourites ------------------------------------------------------------------------------

{
    my $id = $board->{id};
    my ($res, $d) = api(POST => "/boards/$id/favorite/", token => $other->{access});
    ok t_cmp($res->code . ' ' . ($d->{id} // '') . ' ' . ($d->{is_favorite} ? 'true' : 'false'), "201 $id true",
             'POST /boards/{id}/favorite/: 201, the board with is_favorite true');
    ($res, $d) = api(POST => "/boards/$id/favorite/", token => $other->{access});
    ok t_cmp(verdict($res, $d), '409 conflict ', 'pinning twice: 409 conflict');
    ($res, $d) = api(POST => '/boards/2/favorite/', token => $other->{access});
    ok t_cmp($res->code, 201, 'pinning a second board: 201');
    ($res, $d) = api(GET => '/me/boards/', token => $other->{access});
    ok t_cmp($res->code . ' ' . ids($d), "200 $id,2", 'GET /me/boards/: pinned boards, in the order pinned');
    ok t_cmp(scalar(grep { !$_->{is_favorite} } results($d)), 0, 'GET /me/boards/: each is_favorite true');
    ok t_cmp(exists $d->{next} && !defined $d->{next} ? 'null' : 'not null', 'null', 'GET /me/boards/: next null');
    ($res, $d) = board($id, $other->{access});
    ok t_cmp($d->{is_favorite} ? 'true' : 'false', 'true', 'GET /boards/{id}/ by the pinner: is_favorite true');
    ($res, $d) = board($id, $owner->{access});
    ok t_cmp($d->{is_favorite} ? 'true' : 'false', 'false', 'GET /boards/{id}/ by someone else: is_favorite false');
    ($res, $d) = list(undef, $other->{access});
    ok t_cmp(join(',', map { $_->{id} } grep { $_->{is_favorite} } results($d)), join(',', sort { $a <=> $b } 2, $id),
             'GET /boards/ signed in: is_favorite true on exactly the pinned boards');
    ($res, $d) = api(GET => '/me/boards/', token => $owner->{access});
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', 'GET /me/boards/ of another user: their own (none)');

    ($res, $d) = api(POST => "/boards/$id/favorite/");
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'pinning anonymously: 401');
    ($res, $d) = api(GET => '/me/boards/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /me/boards/ anonymously: 401');
    ($res, $d) = api(POST => '/boards/999999/favorite/', token => $other->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'pinning an unknown board: 404');

    ($res, $d) = api(DELETE => '/boards/2/favorite/', token => $other->{access});
    ok t_cmp($res->code . ' ' . length($res->content), '204 0', 'DELETE /boards/{id}/favorite/: 204');
    ($res, $d) = api(DELETE => '/boards/2/favorite/', token => $other->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unpinning what is not pinned: 404');
    ($res, $d) = api(DELETE => "/boards/$id/favorite/", token => $owner->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', "unpinning another user's pin: 404 (theirs stays)");
    ($res, $d) = api(DELETE => "/boards/$id/favorite/");
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'unpinning anonymously: 401');
    ($res, $d) = api(GET => '/me/boards/', token => $other->{access});
    ok t_cmp(ids($d), $id, 'GET /me/boards/: the unpinned board is gone, the other stays');
}

# --- DELETE ----------------------------------------------------------------------------------

{
    my $id = $board->{id};
    my ($res, $d) = api(DELETE => "/boards/$id/", token => $other->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'DELETE by another user: 403');
    ($res, $d) = api(DELETE => "/boards/$id/");
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE anonymously: 401');
    ($res, $d) = api(DELETE => '/boards/1/', token => $owner->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'DELETE of a seeded board by a user: 403');
    ($res) = board($id);
    ok t_cmp($res->code, 200, 'refused DELETEs deleted nothing');

    ($res, $d) = api(DELETE => "/boards/$id/", token => $owner->{access});
    ok t_cmp($res->code . ' ' . length($res->content), '204 0', 'DELETE by the owner: 204');
    ($res, $d) = board($id);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a deleted board reads as 404');
    ($res, $d) = list('?school=3');
    ok t_cmp(scalar(grep { $_->{id} == $id } results($d)), 0, 'a deleted board vanishes from the list');
    ($res, $d) = api(GET => '/me/boards/', token => $other->{access});
    ok t_cmp('[' . ids($d) . ']', '[]', 'a deleted board vanishes from /me/boards/');
    ($res, $d) = patch($id, { name => 'x' }, $owner->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH of a deleted board: 404');
    ($res, $d) = api(DELETE => "/boards/$id/", token => $owner->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE of a deleted board: 404');
    ($res, $d) = api(POST => "/boards/$id/favorite/", token => $owner->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'pinning a deleted board: 404');
    ($res, $d) = api(GET => "/boards/$id/posts/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'the posts of a deleted board: 404');

    # an admin may delete any board
    (undef, $d) = create({ school => 1, category => 'free', name => '관리자삭제' . hangul(3) }, $owner->{access});
    ($res) = api(DELETE => "/boards/$d->{id}/", token => $admin->{access});
    ok t_cmp($res->code, 204, 'DELETE by an admin: 204');
    ($res) = board($d->{id});
    ok t_cmp($res->code, 404, 'deleted by an admin: 404');
}

# --- a pin that loses on the unique key ------------------------------------------------------
# Another session pins the board in a transaction it has not committed: the
# API's check does not see the row, and its insert waits on the key, then
# fails when the session commits. The database's unique violation is read as
# a conflict (the log says so) and answered 409 as it is, without a second
# query to guess why the insert failed.

sub error_log_size { return -s (Apache::Test::vars('t_logs') . '/error_log') // 0 }

{
    my $pinner = new_user();
    my $id = 1;    # a seeded board (the one created above is deleted by now)
    my $since = error_log_size();
    my $session = db_session();
    $session->run('BEGIN;');
    $session->run('INSERT INTO board_favorites (user_id, board_id, created_at) '
                  . "VALUES ('$pinner->{id}', $id, 1);");
    pipe(my $rd, my $wr) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        close $rd;
        my ($res, $d) = api(POST => "/boards/$id/favorite/", token => $pinner->{access});
        print {$wr} outcome($res, $d);
        close $wr;
        POSIX::_exit(0);
    }
    close $wr;
    sleep 2;    # the request has checked and waits on the key
    $session->run('COMMIT;');
    $session->close;
    my $got = do { local $/; readline $rd } // 'no answer';
    waitpid $pid, 0;
    ok t_cmp($got, '409 {"code":"conflict","detail":"This board is already in your favorites."}',
             "a pin that loses on the unique key: 409 conflict ($ENV{ET_TEST_DBDRIVER})");
    my $log = '';
    if (open my $fh, '<', Apache::Test::vars('t_logs') . '/error_log') {
        seek $fh, $since, 0;
        local $/;
        $log = <$fh> // '';
    }
    ok t_cmp(($log =~ /statement et_brd_fav_insert failed \(conflict,/) ? 'conflict' : 'not logged',
             'conflict', 'the refused insert is logged as a conflict, from the driver\'s own code');
}

# --- a deactivated owner -------------------------------------------------------------------

{
    my $gone = new_user();
    my (undef, $b) = create({ school => 1, category => 'free', name => '탈퇴자' . hangul(3) }, $gone->{access});
    my ($res) = api(DELETE => '/accounts/me/', token => $gone->{access}, body => { password => $gone->{password} });
    ok t_cmp($res->code, 204, 'the owner deactivates their account');
    my $d;
    ($res, $d) = board($b->{id});
    ok t_cmp(($d->{owner}{id} // 'null') . ' ' . ($d->{owner}{nickname} // ''), 'null deleted-user',
             'a deactivated owner shows as deleted-user');
    ok t_cmp(json_has_value($d, $gone->{id}) ? 'leaks' : 'absent', 'absent', "a deactivated owner's id appears nowhere");
}
