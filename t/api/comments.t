# t/api/comments.t: GET/POST /posts/{id}/comments/, PATCH/DELETE
# /comments/{id}/ and GET /me/comments/, per API.md "Posts, comments, likes,
# scraps": threads one level deep, deleted placeholders, the post's
# comment_count, authorization and bad input that changes nothing.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict results keys_of new_post);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 116;

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my $TOP_KEYS = 'author,content,created_at,id,is_anonymous,is_deleted,is_liked,is_mine,like_count,parent,post,replies,updated_at';
(my $REPLY_KEYS = $TOP_KEYS) =~ s/replies,//;
(my $PUBLIC_TOP_KEYS = $TOP_KEYS) =~ s/is_liked,//;
my $UNKNOWN = 999999999;
my ($T, $F) = (JSON::PP::true, JSON::PP::false);

# "STATUS CODE field,field" of an answer.
sub comment {
    my ($who, $post, %body) = @_;
    return api(POST => "/posts/$post/comments/", token => $who->{access}, body => \%body);
}

sub thread {
    my ($post, $who, $q) = @_;
    return api(GET => "/posts/$post/comments/" . ($q // ''), $who ? (token => $who->{access}) : ());
}

sub comment_count {
    my ($post) = @_;
    my ($res, $d) = api(GET => "/posts/$post/");
    return $res->code == 200 ? $d->{comment_count} : 'post ' . $res->code;
}

# "id:content|reply,reply;id:..." of a whole thread (every page).
sub shape {
    my ($post, $who) = @_;
    my ($res, $d) = thread($post, $who, '?limit=100');
    return 'status ' . $res->code unless $res->code == 200;
    return join ';', map {
        my $c = $_;
        ($c->{is_deleted} ? "$c->{id}:deleted" : "$c->{id}:$c->{content}")
            . '|' . join(',', map { "$_->{id}:$_->{content}" } @{ $c->{replies} // [] })
    } results($d);
}

my $admin = admin_login();
my $writer = new_user(nickname => '글쓴이' . hangul(3));
my $alice = new_user(nickname => '앨리스' . hangul(3));
my $bob = new_user(nickname => '밥' . hangul(3));
my $post = new_post($writer)->{id};

# --- an empty thread ------------------------------------------------------------

{
    my ($res, $d) = thread($post);
    ok t_cmp($res->code . ' ' . JSON::PP->new->canonical->encode($d), '200 {"next":null,"results":[]}',
             'GET /posts/{id}/comments/ of a new post: 200, no comments');
    ($res) = api(GET => "/posts/$post/comments/", token => 'garbage.token.value');
    ok t_cmp($res->code, 200, 'the thread is public: a bad token is ignored');
    ($res, $d) = thread($UNKNOWN);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'the thread of an unknown post: 404');
}

# --- writing --------------------------------------------------------------------------

my %c;   # name => comment id
{
    my ($res, $d) = api(POST => "/posts/$post/comments/", body => { content => '익명 아님' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST a comment without a token: 401');
    ($res, $d) = api(POST => "/posts/$post/comments/", body => { content => 'x' }, token => 'bad.token.here');
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'POST a comment with a bad token: 401');

    my $text = "첫 댓글입니다 😀 \"quotes\" \\ 끝";
    ($res, $d) = comment($alice, $post, content => $text);
    ok t_cmp($res->code, 201, 'POST a comment: 201');
    ok t_cmp(keys_of($d), $TOP_KEYS, 'a top-level Comment has every field, replies included');
    ok t_cmp($d->{content}, $text, 'Korean and emoji content round-trips');
    ok t_cmp(JSON::PP->new->canonical->encode([@$d{qw(post parent is_anonymous is_deleted is_mine is_liked like_count replies)}]),
             JSON::PP->new->canonical->encode([$post, undef, $F, $F, $T, $F, 0, []]),
             'post, parent null, not anonymous, not deleted, mine, not liked, no likes, no replies');
    ok t_cmp(keys_of($d->{author}) . ' ' . $d->{author}{id} . ' ' . $d->{author}{nickname},
             "id,nickname $alice->{id} $alice->{user}{nickname}", 'the author is {id, nickname} of the writer');
    ok t_cmp("$d->{created_at} $d->{updated_at}", qr/^\S+Z \S+Z$/, 'created_at and updated_at are times');
    ok t_cmp($d->{created_at}, $TIME_RE, 'created_at is RFC 3339 with microseconds');
    $c{a1} = $d->{id};
    ok t_cmp(comment_count($post), 1, "the post's comment_count is 1");

    ($res, $d) = comment($bob, $post, content => '답글', parent => $c{a1});
    ok t_cmp($res->code . ' ' . keys_of($d), "201 $REPLY_KEYS", 'a reply: 201, a Comment without replies');
    ok t_cmp($d->{parent}, $c{a1}, 'the reply hangs under its parent');
    $c{b1} = $d->{id};
    ($res, $d) = comment($alice, $post, content => '답글의 답글', parent => $c{b1});
    ok t_cmp($res->code . ' ' . ($d->{parent} // 'null'), "201 $c{a1}",
             'a reply to a reply hangs under the top-level comment');
    $c{a2} = $d->{id};
    ($res, $d) = comment($bob, $post, content => '두 번째 댓글', parent => undef, is_anonymous => $F);
    ok t_cmp($res->code . ' ' . ($d->{parent} // 'null'), '201 null', 'parent null: a top-level comment');
    $c{b2} = $d->{id};
    ($res, $d) = comment($alice, $post, content => ('가' x 3000));
    ok t_cmp($res->code, 201, 'content of exactly 3000 characters (Korean): 201');
    $c{long} = $d->{id};
    ok t_cmp(comment_count($post), 5, 'comment_count counts replies as well: 5');
}

# --- bad input changes nothing -------------------------------------------------------

my $other_post = new_post($bob)->{id};
my ($foreign) = do { my ($r, $d) = comment($alice, $other_post, content => '다른 글'); $d->{id} };
{
    my $before = shape($post, $alice);
    my @cases = (
        [ {}, '400 invalid content', 'no content' ],
        [ { content => '' }, '400 invalid content', 'empty content' ],
        [ { content => "  \n\t " }, '400 invalid content', 'blank content' ],
        [ { content => undef }, '400 invalid content', 'content null' ],
        [ { content => 42 }, '400 invalid content', 'content a number' ],
        [ { content => ['a'] }, '400 invalid content', 'content a list' ],
        [ { content => ('가' x 3001) }, '400 invalid content', 'content of 3001 characters' ],
        [ { content => 'x', parent => $UNKNOWN }, '400 invalid parent', 'an unknown parent' ],
        [ { content => 'x', parent => $foreign }, '400 invalid parent', "a parent of another post" ],
        [ { content => 'x', parent => 'abc' }, '400 invalid parent', 'parent not a number' ],
        [ { content => 'x', parent => 0 }, '400 invalid parent', 'parent 0' ],
        [ { content => 'x', is_anonymous => 'maybe' }, '400 invalid is_anonymous', 'is_anonymous not a boolean' ],
        [ { content => '', parent => $UNKNOWN, is_anonymous => 3 }, '400 invalid content,is_anonymous,parent',
          'every field wrong: each named' ],
    );
    for my $case (@cases) {
        my ($res, $d) = api(POST => "/posts/$post/comments/", token => $alice->{access}, body => $case->[0]);
        ok t_cmp(verdict($res, $d), $case->[1], "POST a comment with $case->[2]: 400 naming the field");
    }
    my ($res, $d) = api(POST => "/posts/$post/comments/", token => $alice->{access}, raw => '{"content": "x",',
                        type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = api(POST => "/posts/$post/comments/", token => $alice->{access}, raw => '["x"]',
                     type => 'application/json');
    ok t_cmp($res->code, 400, 'a JSON list instead of an object: 400');
    ($res, $d) = api(POST => "/posts/$post/comments/", token => $alice->{access}, raw => 'content=x',
                     type => 'application/x-www-form-urlencoded');
    ok t_cmp($res->code, 415, 'a form body: 415');
    ($res, $d) = api(POST => "/posts/$post/comments/", token => $alice->{access},
                     body => { content => ('가' x 30000) });
    ok t_cmp($res->code, 413, 'a body over the size limit: 413');
    ($res, $d) = comment($alice, $UNKNOWN, content => '없는 글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a comment on an unknown post: 404');

    my $market = new_post($alice, board => 3)->{id};   # 장터게시판: allow_anonymous 0
    ($res, $d) = comment($bob, $market, content => '익명 댓글', is_anonymous => $T);
    ok t_cmp(verdict($res, $d), '400 invalid is_anonymous', 'anonymous on a board that refuses it: 400');
    ok t_cmp(comment_count($market) . ' ' . shape($market), '0 ', '... and nothing was written');
    ($res, $d) = comment($bob, $market, content => '실명 댓글', is_anonymous => $F);
    ok t_cmp($res->code, 201, 'a named comment on that board: 201');

    ok t_cmp(shape($post, $alice), $before, 'after every refused write the thread is unchanged');
    ok t_cmp(comment_count($post), 5, '... and so is comment_count');
}

# --- reading the thread -----------------------------------------------------------------

{
    my ($res, $d) = thread($post, $bob);
    my @top = results($d);
    ok t_cmp(join(',', map { $_->{id} } @top), "$c{a1},$c{b2},$c{long}", 'top-level comments, oldest first');
    ok t_cmp(join(',', map { $_->{id} } @{ $top[0]{replies} }), "$c{b1},$c{a2}", 'replies under their top-level comment, oldest first');
    ok t_cmp(keys_of($top[0]) . ' | ' . keys_of($top[0]{replies}[0]), "$TOP_KEYS | $REPLY_KEYS",
             'top-level comments carry replies, replies do not');
    ok t_cmp(join(',', map { $_->{is_mine} ? 1 : 0 } $top[0], @{ $top[0]{replies} }), '0,1,0',
             'is_mine is true for the caller\'s own comments only');
    ($res, $d) = thread($post);
    ok t_cmp(keys_of((results($d))[0]), $PUBLIC_TOP_KEYS, 'an anonymous reader gets no is_liked');
    ok t_cmp(join(',', map { $_->{is_mine} ? 1 : 0 } results($d)), '0,0,0', '... and is_mine false');

    # a cursor walk over many top-level comments
    my $walk = new_post($writer)->{id};
    my @made = map { (comment($_ % 2 ? $alice : $bob, $walk, content => "댓글 $_"))[1]{id} } 1 .. 7;
    comment($bob, $walk, content => "답 $_", parent => $made[$_]) for 0 .. 6;
    my (@seen, $cursor, $pages, $replies_ok);
    $replies_ok = 1;
    for (1 .. 10) {
        ($res, $d) = thread($walk, $alice, '?limit=3' . (defined $cursor ? "&cursor=$cursor" : ''));
        last unless $res->code == 200;
        $pages++;
        for my $c (results($d)) {
            push @seen, $c->{id};
            $replies_ok = 0 unless @{ $c->{replies} } == 1 && $c->{replies}[0]{parent} == $c->{id};
        }
        $cursor = $d->{next};
        last unless defined $cursor;
    }
    ok t_cmp(join(',', @seen) . " in $pages pages", join(',', @made) . ' in 3 pages',
             'limit=3: every top-level comment once, in order, over 3 pages');
    ok t_cmp($replies_ok, 1, '... each page with the replies of its own comments');
    for my $bad ('?limit=0', '?limit=-1', '?limit=x', '?cursor=garbage', '?cursor=' . ('A' x 40) . '.' . ('B' x 16)) {
        ($res, $d) = thread($walk, undef, $bad);
        ok t_cmp(verdict($res, $d), qr/^400 invalid (limit|cursor)$/, "GET the thread with $bad: 400");
    }
    ($res, $d) = thread($UNKNOWN, $alice, '?cursor=garbage');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a bad cursor on an unknown post: 404 first');
    ($res, $d) = thread($UNKNOWN, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'the thread of an unknown post: 404');
    my $quiet = new_post($writer)->{id};
    ($res, $d) = thread($quiet, $alice);
    ok t_cmp($res->code . ' ' . scalar(results($d)) . ' ' . ($d->{next} // 'null'), '200 0 null',
             'the thread of a post without comments: 200, empty');
}

# --- editing ----------------------------------------------------------------------------

{
    my $path = "/comments/$c{a1}/";
    my ($res, $d) = api(PATCH => $path, body => { content => '고침' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PATCH a comment without a token: 401');
    ($res, $d) = api(PATCH => $path, token => $bob->{access}, body => { content => '남의 댓글 고침' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "PATCH another user's comment: 403");
    ($res, $d) = api(PATCH => $path, token => $writer->{access}, body => { content => '글쓴이도 못 고침' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "the post's author cannot edit others' comments: 403");
    for my $case ([ { content => '' }, 'blank' ], [ { content => 7 }, 'a number' ], [ { content => ('나' x 3001) }, 'too long' ],
                  [ { content => undef }, 'null' ]) {
        ($res, $d) = api(PATCH => $path, token => $alice->{access}, body => $case->[0]);
        ok t_cmp(verdict($res, $d), '400 invalid content', "PATCH with content $case->[1]: 400");
    }
    ($res, $d) = api(PATCH => $path, token => $alice->{access}, raw => '{', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'PATCH with malformed JSON: 400');
    ($res, $d) = api(PATCH => "/comments/$UNKNOWN/", token => $alice->{access}, body => { content => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH an unknown comment: 404');
    ($res, $d) = api(GET => "/posts/$post/comments/");
    ok t_cmp((results($d))[0]{content}, "첫 댓글입니다 😀 \"quotes\" \\ 끝", 'after the refused edits the content is unchanged');

    my $created = (results($d))[0]{created_at};
    ($res, $d) = api(PATCH => $path, token => $alice->{access}, body => { content => '고친 댓글 ✓' });
    ok t_cmp($res->code . ' ' . $d->{content}, '200 고친 댓글 ✓', 'PATCH by the author: 200 with the new content');
    ok t_cmp(keys_of($d) . ' ' . scalar(@{ $d->{replies} }), "$TOP_KEYS 2", '... the comment as the thread shows it, with its replies');
    ok t_cmp($d->{updated_at} gt $created ? 'later' : 'same', 'later', '... and updated_at moved on');
    ok t_cmp($d->{created_at}, $created, '... created_at did not');
    ($res, $d) = api(PATCH => $path, token => $admin->{access}, body => { content => '관리자가 고침' });
    ok t_cmp($res->code . ' ' . $d->{content}, '200 관리자가 고침', 'PATCH by an admin: 200');
    ok t_cmp($d->{is_mine} ? 'mine' : 'not mine', 'not mine', '... and it is still not the admin\'s');
    ($res, $d) = api(PATCH => $path, token => $alice->{access}, body => {});
    ok t_cmp($res->code . ' ' . $d->{content}, '200 관리자가 고침', 'PATCH with no content: 200, nothing changes');
    ($res, $d) = api(PATCH => "/comments/$c{b1}/", token => $bob->{access}, body => { content => '고친 답글' });
    ok t_cmp($res->code . ' ' . keys_of($d), "200 $REPLY_KEYS", 'PATCH a reply: 200, a Comment without replies');
}

# --- deleting ----------------------------------------------------------------------------

{
    my ($res, $d) = api(DELETE => "/comments/$c{b2}/");
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE a comment without a token: 401');
    ($res, $d) = api(DELETE => "/comments/$c{b2}/", token => $alice->{access});
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "DELETE another user's comment: 403");
    ok t_cmp(comment_count($post) . ' ' . (shape($post) =~ /\b$c{b2}:두 번째 댓글/ ? 'there' : 'gone'), '5 there',
             '... the comment and the count are unchanged');
    ($res, $d) = api(DELETE => "/comments/$UNKNOWN/", token => $alice->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE an unknown comment: 404');

    ($res) = api(DELETE => "/comments/$c{b2}/", token => $bob->{access});
    ok t_cmp($res->code, 204, 'DELETE by the author: 204');
    ok t_cmp(comment_count($post), 4, 'comment_count went down by one');
    ok t_cmp(shape($post) =~ /\b$c{b2}:/ ? 'there' : 'gone', 'gone', 'a deleted comment without replies vanishes');
    ($res, $d) = api(DELETE => "/comments/$c{b2}/", token => $bob->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE it again: 404');
    ok t_cmp(comment_count($post), 4, '... and the count does not drop twice');
    ($res, $d) = api(PATCH => "/comments/$c{b2}/", token => $bob->{access}, body => { content => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH a deleted comment: 404');
    ($res, $d) = comment($alice, $post, content => 'x', parent => $c{b2});
    ok t_cmp(verdict($res, $d), '400 invalid parent', 'reply to a deleted comment: 400');

    # a deleted comment with live replies stays as a placeholder
    ($res) = api(DELETE => "/comments/$c{a1}/", token => $alice->{access});
    ok t_cmp($res->code, 204, 'DELETE a comment that has replies: 204');
    ($res, $d) = thread($post, $bob);
    my ($placeholder) = grep { $_->{id} == $c{a1} } results($d);
    ok t_cmp(JSON::PP->new->canonical->encode([@{$placeholder // {}}{qw(is_deleted content author)}]),
             '[true,null,null]', 'it stays as {"is_deleted": true, "content": null} with no author');
    ok t_cmp(join(',', map { $_->{id} } @{ $placeholder->{replies} // [] }), "$c{b1},$c{a2}", '... with its replies');
    ok t_cmp(json_has_value($placeholder && { %$placeholder, replies => [] }, $alice->{id}) ? 'leaks' : 'hidden', 'hidden',
             "... and its writer's id appears nowhere in it");
    ok t_cmp(comment_count($post), 3, 'comment_count went down by one');
    ($res, $d) = api(PATCH => "/comments/$c{a1}/", token => $alice->{access}, body => { content => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH the placeholder: 404');

    # deleting its replies makes it vanish
    ($res) = api(DELETE => "/comments/$c{b1}/", token => $admin->{access});
    ok t_cmp($res->code, 204, 'DELETE a reply by an admin: 204');
    ok t_cmp(shape($post), qr/^$c{a1}:deleted\|$c{a2}:답글의 답글;/, 'the deleted reply vanishes, the other stays');
    ($res) = api(DELETE => "/comments/$c{a2}/", token => $alice->{access});
    ok t_cmp(shape($post), "$c{long}:" . ('가' x 3000) . '|', 'the last reply gone, the placeholder vanishes too');
    ok t_cmp(comment_count($post), 1, 'comment_count: 1');
}

# --- deleted posts and deactivated writers ------------------------------------------------

{
    my $gone = new_post($writer)->{id};
    my ($res, $d) = comment($alice, $gone, content => '곧 사라질 글');
    my $orphan = $d->{id};
    ($res) = api(DELETE => "/posts/$gone/", token => $writer->{access});
    die 'post delete failed' unless $res->code == 204;
    ($res, $d) = thread($gone);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'the thread of a deleted post: 404');
    ($res, $d) = comment($alice, $gone, content => 'x');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a comment on a deleted post: 404');
    ($res, $d) = api(PATCH => "/comments/$orphan/", token => $alice->{access}, body => { content => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH a comment of a deleted post: 404');
    ($res, $d) = api(DELETE => "/comments/$orphan/", token => $alice->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE a comment of a deleted post: 404');

    my $leaver = new_user();
    my $kept = new_post($writer)->{id};
    comment($leaver, $kept, content => '탈퇴 전 댓글');
    ($res) = api(DELETE => '/accounts/me/', token => $leaver->{access}, body => { password => $leaver->{password} });
    die 'deactivate failed: ' . $res->content unless $res->code == 204;
    ($res, $d) = thread($kept);
    ok t_cmp(JSON::PP->new->canonical->encode((results($d))[0]{author}), '{"id":null,"nickname":"deleted-user"}',
             "a deactivated writer's comment shows deleted-user");
    ok t_cmp((results($d))[0]{content}, '탈퇴 전 댓글', '... and keeps its content');
}

# --- /me/comments/ -------------------------------------------------------------------------

{
    my ($res, $d) = api(GET => '/me/comments/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /me/comments/ without a token: 401');
    my $me = new_user();
    my $p1 = new_post($writer)->{id};
    my @mine = map { (comment($me, $p1, content => "내 댓글 $_"))[1]{id} } 1 .. 4;
    comment($alice, $p1, content => '남의 댓글');
    my $reply = (comment($me, $p1, content => '내 답글', parent => $mine[0]))[1]{id};
    api(DELETE => "/comments/$mine[1]/", token => $me->{access});
    my @want = reverse($mine[0], @mine[2, 3], $reply);
    ($res, $d) = api(GET => '/me/comments/', token => $me->{access});
    ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)), '200 ' . join(',', @want),
             "/me/comments/: the caller's live comments, newest first");
    ok t_cmp(join(' ', map { keys_of($_) } results($d)), join(' ', ($REPLY_KEYS) x 4), '... flat Comments without replies');
    ok t_cmp(join(',', map { $_->{is_mine} ? 1 : 0 } results($d)), '1,1,1,1', '... each is_mine');
    my (@seen, $cursor);
    for (1 .. 5) {
        ($res, $d) = api(GET => '/me/comments/?limit=3' . (defined $cursor ? "&cursor=$cursor" : ''), token => $me->{access});
        push @seen, map { $_->{id} } results($d);
        last unless defined($cursor = $d->{next});
    }
    ok t_cmp(join(',', @seen), join(',', @want), 'limit=3: the pages walk every comment once');
    ($res, $d) = api(GET => '/me/comments/?cursor=nope', token => $me->{access});
    ok t_cmp(verdict($res, $d), '400 invalid cursor', '/me/comments/ with a garbage cursor: 400');
    api(DELETE => "/posts/$p1/", token => $writer->{access});
    ($res, $d) = api(GET => '/me/comments/', token => $me->{access});
    ok t_cmp(scalar(results($d)), 0, 'comments of a deleted post leave /me/comments/');
}

# --- many writers at once -------------------------------------------------------------------

{
    my $busy = new_post($writer)->{id};
    my @users = map { new_user() } 1 .. 10;
    my @codes = together(10, sub {
        my ($i) = @_;
        my ($res) = comment($users[$i - 1], $busy, content => "동시에 $i");
        return $res->code;
    });
    ok t_cmp(join(',', @codes), join(',', (201) x 10), '10 comments at once: every one 201');
    ok t_cmp(comment_count($busy), 10, '... and comment_count is exactly 10');
    my ($res, $d) = thread($busy);
    ok t_cmp(scalar(results($d)), 10, '... and the thread shows all 10');
}

# --- times follow ids under concurrency (issue 8, item 8) ----------------------------------
# Writers to one post queue on its row lock and take their ids in that order;
# a comment's created_at must then not be earlier than that of any comment
# with a smaller id, replies included.

{
    my ($procs, $each) = (16, 12);
    my $race = new_post($writer)->{id};
    my @users = map { new_user() } 1 .. 4;
    my @parents = map { (comment($alice, $race, content => "부모 $_"))[1]{id} } 1 .. 3;
    my @got = together($procs, sub {
        my ($i) = @_;
        my @codes;
        for my $n (1 .. $each) {
            my %body = (content => "경쟁 $i-$n");
            $body{parent} = $parents[$n % 3] if $n % 2;    # every other one a reply
            my ($res) = comment($users[$n % 4], $race, %body);
            push @codes, $res->code;
        }
        return join ',', @codes;
    });
    my $total = $procs * $each;
    my %codes;
    $codes{$_}++ for map { split /,/ } @got;
    ok t_cmp(join(',', map { "$_ x$codes{$_}" } sort keys %codes), "201 x$total",
             "$total comments and replies from $procs processes at once: every one 201");

    my (%at, $cursor);
    for (1 .. 20) {
        my ($res, $d) = thread($race, undef, '?limit=100' . (defined $cursor ? "&cursor=$cursor" : ''));
        last unless $res->code == 200;
        for my $c (results($d)) {
            $at{ $_->{id} } = $_->{created_at} for $c, @{ $c->{replies} };
        }
        last unless defined($cursor = $d->{next});
    }
    ok t_cmp(scalar(keys %at), $total + @parents, '... the thread lists all of them');
    my @ids = sort { $a <=> $b } keys %at;
    my @late = grep { $at{ $ids[$_] } lt $at{ $ids[$_ - 1] } } 1 .. $#ids;
    ok t_cmp(scalar(@late), 0, '... and created_at never goes back in id order')
        or t_debug(join "\n", map { "$ids[$_ - 1] $at{ $ids[$_ - 1] } > $ids[$_] $at{ $ids[$_] }" } @late);
}
