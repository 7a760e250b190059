# t/api/messages.t: 쪽지, per API.md "Messages": POST/GET /messages/ and
# GET/POST /messages/{conversation_id}/. A conversation opened from a post or
# a comment reaches its author, and neither side ever learns who the other is.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict results keys_of);
use Encode ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 126;

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my $MESSAGE_KEYS = 'content,conversation,created_at,id,is_mine,is_read';
my $CONVERSATION_KEYS = 'counterpart,created_at,id,last_message,source,unread_count,updated_at';
my $UNKNOWN = 999999999;

# "STATUS CODE field,field" of an answer.
# Every answer a user was given, to search for the other side's identity.
my %seen_by;
sub as {
    my ($who, $method, $path, %o) = @_;
    my ($res, $d) = api($method, $path, token => $who->{access}, %o);
    push @{ $seen_by{ $who->{id} } }, $d if defined $d;
    return ($res, $d);
}

sub send_first { my ($who, %body) = @_; return as($who, POST => '/messages/', body => \%body) }
sub reply { my ($who, $conv, $body) = @_; return as($who, POST => "/messages/$conv/", body => $body) }
sub conversations { my ($who, $q) = @_; return as($who, GET => '/messages/' . ($q // '')) }
sub read_conv { my ($who, $conv, $q) = @_; return as($who, GET => "/messages/$conv/" . ($q // '')) }

# The caller's conversation $id from GET /messages/ (walking every page).
sub conversation_of {
    my ($who, $id) = @_;
    my $cursor;
    for (1 .. 50) {
        my ($res, $d) = conversations($who, '?limit=100' . (defined $cursor ? "&cursor=$cursor" : ''));
        return undef unless $res->code == 200;
        my ($c) = grep { $_->{id} == $id } results($d);
        return $c if $c;
        $cursor = $d->{next} // return undef;
    }
    return undef;
}

# Every message of a conversation for $who, walking the pages of $limit.
sub all_messages {
    my ($who, $conv, $limit) = @_;
    my (@all, $cursor, @sizes);
    for (1 .. 50) {
        my ($res, $d) = read_conv($who, $conv, "?limit=$limit" . (defined $cursor ? "&cursor=$cursor" : ''));
        return (undef, "status " . $res->code) unless $res->code == 200;
        push @all, results($d);
        push @sizes, scalar(results($d));
        $cursor = $d->{next};
        last unless defined $cursor;
    }
    return (\@all, join(',', @sizes));
}

sub create_post {
    my ($who, %o) = @_;
    my ($res, $d) = api(POST => '/posts/', token => $who->{access}, body => {
        board => 1, title => '쪽지 시험 ' . hangul(3), content => '본문 ' . hangul(10),
        is_anonymous => $o{anonymous} ? JSON::PP::true() : JSON::PP::false(),
        is_question => JSON::PP::false() });
    die 'POST /posts/ failed: ' . $res->status_line . ' ' . $res->content unless $res->code == 201;
    return $d->{id};
}

sub create_comment {
    my ($who, $post, %o) = @_;
    my ($res, $d) = api(POST => "/posts/$post/comments/", token => $who->{access}, body => {
        content => '댓글 ' . hangul(5),
        is_anonymous => $o{anonymous} ? JSON::PP::true() : JSON::PP::false() });
    die 'POST /posts/{id}/comments/ failed: ' . $res->status_line . ' ' . $res->content
        unless $res->code == 201;
    return $d->{id};
}

my $author = new_user(nickname => '글쓴이' . hangul(6));
my $starter = new_user(nickname => '보낸이' . hangul(6));
my $commenter = new_user(nickname => '댓글러' . hangul(6));
my $third = new_user(nickname => '남' . hangul(6));
my $admin = admin_login();

my $post = create_post($author);
my $anon_post = create_post($author, anonymous => 1);
my $comment = create_comment($commenter, $post, anonymous => 1);

# --- authentication ----------------------------------------------------------------

{
    my ($res, $d) = api(POST => '/messages/', body => { post => $post, content => '안녕' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /messages/ anonymously: 401');
    ($res, $d) = api(GET => '/messages/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /messages/ anonymously: 401');
    ($res, $d) = api(GET => '/messages/1/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /messages/{id}/ anonymously: 401');
    ($res, $d) = api(POST => '/messages/1/', body => { content => '안녕' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /messages/{id}/ anonymously: 401');
    ($res, $d) = api(GET => '/messages/', token => 'garbage.token.value');
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'GET /messages/ with a bad token: 401');
}

# --- starting from a post --------------------------------------------------------------

my $hello = '안녕하세요, 책 아직 파시나요? 😀 ' . hangul(8);
my ($conv, $first_id);
{
    my ($res, $d) = send_first($starter, post => $post, content => "  $hello \n");
    ok t_cmp($res->code, 201, 'POST /messages/ {post}: 201');
    ok t_cmp(keys_of($d), $MESSAGE_KEYS, 'the answer is a Message');
    ok t_cmp($d->{content}, $hello, 'Korean content round-trips (trimmed)');
    ok t_cmp(($d->{is_mine} ? 'mine' : 'theirs') . ' ' . ($d->{is_read} ? 'read' : 'unread'),
             'mine unread', 'a new message is mine and unread');
    ok t_cmp($d->{created_at} // '', $TIME_RE, 'created_at is RFC 3339 with microseconds');
    ($conv, $first_id) = ($d->{conversation}, $d->{id});
    ok t_cmp($conv // '', qr/^\d+$/, 'conversation is an integer id');

    my $c = conversation_of($author, $conv);
    ok t_cmp($c ? 'listed' : 'missing', 'listed', "the author sees the conversation in GET /messages/");
    ok t_cmp(keys_of($c), $CONVERSATION_KEYS, 'a Conversation has its fields');
    ok t_cmp($c->{unread_count}, 1, "the author's unread_count is 1");
    ok t_cmp(keys_of($c->{source}) . '=' . ($c->{source}{post} // ''), "post=$post", 'source is {"post": id}');
    ok t_cmp(defined $c->{counterpart}{id} ? 'id shown' : 'null', 'null', 'counterpart id is null');
    ok t_cmp($c->{counterpart}{nickname}, '익명', 'counterpart nickname is 익명');
    ok t_cmp($c->{last_message}{content} . '|' . ($c->{last_message}{is_mine} ? 1 : 0), "$hello|0",
             "last_message is the starter's, not mine for the author");
    ok t_cmp(join(' ', $c->{created_at} =~ $TIME_RE ? 'ok' : 'bad', $c->{updated_at} =~ $TIME_RE ? 'ok' : 'bad'),
             'ok ok', 'created_at and updated_at are RFC 3339');

    $c = conversation_of($starter, $conv);
    ok t_cmp($c ? $c->{unread_count} : 'missing', 0, "the starter's own message is not unread for them");
    ok t_cmp($c && $c->{last_message}{is_mine} ? 'mine' : 'not mine', 'mine', 'the starter sees their message as mine');
}

# continuing the same conversation reuses it
{
    my ($res, $d) = send_first($starter, post => $post, content => '두 번째 쪽지');
    ok t_cmp($res->code . ' ' . ($d->{conversation} // ''), "201 $conv",
             'a second POST /messages/ about the same post continues the same conversation');
    ok t_cmp($d->{id} > $first_id ? 'new' : 'old', 'new', 'as a new message');
    my $c = conversation_of($author, $conv);
    ok t_cmp($c->{unread_count} . ' ' . $c->{last_message}{content}, '2 두 번째 쪽지',
             'the author: 2 unread, the last message first');
}

# reading marks read
{
    my ($res, $d) = read_conv($author, $conv);
    ok t_cmp($res->code, 200, 'the author reads GET /messages/{id}/: 200');
    ok t_cmp(keys_of($d), 'next,results', 'a cursor list');
    my @m = results($d);
    ok t_cmp(join('|', map { $_->{content} } @m), "$hello|두 번째 쪽지", 'messages oldest first');
    ok t_cmp(keys_of($m[0]), $MESSAGE_KEYS, 'each is a Message');
    ok t_cmp(join(',', map { ($_->{is_mine} ? 'mine' : 'theirs') . '/' . ($_->{is_read} ? 'read' : 'unread') } @m),
             'theirs/read,theirs/read', "for the author: the starter's messages, now read");
    ok t_cmp(conversation_of($author, $conv)->{unread_count}, 0, 'the author has 0 unread after reading');
    ($res, $d) = read_conv($starter, $conv);
    ok t_cmp(join(',', map { ($_->{is_mine} ? 'mine' : 'theirs') . '/' . ($_->{is_read} ? 'read' : 'unread') } results($d)),
             'mine/read,mine/read', 'for the starter: their own messages, read by the author');
}

# the author replies
{
    my ($res, $d) = reply($author, $conv, { content => '네, 아직 있어요. ' . hangul(4) });
    ok t_cmp($res->code, 201, 'the author replies with POST /messages/{id}/: 201');
    ok t_cmp(keys_of($d) . ' ' . ($d->{conversation} // '') . ' ' . ($d->{is_mine} ? 'mine' : 'theirs'),
             "$MESSAGE_KEYS $conv mine", 'the reply is a Message of the conversation, mine');
    my $c = conversation_of($starter, $conv);
    ok t_cmp($c->{unread_count} . ' ' . ($c->{last_message}{id} // ''), "1 $d->{id}",
             'the starter has 1 unread, the reply as last_message');
    ok t_cmp(($c->{last_message}{is_mine} ? 'mine' : 'theirs'), 'theirs', "for the starter the reply is not theirs");
    ($res, my $list) = conversations($starter);
    ok t_cmp(((results($list))[0] // {})->{id} // '', $conv, 'the replied conversation comes first in the list');
    ($res, my $page) = read_conv($starter, $conv);
    ok t_cmp(((results($page))[-1] // {})->{is_read} ? 'read' : 'unread', 'read', 'the starter reads the reply');
    ok t_cmp(conversation_of($starter, $conv)->{unread_count}, 0, 'the starter has 0 unread');
    ok t_cmp(conversation_of($author, $conv)->{unread_count}, 0, "the author's own reply is not unread for them");
    ($res, $page) = read_conv($author, $conv);
    ok t_cmp(((results($page))[-1] // {})->{is_read} ? 'read' : 'unread', 'read', 'the author sees the reply read');
}

# --- starting from a comment ----------------------------------------------------------------

my $cconv;
{
    my ($res, $d) = send_first($starter, comment => $comment, content => '댓글 보고 연락드려요');
    ok t_cmp($res->code, 201, 'POST /messages/ {comment}: 201');
    $cconv = $d->{conversation};
    ok t_cmp($cconv != $conv ? 'another' : 'same', 'another', 'a new conversation, not the post one');
    ($res, $d) = send_first($starter, comment => $comment, content => '한 번 더');
    ok t_cmp($d->{conversation} // '', $cconv, 'continuing from the same comment reuses it');
    my $c = conversation_of($commenter, $cconv);
    ok t_cmp($c ? keys_of($c->{source}) . '=' . $c->{source}{comment} : 'missing', "comment=$comment",
             'the commenter gets it, source {"comment": id}');
    ok t_cmp($c->{unread_count}, 2, 'with 2 unread');
    ok t_cmp(conversation_of($author, $cconv) ? 'listed' : 'not listed', 'not listed',
             "the post's author does not see a conversation with the comment's author");
    ($res, $d) = reply($commenter, $cconv, { content => '네 말씀하세요' });
    ok t_cmp($res->code, 201, 'the commenter replies');
    ($res, $d) = read_conv($commenter, $cconv);
    ok t_cmp(scalar(results($d)), 3, 'the commenter reads 3 messages');
}

# --- an anonymous post ---------------------------------------------------------------------

my $aconv;
{
    my ($res, $d) = send_first($starter, post => $anon_post, content => '익명 글에 쪽지');
    ok t_cmp($res->code, 201, 'POST /messages/ about an anonymous post: 201');
    $aconv = $d->{conversation};
    my $c = conversation_of($author, $aconv);
    ok t_cmp($c ? $c->{unread_count} : 'missing', 1, "it reaches the anonymous post's author");
    ($res, $d) = reply($author, $aconv, { content => '익명 글쓴이의 답장' });
    ok t_cmp($res->code, 201, 'the anonymous author replies');
    ($res, $d) = read_conv($starter, $aconv);
    ok t_cmp(join('|', map { $_->{content} } results($d)), '익명 글에 쪽지|익명 글쓴이의 답장',
             'the starter reads the exchange');
    conversations($starter);
    conversations($author);
    read_conv($author, $aconv);
}

# --- who may read and reply ------------------------------------------------------------------

{
    my ($before_res, $before) = read_conv($starter, $conv, '?limit=100');
    my $n = scalar(results($before));
    for my $who ([$third, 'another user'], [$admin, 'an admin']) {
        my ($res, $d) = api(GET => "/messages/$conv/", token => $who->[0]{access});
        ok t_cmp(verdict($res, $d), '404 not_found ', "GET /messages/{id}/ by $who->[1]: 404");
        ($res, $d) = api(POST => "/messages/$conv/", token => $who->[0]{access},
                         body => { content => '끼어들기' });
        ok t_cmp(verdict($res, $d), '404 not_found ', "POST /messages/{id}/ by $who->[1]: 404");
    }
    my ($res, $d) = api(GET => '/messages/', token => $third->{access});
    ok t_cmp((grep { $_->{id} == $conv } results($d)) ? 'listed' : 'not listed', 'not listed',
             "another user's GET /messages/ does not list it");
    ($res, $d) = as($starter, GET => "/messages/$UNKNOWN/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'GET /messages/{unknown}/: 404');
    ($res, $d) = reply($starter, $UNKNOWN, { content => '없는 대화' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'POST /messages/{unknown}/: 404');
    my (undef, $after) = read_conv($starter, $conv, '?limit=100');
    ok t_cmp(scalar(results($after)), $n, 'the refused replies added nothing');
    ($res, $d) = api(GET => "/messages/$conv/", token => $third->{access});
    ok t_cmp(keys_of($d), 'code,detail', 'the 404 says nothing about the conversation');
}

# --- bad input ---------------------------------------------------------------------------------

sub count_state {
    my (undef, $l) = conversations($starter, '?limit=100');
    my (undef, $m) = read_conv($starter, $conv, '?limit=100');
    return scalar(results($l)) . ' conversations, ' . scalar(results($m)) . ' messages';
}

{
    my $before = count_state();
    my @cases = (
        [{ post => $post }, '400 invalid content', 'content missing'],
        [{ post => $post, content => "   \n\t" }, '400 invalid content', 'content blank'],
        [{ post => $post, content => '' }, '400 invalid content', 'content empty'],
        [{ post => $post, content => '가' x 1001 }, '400 invalid content', 'content of 1001 characters'],
        [{ post => $post, content => 42 }, '400 invalid content', 'content a number'],
        [{ post => $post, content => undef }, '400 invalid content', 'content null'],
        [{ post => $post, content => ['배열'] }, '400 invalid content', 'content an array'],
        [{ post => $post, comment => $comment, content => '둘 다' }, '400 invalid non_field_errors', 'both post and comment'],
        [{ content => '아무것도' }, '400 invalid non_field_errors', 'neither post nor comment'],
        [{ post => undef, comment => undef, content => '둘 다 null' }, '400 invalid non_field_errors', 'post and comment both null'],
        [{ post => 'abc', content => '글자' }, '400 invalid post', 'post a string'],
        [{ post => JSON::PP::true(), content => '참' }, '400 invalid post', 'post a boolean'],
        [{ post => 1.5, content => '소수' }, '400 invalid post', 'post a fraction'],
        [{ post => 0, content => '영' }, '400 invalid post', 'post 0'],
        [{ comment => -3, content => '음수' }, '400 invalid comment', 'comment negative'],
        [{ post => $author->{id}, content => '사용자 id' }, '400 invalid post', 'post a UUID'],
    );
    for my $case (@cases) {
        my ($res, $d) = as($starter, POST => '/messages/', body => $case->[0]);
        ok t_cmp(verdict($res, $d), $case->[1], "POST /messages/ with $case->[2]: 400");
    }
    my ($res, $d) = as($starter, POST => '/messages/', raw => '{"post": ' . $post . ', "content": ', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'POST /messages/ with malformed JSON: 400 parse_error');
    ($res, $d) = as($starter, POST => '/messages/', raw => '[1, 2]', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 invalid non_field_errors', 'POST /messages/ with a JSON array: 400');
    ($res, $d) = as($starter, POST => '/messages/', raw => "post=$post&content=x",
                    type => 'application/x-www-form-urlencoded');
    ok t_cmp($res->code, 415, 'POST /messages/ with a form body: 415');

    for my $case ([{ content => '   ' }, 'blank'], [{ content => '나' x 1001 }, 'too long'],
                  [{ content => 7 }, 'a number'], [{}, 'missing']) {
        ($res, $d) = reply($starter, $conv, $case->[0]);
        ok t_cmp(verdict($res, $d), '400 invalid content', "POST /messages/{id}/ with content $case->[1]: 400");
    }
    ($res, $d) = as($starter, POST => "/messages/$conv/", raw => Encode::encode_utf8('{"content": "끝나지 않은'), type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'POST /messages/{id}/ with malformed JSON: 400');

    ($res, $d) = send_first($author, post => $post, content => '나에게');
    ok t_cmp(verdict($res, $d), '400 invalid post', 'messaging oneself about one\'s own post: 400');
    ($res, $d) = send_first($commenter, comment => $comment, content => '나에게');
    ok t_cmp(verdict($res, $d), '400 invalid comment', 'messaging oneself about one\'s own comment: 400');
    ($res, $d) = send_first($starter, post => $UNKNOWN, content => '없는 글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown post: 404');
    ($res, $d) = send_first($starter, comment => $UNKNOWN, content => '없는 댓글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown comment: 404');
    ok t_cmp(count_state(), $before, 'the refused requests changed nothing');

    ($res, $d) = send_first($starter, post => $post, content => '가' x 1000);
    ok t_cmp($res->code . ' ' . length($d->{content} // ''), '201 1000', 'content of exactly 1000 Korean characters: 201');
}

# --- deleted sources and deactivated authors ----------------------------------------------------

{
    my $gone = create_post($author);
    my $gone_comment = create_comment($commenter, $gone);
    my ($res) = api(DELETE => "/posts/$gone/", token => $author->{access});
    ok t_cmp($res->code, 204, 'the author deletes a post');
    my $d;
    ($res, $d) = send_first($starter, post => $gone, content => '지워진 글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a deleted post: 404');
    ($res, $d) = send_first($starter, comment => $gone_comment, content => '지워진 글의 댓글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a comment of a deleted post: 404');

    my $live = create_comment($commenter, $post);
    ($res) = api(DELETE => "/comments/$live/", token => $commenter->{access});
    ok t_cmp($res->code, 204, 'the commenter deletes a comment');
    ($res, $d) = send_first($starter, comment => $live, content => '지워진 댓글');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a deleted comment: 404');

    my $leaver = new_user(nickname => '탈퇴' . hangul(6));
    my $orphan = create_post($leaver);
    ($res) = api(DELETE => '/accounts/me/', token => $leaver->{access}, body => { password => $leaver->{password} });
    ok t_cmp($res->code, 204, 'an author deactivates their account');
    ($res, $d) = send_first($starter, post => $orphan, content => '탈퇴한 글쓴이');
    ok t_cmp(verdict($res, $d), '404 not_found ', "a deactivated author's post: 404 (nobody to reach)");
}

# --- pagination ----------------------------------------------------------------------------------

{
    my $p = create_post($author);
    my (undef, $d) = send_first($third, post => $p, content => '메시지 1');
    my $pconv = $d->{conversation};
    my @sent = ($d->{id});
    for my $i (2 .. 45) {
        my ($res, $m) = $i % 2 ? reply($third, $pconv, { content => "메시지 $i" })
                               : reply($author, $pconv, { content => "메시지 $i" });
        push @sent, $m->{id} if $res->code == 201;
    }
    ok t_cmp(scalar(@sent), 45, '45 messages sent by both sides');
    my ($all, $sizes) = all_messages($third, $pconv, 20);
    ok t_cmp($sizes, '20,20,5', 'GET /messages/{id}/?limit=20 walks pages of 20, 20 and 5');
    ok t_cmp(join(',', map { $_->{id} } @$all), join(',', @sent), 'every message once, oldest first');
    ok t_cmp(join(',', map { $_->{content} } @$all[0, 44]), '메시지 1,메시지 45', 'contents in order');

    my $c = conversation_of($author, $pconv);
    ok t_cmp($c->{unread_count}, 23, "the author has the third user's 23 messages unread");
    my ($res, $first) = read_conv($author, $pconv, '?limit=20');
    $c = conversation_of($author, $pconv);
    ok t_cmp($c->{unread_count}, 13, 'reading the first page marks only its 10 read');
    ($res, $d) = read_conv($author, $pconv, "?limit=20&cursor=$first->{next}");
    ($res, $d) = read_conv($author, $pconv, "?limit=20&cursor=$d->{next}");
    ok t_cmp(($d->{next} // 'null') . ' ' . conversation_of($author, $pconv)->{unread_count}, 'null 0',
             'the last page ends with next null and nothing left unread');

    ($res, $d) = read_conv($author, $pconv, '?cursor=garbage');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a garbage cursor: 400');
    ($res, $d) = read_conv($author, $pconv, '?cursor=' . substr($first->{next}, 0, -2) . 'AA');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a tampered cursor: 400');
    ($res, $d) = read_conv($author, $pconv, '?limit=0');
    ok t_cmp(verdict($res, $d), '400 invalid limit', 'limit=0: 400');
    ($res, $d) = read_conv($author, $pconv, '?limit=101');
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 45', 'limit=101: read as 100, all 45 messages');
    ($res, $d) = conversations($author, '?cursor=garbage');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'GET /messages/ with a garbage cursor: 400');
    ($res, $d) = api(GET => "/messages/$pconv/?cursor=garbage", token => $starter->{access});
    ok t_cmp($res->code, 400, "a non-participant's bad cursor is 400 whether or not the conversation exists");

    # the conversation list, one at a time
    my (@ids, $cursor);
    for (1 .. 20) {
        ($res, $d) = conversations($starter, '?limit=1' . (defined $cursor ? "&cursor=$cursor" : ''));
        last unless $res->code == 200;
        push @ids, map { $_->{id} } results($d);
        $cursor = $d->{next};
        last unless defined $cursor;
    }
    (undef, $d) = conversations($starter, '?limit=100');
    my @whole = map { $_->{id} } results($d);
    ok t_cmp(join(',', @ids), join(',', @whole), 'GET /messages/?limit=1 walks every conversation once, in order');
    ok t_cmp(scalar(@whole), 3, 'the starter has 3 conversations (post, comment, anonymous post)');
    my @keys = map { $_->{updated_at} } results($d);
    ok t_cmp(join(',', @keys), join(',', sort { $b cmp $a } @keys), 'most recent first');
}

# --- two first messages at once ---------------------------------------------------------------

{
    my $p = create_post($author);
    my @got = together(10, sub {
        my ($res, $d) = api(POST => '/messages/', token => $commenter->{access},
                            body => { post => $p, content => "동시에 $_[0]" });
        return $res->code . ' ' . ($d->{conversation} // '-');
    });
    my %codes = map { (split / /)[0] => 1 } @got;
    my %convs = map { (split / /)[1] => 1 } @got;
    ok t_cmp(join(',', sort keys %codes), '201', 'ten concurrent first messages: all 201');
    ok t_cmp(scalar(keys %convs), 1, 'and all in one conversation');
    my ($c) = keys %convs;
    my ($res, $d) = read_conv($commenter, $c, '?limit=100');
    ok t_cmp(scalar(results($d)), 10, 'holding all ten messages');
}

# --- anonymity: neither side's identity in any answer ---------------------------------------------

{
    my %identity = (
        $author->{id} => [$author->{id}, $author->{user}{nickname}, $author->{login_id}],
        $starter->{id} => [$starter->{id}, $starter->{user}{nickname}, $starter->{login_id}],
        $commenter->{id} => [$commenter->{id}, $commenter->{user}{nickname}, $commenter->{login_id}],
    );
    for my $pair ([$author, $starter, 'the author', 'the starter'],
                  [$starter, $author, 'the starter', 'the author'],
                  [$commenter, $starter, 'the commenter', 'the starter'],
                  [$starter, $commenter, 'the starter', 'the commenter']) {
        my ($viewer, $other) = @$pair;
        my $answers = $seen_by{ $viewer->{id} } // [];
        my @leaks = grep { my $a = $_; grep { json_has_value($a, $_) } @{ $identity{ $other->{id} } } } @$answers;
        ok t_cmp(scalar(@$answers) >= 3 ? scalar(@leaks) : 'too few answers', 0,
                 "no messages answer to $pair->[2] contains $pair->[3]'s id, nickname or login id");
    }
    my @own = grep { my $a = $_; grep { json_has_value($a, $_) } @{ $identity{ $starter->{id} } } } @{ $seen_by{ $starter->{id} } };
    ok t_cmp(scalar(@own), 0, 'no user ids at all: not even the caller\'s own');
}

# --- times follow ids under concurrency (issue 8, item 8) ----------------------------------
# Both sides reply at once; the senders queue on the conversation's row lock
# and take their ids in that order: created_at must not go back in id order,
# and the conversation's updated_at is its last message's created_at.

{
    my ($procs, $each) = (16, 10);
    my $p = create_post($author);
    my ($res, $d) = api(POST => '/messages/', token => $starter->{access},
                        body => { post => $p, content => '시작' });
    my $conv = $d->{conversation};
    my @got = together($procs, sub {
        my ($i) = @_;
        my $who = $i % 2 ? $starter : $author;
        return join ',', map {
            (api(POST => "/messages/$conv/", token => $who->{access},
                 body => { content => "경쟁 $i-$_" }))[0]->code
        } 1 .. $each;
    });
    my $total = $procs * $each;
    my %codes;
    $codes{$_}++ for map { split /,/ } @got;
    ok t_cmp(join(',', map { "$_ x$codes{$_}" } sort keys %codes), "201 x$total",
             "$total replies from both sides in $procs processes at once: every one 201");
    my ($all, $sizes) = all_messages($author, $conv, 100);
    my @msgs = sort { $a->{id} <=> $b->{id} } @{ $all // [] };
    ok t_cmp(scalar(@msgs), $total + 1, '... the conversation holds all of them');
    my @late = grep { $msgs[$_]{created_at} lt $msgs[$_ - 1]{created_at} } 1 .. $#msgs;
    ok t_cmp(scalar(@late), 0, '... and created_at never goes back in id order')
        or t_debug(join "\n", map { "$msgs[$_ - 1]{id} $msgs[$_ - 1]{created_at} > $msgs[$_]{id} $msgs[$_]{created_at}" } @late);
    my $c = conversation_of($author, $conv);
    ok t_cmp($c ? $c->{updated_at} : 'no conversation', @msgs ? $msgs[-1]{created_at} : 'no messages',
             "... and the conversation's updated_at is its last message's created_at");
}
