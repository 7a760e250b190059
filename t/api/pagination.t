# t/api/pagination.t: the keyset cursors of every list, per API.md
# Conventions. ?limit= above 100 is read as 100 (DRF's paginators clamp it);
# 0, negative or not a number is 400 naming limit. A cursor belongs to the
# list that handed it out: presented to another list it is 400 naming cursor.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape verdict results);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 67;

# "STATUS CODE field,field" of an answer.
sub must {
    my ($what, $want, $res, $d) = @_;
    die "$what: " . $res->code . ' ' . $res->content . "\n" unless $res->code == $want;
    return $d;
}

my $admin = admin_login();
my $alice = new_user();
my $bob = new_user();

# --- the data every list needs: at least two rows each ---------------------------------

my $board = must('board', 201, api(POST => '/boards/', token => $alice->{access},
                 body => { school => 1, category => 'free', name => '페이지판' . hangul(4) }))->{id};
my @posts;
for my $i (1 .. 102) {
    push @posts, must("post $i", 201, api(POST => '/posts/', token => $alice->{access},
                      body => { board => $board, title => "쪽 나눔 $i", content => '내용 ' . hangul(4),
                                is_anonymous => JSON::PP::false }))->{id};
}
my ($p1, $p2) = @posts[-1, -2];

# two HOT posts: ten likes each, the default threshold
my @likers = map { new_user() } 1 .. 10;
for my $u (@likers) {
    must('like', 201, api(POST => "/posts/$_/like/", token => $u->{access})) for ($p1, $p2);
}
must('scrap', 201, api(POST => "/posts/$_/scrap/", token => $bob->{access})) for ($p1, $p2);
must('comment', 201, api(POST => "/posts/$p1/comments/", token => $alice->{access},
                         body => { content => "댓글 $_" })) for 1 .. 2;
my $conv = must('message', 201, api(POST => '/messages/', token => $bob->{access},
                                    body => { post => $p1, content => '첫 쪽지' }))->{conversation};
must('reply', 201, api(POST => "/messages/$conv/", token => $bob->{access}, body => { content => '두 번째' }));
must('message', 201, api(POST => '/messages/', token => $bob->{access},
                         body => { post => $p2, content => '다른 글에 쪽지' }));

my $tag = unique('PG');
my $info;
for my $section ('01', '02') {
    my $d = must('course', 201, api(POST => '/courses/', token => $admin->{access}, body => {
        course_info => { code => $tag, title => "페이지 강의 $tag", credits => 3, department => '컴퓨터공학과' },
        section => $section, semester => '2024-1', professor => '김교수', capacity => 40,
        slots => [{ day => 'MON', start => '09:00', end => '10:15', room => '공학관 101' }] }));
    $info = $d->{course_info}{id};
}
must('review', 201, api(POST => "/course-infos/$info/reviews/", token => $_->{access},
                        body => { rating => 4, content => '좋은 강의입니다', semester => '2024-1' }))
    for ($alice, $bob);

# The lists: name => [path with its query (ending in ? or &), who asks].
my %lists = (
    posts         => ["/posts/?board=$board&", undef],
    hot_posts     => ['/posts/hot/?', undef],
    me_posts      => ['/me/posts/?', $alice],
    me_scraps     => ['/me/scraps/?', $bob],
    comments      => ["/posts/$p1/comments/?", undef],
    me_comments   => ['/me/comments/?', $alice],
    conversations => ['/messages/?', $bob],
    messages      => ["/messages/$conv/?", $bob],
    courses       => ['/courses/?q=' . query_escape($tag) . '&', undef],
    reviews       => ["/course-infos/$info/reviews/?", undef],
);
my @names = sort keys %lists;

sub page {
    my ($name, $query) = @_;
    my ($path, $who) = @{ $lists{$name} };
    return api(GET => $path . $query, $who ? (token => $who->{access}) : ());
}

# --- ?limit= above 100 is read as 100 ----------------------------------------------------

{
    my ($res, $d) = api(GET => "/boards/$board/posts/?limit=1000");
    ok t_cmp($res->code . ' ' . scalar(results($d)) . ' ' . (defined $d->{next} ? 'next' : 'null'),
             '200 100 next', 'a board of 102 posts, ?limit=1000: 200, 100 posts and a next cursor');
    ok t_cmp(join(',', map { $_->{id} } results($d)), join(',', reverse @posts[2 .. 101]),
             '... the newest 100, newest first');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=1000&cursor=" . query_escape($d->{next} // ''));
    ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)) . ' ' . ($d->{next} // 'null'),
             "200 $posts[1],$posts[0] null", '... and its cursor, again with ?limit=1000, the last 2');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=101");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 100', '?limit=101: 100 posts');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=" . ('9' x 30));
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 100',
             '?limit= of 30 nines (past any integer type): 100 posts');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=100");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 100', '?limit=100: 100 posts');
    ($res, $d) = api(GET => "/boards/$board/posts/?limit=3");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 3', '?limit=3: 3 posts');
}

for my $name (@names) {
    my ($res, $d) = page($name, 'limit=1000');
    my $n = scalar(results($d));
    ok t_cmp($res->code . ' ' . ($n >= 2 && $n <= 100 ? 'rows' : "$n rows"), '200 rows',
             "$name ($lists{$name}[0]): ?limit=1000 answers 200 with its rows (at most 100)");
    my @bad = map { my ($r, $b) = page($name, "limit=$_"); "$_: " . verdict($r, $b) } ('0', '-1', 'abc', '', '1.5');
    ok t_cmp(join('; ', @bad), '0: 400 invalid limit; -1: 400 invalid limit; abc: 400 invalid limit; '
                               . ': 400 invalid limit; 1.5: 400 invalid limit',
             "$name: ?limit= 0, -1, abc, empty and 1.5 are 400 naming limit");
}

{
    my ($res, $d) = api(GET => "/posts/?limit=0", headers => ['Accept-Language' => 'ko']);
    ok t_cmp(verdict($res, $d) . ' ' . ($d->{errors}{limit}[0] // ''), '400 invalid limit limit은 1 이상의 정수여야 합니다.',
             '?limit=0 in Korean: the field error says why');
}

# --- a cursor belongs to its list --------------------------------------------------------

my %cursor;
for my $name (@names) {
    my ($res, $d) = page($name, 'limit=1');
    $cursor{$name} = $d->{next} if ref $d eq 'HASH';
    ok t_cmp($res->code . ' ' . scalar(results($d)) . ' ' . (defined $cursor{$name} ? 'next' : 'null'),
             '200 1 next', "$name: ?limit=1 gives one row and a next cursor");
}

for my $name (@names) {
    my ($res, $d) = page($name, 'limit=1&cursor=' . query_escape($cursor{$name} // ''));
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 1', "$name: its own cursor reads the next page");
    my @taken = grep {
        my ($r, $b) = page($name, 'limit=1&cursor=' . query_escape($cursor{$_} // ''));
        verdict($r, $b) ne '400 invalid cursor';
    } grep { $_ ne $name } @names;
    ok t_cmp(join(',', @taken), '', "$name: the cursor of each of the other 9 lists is 400 naming cursor");
}

{
    my ($res, $d) = page('comments', 'cursor=' . query_escape($cursor{posts}));
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a posts cursor on the comments of a post: 400');
    ($res, $d) = page('messages', 'cursor=' . query_escape($cursor{posts}));
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a posts cursor on the messages of a conversation: 400');
    ($res, $d) = page('comments', 'cursor=' . query_escape($cursor{me_comments}));
    ok t_cmp(verdict($res, $d), '400 invalid cursor',
             "a cursor of /me/comments/ (a comment id too) on a post's comments: 400");
    # /posts/ and /boards/{id}/posts/ are one list with two spellings
    my (undef, $b) = api(GET => "/boards/$board/posts/?limit=1");
    ($res, $d) = page('posts', 'limit=1&cursor=' . query_escape($b->{next} // ''));
    ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)), "200 $p2",
             "a cursor of /boards/{id}/posts/ continues /posts/?board= the same way");
}

# --- the cursor key follows the signing key -----------------------------------------------
{
    my $main = $cursor{posts};
    for my $vh ('et_rs256', 'et_es256') {
        my ($res, $d) = api(GET => "/posts/?board=$board&limit=1", vhost => $vh);
        ($res, $d) = api(GET => "/posts/?board=$board&limit=1&cursor=" . query_escape($d->{next} // ''),
                         vhost => $vh);
        ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)), "200 $p2",
                 "$vh: its own cursor reads the next page (a key derived from its private key)");
        ($res, $d) = api(GET => "/posts/?board=$board&cursor=" . query_escape($main), vhost => $vh);
        ok t_cmp(verdict($res, $d), '400 invalid cursor', "$vh: a cursor of the HS256 main server: 400");
    }
    my ($res, $d) = api(GET => "/posts/?board=$board&limit=1&cursor=" . query_escape($main), vhost => 'et_claims');
    ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)), "200 $p2",
             'et_claims, with the same HS256 secret: the main server\'s cursor reads the next page');
}
