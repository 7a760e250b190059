# t/api/posts.t: posts: create, read, PUT/PATCH, soft delete by the author or
# an admin; the lists (/posts/, /boards/{id}/posts/, /posts/hot/,
# /me/posts/) with their filters and keyset cursors; anonymity, per API.md
# "Posts, comments, likes, scraps".
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape b64url b64url_decode verdict results keys_of db_query);

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 172;

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my @POST_KEYS = qw(author board comment_count content created_at hot_at id is_anonymous is_liked is_mine
                   is_question is_scrapped like_count media scrap_count title updated_at);

sub ids { return join ',', map { $_->{id} } results(@_) }
sub bool { return $_[0] ? 'true' : 'false' }

my $admin = admin_login();
my $alice = new_user();   # writes named and anonymous posts
my $bob = new_user();     # another user
my $carol = new_user();   # writes anonymous posts only

sub create_board {
    my (%o) = @_;
    my ($res, $d) = api(POST => '/boards/', token => $alice->{access},
                        body => { school => 1, category => 'free', name => '글판' . hangul(4), %o });
    die 'board: ' . $res->content unless $res->code == 201;
    return $d->{id};
}
my $board = create_board();
my $named_board = create_board(allow_anonymous => JSON::PP::false);

sub create { my ($body, $token) = @_; return api(POST => '/posts/', body => $body, token => $token) }
sub post_get { my ($id, $token) = @_; return api(GET => "/posts/$id/", token => $token) }
sub write_post {
    my ($user, %o) = @_;
    my ($res, $d) = create({ board => $board, title => '제목 ' . hangul(3), content => '내용 ' . hangul(8), %o },
                           $user->{access});
    die 'post: ' . $res->content unless $res->code == 201;
    return $d;
}

# --- creating ---------------------------------------------------------------------

my $post;
{
    my $title = '첫 글: ' . hangul(5);
    my $content = "안녕하세요 👋\n여러 줄의 \"내용\" " . hangul(20);
    my ($res, $d) = create({ board => $board, title => $title, content => $content,
                             is_anonymous => JSON::PP::false, is_question => JSON::PP::true }, $alice->{access});
    ok t_cmp($res->code, 201, 'POST /posts/: 201');
    ok t_cmp(keys_of($d), join(',', @POST_KEYS), 'POST /posts/: a Post with exactly its keys');
    ok t_cmp(($d->{title} // '') . '|' . ($d->{content} // ''), "$title|$content", 'POST /posts/: Korean text round-trips');
    ok t_cmp(keys_of($d->{author}) . ' ' . ($d->{author}{id} // '') . ' ' . ($d->{author}{nickname} // ''),
             "id,nickname $alice->{id} $alice->{login_id}", 'POST /posts/: the author is {id, nickname}');
    ok t_cmp(join(' ', $d->{board} // '', bool($d->{is_anonymous}), bool($d->{is_question}), bool($d->{is_mine}),
                  bool($d->{is_liked}), bool($d->{is_scrapped})),
             "$board false true true false false", 'POST /posts/: board, flags, is_mine');
    ok t_cmp(join(' ', $d->{like_count} // '', $d->{comment_count} // '', $d->{scrap_count} // '',
                  defined $d->{hot_at} ? 'hot' : 'null', ref $d->{media} eq 'ARRAY' ? scalar @{ $d->{media} } : 'none'),
             '0 0 0 null 0', 'POST /posts/: counters 0, hot_at null, media []');
    ok t_cmp(($d->{created_at} // '') . ' ' . ($d->{updated_at} // ''), qr/^\S+Z \S+Z$/, 'POST /posts/: times');
    ok t_cmp($d->{created_at} // '', $TIME_RE, 'POST /posts/: created_at is RFC 3339 with microseconds');
    $post = $d;

    ($res, $d) = post_get($post->{id});
    ok t_cmp($res->code . ' ' . ($d->{title} // ''), "200 $title", 'GET /posts/{id}/ anonymously: 200');
    ok t_cmp(join(' ', bool($d->{is_mine}), bool($d->{is_liked}), bool($d->{is_scrapped})), 'false false false',
             'GET /posts/{id}/ anonymously: is_mine, is_liked, is_scrapped false');
    ($res, $d) = post_get($post->{id}, $bob->{access});
    ok t_cmp(bool($d->{is_mine}), 'false', 'GET /posts/{id}/ by another user: is_mine false');
    ($res, $d) = post_get($post->{id}, $alice->{access});
    ok t_cmp(bool($d->{is_mine}), 'true', 'GET /posts/{id}/ by the author: is_mine true');
    ($res, $d) = post_get($post->{id}, 'garbage.token.value');
    ok t_cmp($res->code, 200, 'GET /posts/{id}/ is public: a bad token is ignored');
    ($res, $d) = post_get(999999999);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'GET /posts/999999999/: 404');

    ($res, $d) = create({ board => $board, title => 't', content => 'c' }, $alice->{access});
    ok t_cmp($res->code . ' ' . bool($d->{is_anonymous}) . ' ' . bool($d->{is_question}), '201 false false',
             'POST /posts/ without the flags: both false');
    ($res, $d) = create({ board => $board, title => hangul(200), content => hangul(20000) }, $alice->{access});
    ok t_cmp($res->code . ' ' . length($d->{title} // '') . ' ' . length($d->{content} // ''), '201 200 20000',
             'POST /posts/ with a 200-character title and 20000-character content (Korean): stored whole');
}

# anonymous posts
my $anon;
{
    my ($res, $d) = create({ board => $board, title => '익명 글', content => '누군지 모르겠지', is_anonymous => JSON::PP::true },
                           $alice->{access});
    ok t_cmp($res->code . ' ' . keys_of($d->{author}) . ' ' . ($d->{author}{id} // 'null') . ' ' . ($d->{author}{nickname} // ''),
             '201 id,nickname null 익명', 'POST /posts/ anonymous: author {"id": null, "nickname": "익명"}');
    ok t_cmp(bool($d->{is_anonymous}) . ' ' . bool($d->{is_mine}), 'true true', 'anonymous: is_anonymous, is_mine for the writer');
    $anon = $d;
    ($res, $d) = post_get($anon->{id}, $bob->{access});
    ok t_cmp(json_has_value($d, $alice->{id}) ? 'leaks' : 'absent', 'absent',
             "GET /posts/{id}/ of an anonymous post: the writer's id appears nowhere");
    ok t_cmp(($d->{author}{nickname} // '') . ' ' . bool($d->{is_mine}), '익명 false', 'anonymous, seen by another: 익명');

    my $title = '안되는 익명' . hangul(4);
    ($res, $d) = create({ board => $named_board, title => $title, content => 'x', is_anonymous => JSON::PP::true },
                        $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid is_anonymous', 'an anonymous post on a board that refuses them: 400');
    ($res, $d) = api(GET => "/boards/$named_board/posts/");
    ok t_cmp('[' . ids($d) . ']', '[]', 'the refused anonymous post was not written');
    ($res, $d) = create({ board => $named_board, title => '실명', content => 'x' }, $alice->{access});
    ok t_cmp($res->code, 201, 'a named post on that board: 201');
}

# auth and bad input; nothing of it is written
{
    my %good = (board => $board, title => '안써짐' . hangul(4), content => '내용');
    my ($res, $d) = create({ %good }, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /posts/ anonymously: 401');
    ($res, $d) = create({ %good }, 'garbage.token.value');
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'POST /posts/ with a garbage token: 401');
    my @bad = (
        [{}, 'board,content,title', 'an empty body'],
        [{ %good, board => 999999999 }, 'board', 'an unknown board'],
        [{ %good, board => 'abc' }, 'board', 'board "abc"'],
        [{ %good, board => undef }, 'board', 'board null'],
        [{ %good, title => '   ' }, 'title', 'a blank title'],
        [{ %good, content => '' }, 'content', 'empty content'],
        [{ %good, title => 'x' x 201 }, 'title', 'a 201-character title'],
        [{ %good, title => hangul(201) }, 'title', 'a 201-character Korean title'],
        [{ %good, content => 'x' x 20001 }, 'content', '20001 characters of content'],
        [{ %good, title => 5 }, 'title', 'a number as title'],
        [{ %good, is_anonymous => 'maybe' }, 'is_anonymous', 'is_anonymous "maybe"'],
        [{ %good, is_question => [1] }, 'is_question', 'is_question a list'],
        [{ %good, title => "a\x{0}b" }, 'title', 'a NUL in the title'],
    );
    for my $b (@bad) {
        ($res, $d) = create($b->[0], $alice->{access});
        ok t_cmp(verdict($res, $d), "400 invalid $b->[1]", "POST /posts/ with $b->[2]: 400 naming $b->[1]");
    }
    ($res, $d) = api(POST => '/posts/', raw => '{"board": 1, "title": ', type => 'application/json',
                     token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'POST /posts/ with malformed JSON: 400 parse_error');
    ($res, $d) = api(POST => '/posts/', raw => '"text"', type => 'application/json', token => $alice->{access});
    ok t_cmp($res->code, 400, 'POST /posts/ with a JSON string: 400');
    ($res, $d) = api(GET => '/posts/?title=' . query_escape($good{title}));
    ok t_cmp('[' . ids($d) . ']', '[]', 'refused posts were not written');
}

# --- PUT / PATCH ------------------------------------------------------------------------

{
    my $id = $post->{id};
    my %full = (board => $board, title => '고친 제목', content => '고친 내용', is_anonymous => JSON::PP::false,
                is_question => JSON::PP::false);
    my ($res, $d) = api(PUT => "/posts/$id/", body => { %full }, token => $bob->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PUT by another user: 403');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => '남이 고침' }, token => $bob->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PATCH by another user: 403');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => '' }, token => $bob->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'PATCH by another user with a bad body: still 403');
    ($res, $d) = api(DELETE => "/posts/$id/", token => $bob->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'DELETE by another user: 403');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => '익명이 고침' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PATCH anonymously: 401');
    ($res, $d) = api(PUT => "/posts/$id/", body => { %full });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PUT anonymously: 401');
    ($res, $d) = api(DELETE => "/posts/$id/");
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE anonymously: 401');
    ($res, $d) = post_get($id);
    ok t_cmp(($d->{title} // '') . ' ' . ($d->{updated_at} // ''), "$post->{title} $post->{updated_at}",
             'refused writes changed nothing');

    my %part = %full;
    delete $part{is_question};
    ($res, $d) = api(PUT => "/posts/$id/", body => { %part }, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid is_question', 'PUT without every field: 400 naming the missing one');
    ($res, $d) = api(PUT => "/posts/$id/", body => {}, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid board,content,is_anonymous,is_question,title', 'PUT {}: 400 naming all five');
    ($res, $d) = api(PUT => "/posts/$id/", body => { %full }, token => $alice->{access});
    ok t_cmp($res->code . ' ' . ($d->{title} // '') . ' ' . ($d->{content} // '') . ' ' . bool($d->{is_question}),
             '200 고친 제목 고친 내용 false', 'PUT by the author: 200 with every field');
    ok t_cmp(($d->{updated_at} // '') gt $post->{updated_at} ? 'later' : 'same', 'later', 'PUT: updated_at moves');
    ok t_cmp($d->{created_at} // '', $post->{created_at}, 'PUT: created_at stays');

    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => '부분 수정' }, token => $alice->{access});
    ok t_cmp($res->code . ' ' . ($d->{title} // '') . ' ' . ($d->{content} // ''), '200 부분 수정 고친 내용',
             'PATCH title only: 200, content kept');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => ' ' }, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid title', 'PATCH with a blank title: 400');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { board => 999999999 }, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid board', 'PATCH to an unknown board: 400');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { board => $named_board, is_anonymous => JSON::PP::true },
                     token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid is_anonymous', 'PATCH anonymous onto a board that refuses it: 400');
    ($res, $d) = api(PATCH => "/posts/$id/", raw => '{"title":', type => 'application/json', token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'PATCH with malformed JSON: 400');
    ($res, $d) = post_get($id);
    ok t_cmp(($d->{title} // '') . ' ' . ($d->{board} // '') . ' ' . bool($d->{is_anonymous}), "부분 수정 $board false",
             'refused PATCHes changed nothing');

    ($res, $d) = api(PATCH => "/posts/$id/", body => { content => '관리자가 고침' }, token => $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{content} // '') . ' ' . ($d->{author}{id} // ''), "200 관리자가 고침 $alice->{id}",
             'PATCH by an admin: 200, the author stays');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { board => $named_board }, token => $alice->{access});
    ok t_cmp($res->code . ' ' . ($d->{board} // ''), "200 $named_board", 'PATCH board: the post moves');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { board => $board }, token => $alice->{access});
    ok t_cmp($res->code, 200, 'PATCH board back');
    ($res, $d) = api(PATCH => '/posts/999999999/', body => { title => 'x' }, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH of an unknown post: 404');
    ($res) = api(POST => "/posts/$id/", body => {}, token => $alice->{access});
    ok t_cmp($res->code . ' ' . join(',', sort split /\s*,\s*/, $res->header('Allow') // ''), '405 DELETE,GET,PATCH,PUT',
             'POST /posts/{id}/: 405 with Allow');
}

# --- DELETE -------------------------------------------------------------------------------

{
    my $gone = write_post($alice, title => '지울 글 ' . hangul(4));
    my $id = $gone->{id};
    my ($res, $d) = api(DELETE => "/posts/$id/", token => $alice->{access});
    ok t_cmp($res->code . ' ' . length($res->content), '204 0', 'DELETE by the author: 204');
    ($res, $d) = post_get($id);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a deleted post reads as 404');
    ($res, $d) = api(GET => "/posts/?board=$board&limit=100");
    ok t_cmp(scalar(grep { $_->{id} == $id } results($d)), 0, 'a deleted post is gone from /posts/');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=100");
    ok t_cmp(scalar(grep { $_->{id} == $id } results($d)), 0, 'a deleted post is gone from /boards/{id}/posts/');
    ($res, $d) = api(GET => '/me/posts/?limit=100', token => $alice->{access});
    ok t_cmp(scalar(grep { $_->{id} == $id } results($d)), 0, 'a deleted post is gone from /me/posts/');
    ($res, $d) = api(GET => '/posts/?title=' . query_escape($gone->{title}));
    ok t_cmp('[' . ids($d) . ']', '[]', 'a deleted post is not found by search');
    ($res, $d) = api(PATCH => "/posts/$id/", body => { title => 'x' }, token => $alice->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH of a deleted post: 404');
    ($res, $d) = api(PUT => "/posts/$id/", token => $alice->{access},
                     body => { board => $board, title => 'x', content => 'y', is_anonymous => 0, is_question => 0 });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PUT of a deleted post: 404');
    ($res, $d) = api(DELETE => "/posts/$id/", token => $alice->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE of a deleted post: 404');

    my $other = write_post($bob);
    ($res) = api(DELETE => "/posts/$other->{id}/", token => $admin->{access});
    ok t_cmp($res->code, 204, "DELETE of another's post by an admin: 204");
    ($res) = post_get($other->{id});
    ok t_cmp($res->code, 404, 'deleted by an admin: 404');
}

# --- lists: shape, filters, search ---------------------------------------------------------

{
    my ($res, $d) = api(GET => '/posts/');
    ok t_cmp($res->code . ' ' . keys_of($d), '200 next,results', 'GET /posts/: {"results", "next"}');
    ok t_cmp(scalar(results($d)) <= 20 ? 'at most 20' : 'more', 'at most 20', 'GET /posts/: 20 by default');
    my @ids = map { $_->{id} } results($d);
    ok t_cmp(join(',', @ids), join(',', sort { $b <=> $a } @ids), 'GET /posts/: newest first');
    ok t_cmp(keys_of((results($d))[0]), join(',', @POST_KEYS), 'GET /posts/: each a Post');

    ($res, $d) = api(GET => "/boards/$board/posts/?limit=100", token => $alice->{access});
    my @mine = grep { $_->{is_mine} } results($d);
    ok t_cmp(scalar(@mine) >= 3 ? 'mine' : 'missing', 'mine', '/boards/{id}/posts/: is_mine for the signed-in author');
    ok t_cmp(scalar(grep { $_->{board} != $board } results($d)), 0, '/boards/{id}/posts/: only that board');
    ($res, $d) = api(GET => "/boards/$board/posts/?board=$named_board");
    ok t_cmp(scalar(grep { $_->{board} != $board } results($d)), 0, '/boards/{id}/posts/: the path wins over ?board=');
    ($res, $d) = api(GET => '/boards/999999999/posts/');
    ok t_cmp(verdict($res, $d), '404 not_found ', '/boards/{id}/posts/ of an unknown board: 404');
    ($res, $d) = api(GET => '/posts/?board=999999999');
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', '/posts/?board= of an unknown board: an empty list');
    ($res, $d) = api(GET => '/posts/?board=abc');
    ok t_cmp(verdict($res, $d), '400 invalid board', '/posts/?board=abc: 400');
    ($res, $d) = api(GET => '/posts/?user=not-a-uuid');
    ok t_cmp(verdict($res, $d), '400 invalid user', '/posts/?user=not-a-uuid: 400');
    ($res, $d) = api(GET => '/posts/?title=%ED%95');
    ok t_cmp(verdict($res, $d), '400 invalid title', '/posts/?title= not UTF-8: 400');
    ($res, $d) = api(GET => '/posts/?board=abc&limit=0&cursor=x');
    ok t_cmp(verdict($res, $d), '400 invalid board,cursor,limit', 'every bad parameter is named at once');
}

# Korean search on title and content, case-insensitive
{
    my $word = hangul(3);
    my $t = write_post($bob, title => "공지 ${word} 입니다", content => '평범한 내용');
    my $c = write_post($bob, title => '평범한 제목', content => "본문에만 ${word}가 있음");
    my $e = write_post($bob, title => "Mixed CaseTitle$word", content => 'ASCII content HeLLo' . $word);
    my ($res, $d) = api(GET => '/posts/?title=' . query_escape($word));
    ok t_cmp(ids($d), "$e->{id},$t->{id}", '?title= (Korean): titles containing it, newest first');
    ($res, $d) = api(GET => '/posts/?q=' . query_escape($word));
    ok t_cmp(ids($d), "$e->{id},$c->{id},$t->{id}", '?q= (Korean): title or content');
    ($res, $d) = api(GET => '/posts/?title=' . query_escape("mixed casetitle$word"));
    ok t_cmp(ids($d), $e->{id}, '?title= is case-insensitive');
    ($res, $d) = api(GET => '/posts/?q=' . query_escape("hello$word"));
    ok t_cmp(ids($d), $e->{id}, '?q= is case-insensitive on content');
    ($res, $d) = api(GET => "/boards/$board/posts/?q=" . query_escape($word) . "&title=" . query_escape('공지'));
    ok t_cmp(ids($d), $t->{id}, '/boards/{id}/posts/ with ?q= and ?title= together');
    ($res, $d) = api(GET => "/boards/$named_board/posts/?q=" . query_escape($word));
    ok t_cmp('[' . ids($d) . ']', '[]', 'search within another board: nothing');
    ($res, $d) = api(GET => "/posts/?user=$bob->{id}&q=" . query_escape($word));
    ok t_cmp(ids($d), "$e->{id},$c->{id},$t->{id}", '?user= with ?q=');
    ($res, $d) = api(GET => '/posts/?q=' . query_escape("${word}%"));
    ok t_cmp('[' . ids($d) . ']', '[]', '?q= takes % literally');
}

# ?user= and anonymity: the anonymous writer's id appears nowhere
{
    my $c1 = write_post($carol, is_anonymous => JSON::PP::true, title => '캐롤 익명 1');
    my $c2 = write_post($carol, is_anonymous => JSON::PP::true, title => '캐롤 익명 2');
    my @views = (
        ["/posts/$c1->{id}/", 'GET /posts/{id}/'],
        ['/posts/?limit=100', 'GET /posts/'],
        ["/posts/?board=$board&limit=100", 'GET /posts/?board='],
        ["/boards/$board/posts/?limit=100", 'GET /boards/{id}/posts/'],
        ["/posts/?user=$carol->{id}", 'GET /posts/?user=<the writer>'],
        ['/posts/?q=' . query_escape('캐롤 익명'), 'GET /posts/?q='],
    );
    for my $v (@views) {
        for my $who ([$bob->{access}, 'another user'], [undef, 'an anonymous caller']) {
            my ($res, $d) = api(GET => $v->[0], token => $who->[0]);
            ok t_cmp($res->code . ' ' . (json_has_value($d, $carol->{id}) ? 'leaks' : 'absent'), '200 absent',
                     "$v->[1] as $who->[1]: the anonymous writer's id appears nowhere");
        }
    }
    my ($res, $d) = api(GET => "/posts/?user=$carol->{id}", token => $bob->{access});
    ok t_cmp('[' . ids($d) . ']', '[]', "?user= does not match the writer's anonymous posts for others");
    ($res, $d) = api(GET => "/posts/?user=$carol->{id}", token => $carol->{access});
    ok t_cmp(ids($d), "$c2->{id},$c1->{id}", '?user= matches them for the writer');
    ($res, $d) = api(GET => '/posts/?limit=100', token => $bob->{access});
    my ($seen) = grep { $_->{id} == $c1->{id} } results($d);
    ok t_cmp(($seen->{author}{nickname} // '') . ' ' . bool($seen->{is_mine}), '익명 false', 'in lists: 익명');

    ($res, $d) = api(GET => "/posts/?user=$alice->{id}&limit=100", token => $bob->{access});
    ok t_cmp(scalar(grep { $_->{id} == $anon->{id} } results($d)) . ' ' . scalar(grep { $_->{id} == $post->{id} } results($d)),
             '0 1', "?user= of a writer of both kinds: the named posts only");
    ok t_cmp(scalar(grep { $_->{author}{id} ne $alice->{id} } results($d)), 0, '?user=: only that writer');
}

# /me/posts/
{
    my ($res, $d) = api(GET => '/me/posts/?limit=100', token => $carol->{access});
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 2', "GET /me/posts/: the caller's posts, anonymous ones too");
    ok t_cmp(scalar(grep { !$_->{is_mine} } results($d)), 0, 'GET /me/posts/: is_mine on each');
    ($res, $d) = api(GET => '/me/posts/?limit=2', token => $alice->{access});
    ok t_cmp(scalar(results($d)) . ' ' . (defined $d->{next} ? 'next' : 'null'), '2 next', 'GET /me/posts/: paginated');
    my @first = map { $_->{id} } results($d);
    ($res, $d) = api(GET => '/me/posts/?limit=2&cursor=' . query_escape($d->{next} // ''), token => $alice->{access});
    ok t_cmp($res->code . ' ' . (($d->{results}[0]{id} // 0) < $first[1] ? 'older' : 'not older'), '200 older',
             'GET /me/posts/: the next page continues');
    ($res, $d) = api(GET => '/me/posts/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /me/posts/ anonymously: 401');
    ($res, $d) = api(GET => '/me/posts/?limit=-1', token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid limit', 'GET /me/posts/?limit=-1: 400');
}

# --- cursors ------------------------------------------------------------------------------

# Walks a list (its URL ends in ? or &) with limit 20, calling interlope
# (which writes a new post) between page fetches. (error status or undef,
# ids seen in order).
sub walk {
    my ($prefix, $interlope) = @_;
    my (@seen, $next, $bad);
    my $pages = 0;
    do {
        my ($res, $d) = api(GET => $prefix . 'limit=20' . (defined $next ? '&cursor=' . query_escape($next) : ''));
        $bad = $res->code unless $res->code == 200;
        push @seen, map { $_->{id} } results($d);
        $next = ref $d eq 'HASH' ? $d->{next} : undef;
        $interlope->($pages++);
    } while (defined $next && !$bad && $pages < 20);
    return ($bad, @seen);
}

{
    my $walk_board = create_board();
    my @made;
    for my $i (1 .. 45) {
        my ($res, $d) = create({ board => $walk_board, title => "페이지 글 $i", content => '내용' }, $alice->{access});
        push @made, $d->{id};
    }
    my $expect = join ',', reverse @made;
    my %made = map { $_ => 1 } @made;
    # the interlopers land where the walk looks: on the board, by the writer
    my $interlope = sub { write_post($alice, board => $walk_board, title => "끼어든 글 $_[0]") };
    for my $prefix ("/boards/$walk_board/posts/?", "/posts/?board=$walk_board&", "/posts/?user=$alice->{id}&") {
        my ($bad, @seen) = walk($prefix, $interlope);
        my %count;
        $count{$_}++ for @seen;
        ok t_cmp(($bad // 'ok') . ' ' . scalar(grep { $count{$_} > 1 } keys %count), 'ok 0',
                 "walking ${prefix} 20 at a time with inserts between pages: no post twice");
        ok t_cmp(join(',', grep { $made{$_} } @seen), $expect,
                 "walking ${prefix}: each of the 45 posts once, newest first");
    }
    my ($res, $d) = api(GET => "/boards/$walk_board/posts/?limit=20");
    my $good = $d->{next};
    ok t_cmp(scalar(results($d)) . ' ' . ($good // 'null'), qr/^20 \S+$/, 'limit=20: 20 posts and a next cursor');
    ($res, $d) = api(GET => "/boards/$walk_board/posts/?limit=100");
    ok t_cmp(scalar(results($d)) >= 45 ? 'all' : 'some', 'all', 'limit=100: accepted');

    my ($payload, $mac) = split /\./, $good, 2;
    my $forged = b64url('1:1') . '.' . $mac;
    my $flipped = substr($good, 0, 1) eq 'A' ? 'B' . substr($good, 1) : 'A' . substr($good, 1);
    my $raised = b64url((b64url_decode($payload) // '') =~ s/^(\d+)/$1 + 1000/er) . ".$mac";
    for my $c (['garbage', 'a garbage cursor'], ['', 'an empty cursor'], [$forged, 'a cursor with a forged payload'],
               [$flipped, 'a tampered cursor'], [$raised, 'a cursor moved past other rows'],
               ["$payload.", 'a cursor without its MAC'], [$good . 'x', 'a cursor with a longer MAC'],
               ['x' x 300, 'a 300-character cursor']) {
        ($res, $d) = api(GET => "/boards/$walk_board/posts/?cursor=" . query_escape($c->[0]));
        ok t_cmp(verdict($res, $d), '400 invalid cursor', "$c->[1]: 400 naming cursor");
    }
    for my $l ('0', '00', 'abc', '-1', '1.5', '') {
        ($res, $d) = api(GET => "/posts/?limit=$l");
        ok t_cmp(verdict($res, $d), '400 invalid limit', "limit=$l: 400 naming limit");
    }
    ($res, $d) = api(GET => '/posts/hot/?cursor=garbage');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', '/posts/hot/ with a garbage cursor: 400');
}

# --- HOT ---------------------------------------------------------------------------------

{
    my @p = map { write_post($bob, title => "핫 글 $_") } 1 .. 3;
    # far in the future, so that these lead the list; two share hot_at (the id breaks the tie)
    my $t = 4102444800000000;
    my $set = eval {
        db_query("UPDATE posts SET hot_at = $t + 5 WHERE id IN ($p[0]{id}, $p[1]{id})");
        db_query("UPDATE posts SET hot_at = $t + 1 WHERE id = $p[2]{id}");
        1;
    };
    ok t_cmp($set ? 'set' : 'failed', 'set', 'hot_at set on three posts (in the database)');
    my ($res, $d) = api(GET => '/posts/hot/?limit=2');
    ok t_cmp($res->code . ' ' . ids($d), "200 $p[1]{id},$p[0]{id}", '/posts/hot/: by hot_at, then id, newest first');
    ok t_cmp($d->{results}[0]{hot_at} // '', '2100-01-01T00:00:00.000005Z', '/posts/hot/: hot_at in RFC 3339');
    ($res, $d) = api(GET => '/posts/hot/?limit=1');
    ($res, $d) = api(GET => '/posts/hot/?limit=1&cursor=' . query_escape($d->{next} // ''));
    ok t_cmp(ids($d), $p[0]{id}, '/posts/hot/: the cursor continues within a tie');
    ($res, $d) = api(GET => '/posts/hot/?limit=1&cursor=' . query_escape($d->{next} // ''));
    ok t_cmp(ids($d), $p[2]{id}, '/posts/hot/: and past it');
    ($res, $d) = api(GET => '/posts/hot/?limit=100');
    ok t_cmp(scalar(grep { !defined $_->{hot_at} } results($d)), 0, '/posts/hot/: only posts with hot_at');
    ok t_cmp(scalar(grep { $_->{id} == $post->{id} } results($d)), 0, '/posts/hot/: not the others');
    ($res, $d) = post_get($p[2]{id});
    ok t_cmp($d->{hot_at} // 'null', '2100-01-01T00:00:00.000001Z', 'GET /posts/{id}/: hot_at');
    # leave the list as it was for other tests
    api(DELETE => "/posts/$_->{id}/", token => $bob->{access}) for @p;
    ($res, $d) = api(GET => '/posts/hot/?limit=100');
    ok t_cmp(scalar(grep { my $id = $_->{id}; grep { $_->{id} == $id } @p } results($d)), 0,
             '/posts/hot/: deleted posts vanish');
}

# --- media in posts and lists (uploaded through api/media.c) ------------------------------

{
    my $png = "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
            . "\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0DIDATx\x9Cc\xF8\x0F\x00\x00\x01\x01\x00"
            . "\x05\x18\xD8N\x00\x00\x00\x00IEND\xAEB`\x82";
    my $gallery = create_board();
    my @p = map { write_post($alice, board => $gallery, title => "사진 글 $_") } 1 .. 3;
    my (%media, @codes);
    for my $n ([1, 3], [2, 1]) {
        for (1 .. $n->[1]) {
            my ($res, $d) = api(POST => "/posts/$p[$n->[0]]{id}/media/", raw => $png, type => 'image/png',
                                token => $alice->{access});
            push @codes, $res->code;
            push @{ $media{ $n->[0] } }, $d->{id} if $res->code == 201;
        }
    }
    ok t_cmp(join(',', @codes), '201,201,201,201', 'four images uploaded to two posts');
    my ($res, $d) = api(GET => "/posts/$p[1]{id}/");
    my @m = @{ ref $d->{media} eq 'ARRAY' ? $d->{media} : [] };
    ok t_cmp(join(',', map { $_->{id} } @m), join(',', @{ $media{1} // [] }), 'GET /posts/{id}/: media in upload order');
    ok t_cmp(keys_of($m[0]) . ' ' . ($m[0]{content_type} // '') . ' ' . ($m[0]{size} // ''),
             'content_type,id,size,url image/png ' . length($png), 'media: {id, url, content_type, size}');
    ok t_cmp($m[0]{url} // '', qr{^/media/[^/]+$}, 'media url: EverytimeMediaURL and the stored file name');
    # a page counts posts, not media rows
    ($res, $d) = api(GET => "/boards/$gallery/posts/?limit=2");
    ok t_cmp(join(' ', map { $_->{id} . ':' . scalar(@{ $_->{media} }) } results($d)),
             "$p[2]{id}:1 $p[1]{id}:3", 'a page of 2 posts holding 4 media: 2 posts, each with all its media');
    ($res, $d) = api(GET => "/boards/$gallery/posts/?limit=2&cursor=" . query_escape($d->{next} // ''));
    ok t_cmp(join(' ', map { $_->{id} . ':' . scalar(@{ $_->{media} }) } results($d)) . ' ' . ($d->{next} // 'null'),
             "$p[0]{id}:0 null", 'the next page: the post without media, and the end');
    ($res, $d) = api(GET => "/boards/$gallery/posts/?limit=1");
    ok t_cmp(scalar(results($d)) . ' ' . (defined $d->{next} ? 'next' : 'null'), '1 next',
             'limit=1 on a post with media: one post and a next cursor');
    # deleting a post takes its media along, files too (t/media stays as media.t left it)
    my @files = map { $_->{url} =~ m{([^/]+)$} } @m;
    my $dir = Apache::Test::vars('t_dir') . '/media';
    my $before = grep { -e "$dir/$_" } @files;
    my @deleted = map { (api(DELETE => "/posts/$_->{id}/", token => $alice->{access}))[0]->code } @p;
    ok t_cmp("$before files, " . join(',', @deleted) . ', ' . scalar(grep { -e "$dir/$_" } @files) . ' files',
             '3 files, 204,204,204, 0 files', 'deleting the posts: 204, and their media files are gone');
}

# --- deleted boards and deactivated authors ---------------------------------------------------

{
    # the board page looks the board up only when the page is empty: a live
    # board's empty page stays 200, a deleted board's page is 404
    my $quiet = create_board();
    my ($res, $d) = api(GET => "/boards/$quiet/posts/");
    ok t_cmp($res->code . ' [' . ids($d) . '] ' . ($d->{next} // 'null'), '200 [] null',
             "a new board's page: 200, empty");
    my @two = map { write_post($alice, board => $quiet) } 1 .. 2;
    ($res, $d) = api(GET => "/boards/$quiet/posts/?limit=1");
    my $next = $d->{next} // '';
    api(DELETE => "/posts/$two[0]{id}/", token => $alice->{access});
    ($res, $d) = api(GET => "/boards/$quiet/posts/?limit=1&cursor=" . query_escape($next));
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', "a page past a live board's last post: 200, empty");

    my $doomed = create_board();
    ($res, $d) = create({ board => $doomed, title => '사라질 게시판의 글', content => 'x' }, $alice->{access});
    my $id = $d->{id};
    ($res, $d) = api(GET => "/boards/$doomed/posts/");
    ok t_cmp($res->code . ' [' . ids($d) . ']', "200 [$id]", "the board's page holds its post");
    ($res) = api(DELETE => "/boards/$doomed/", token => $alice->{access});
    ok t_cmp($res->code, 204, 'the board is deleted');
    ($res, $d) = api(GET => "/boards/$doomed/posts/");
    ok t_cmp(verdict($res, $d), '404 not_found ', "a deleted board's page: 404, though its post is still stored");
    ($res, $d) = api(GET => "/boards/$doomed/posts/?cursor=" . query_escape($next));
    ok t_cmp(verdict($res, $d), '404 not_found ', "a deleted board's page after a cursor: 404");
    ($res, $d) = api(GET => "/boards/$doomed/posts/?cursor=garbage");
    ok t_cmp(verdict($res, $d), '400 invalid cursor', "a deleted board's page with a bad cursor: 400 first");
    ($res, $d) = post_get($id);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a post of a deleted board reads as 404');
    ($res, $d) = api(GET => "/posts/?user=$alice->{id}&limit=100");
    ok t_cmp(scalar(grep { $_->{id} == $id } results($d)), 0, 'a post of a deleted board vanishes from lists');
    ($res, $d) = create({ board => $doomed, title => 't', content => 'c' }, $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid board', 'writing on a deleted board: 400');

    my $leaver = new_user();
    my $named = write_post($leaver);
    my $hidden = write_post($leaver, is_anonymous => JSON::PP::true);
    ($res) = api(DELETE => '/accounts/me/', token => $leaver->{access}, body => { password => $leaver->{password} });
    ($res, $d) = post_get($named->{id});
    ok t_cmp(($d->{author}{id} // 'null') . ' ' . ($d->{author}{nickname} // ''), 'null deleted-user',
             'a deactivated author shows as deleted-user');
    ($res, $d) = post_get($hidden->{id});
    ok t_cmp(($d->{author}{id} // 'null') . ' ' . ($d->{author}{nickname} // ''), 'null 익명',
             'their anonymous post stays 익명');
}
