# t/api/reactions.t: POST/DELETE /posts/{id}/like/, /posts/{id}/scrap/,
# /comments/{id}/like/ and GET /me/scraps/, per API.md "Posts, comments,
# likes, scraps": one per user (409 twice, 404 taking back nothing), 403 for
# one's own writing, counters exact under concurrency, HOT once.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict results new_post);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 78;

my $UNKNOWN = 999999999;
my ($T, $F) = (JSON::PP::true, JSON::PP::false);
my $JSON = JSON::PP->new->canonical;

sub get_post {
    my ($id, $who) = @_;
    my ($res, $d) = api(GET => "/posts/$id/", $who ? (token => $who->{access}) : ());
    return $d;
}

# "like_count scrap_count is_liked is_scrapped" of a post as $who sees it.
sub counters {
    my ($id, $who) = @_;
    my $p = get_post($id, $who);
    return join ' ', map { ref $_ ? ($_ ? 'true' : 'false') : $_ } @$p{qw(like_count scrap_count is_liked is_scrapped)};
}

sub act {
    my ($method, $path, $who) = @_;
    return api($method => $path, $who ? (token => $who->{access}) : ());
}

my $admin = admin_login();
my $writer = new_user();
my $alice = new_user();
my $bob = new_user();
my $post = new_post($writer)->{id};

# --- post likes -------------------------------------------------------------------------

{
    my $like = "/posts/$post/like/";
    my ($res, $d) = act(POST => $like);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST like without a token: 401');
    ($res, $d) = act(DELETE => $like);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE like without a token: 401');
    ($res, $d) = act(POST => $like, $writer);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "liking one's own post: 403");
    ($res, $d) = act(POST => "/posts/$UNKNOWN/like/", $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'liking an unknown post: 404');
    ok t_cmp(counters($post, $writer), '0 0 false false', '... nothing changed');

    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp($res->code . ' ' . $JSON->encode($d), '201 {"is_liked":true,"like_count":1}', 'POST like: 201 with the new count');
    ok t_cmp(counters($post, $alice), '1 0 true false', 'the post: like_count 1, is_liked for the liker');
    ok t_cmp(counters($post, $bob), '1 0 false false', '... not for another user');
    ok t_cmp(counters($post), '1 0 false false', '... nor for an anonymous reader');
    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'liking twice: 409 conflict');
    ok t_cmp(counters($post, $alice), '1 0 true false', '... like_count stays 1');
    ($res, $d) = act(DELETE => $like, $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'taking back a like one never gave: 404');
    ok t_cmp(counters($post, $alice), '1 0 true false', '... like_count stays 1');
    ($res, $d) = act(DELETE => $like, $writer);
    ok t_cmp(verdict($res, $d), '404 not_found ', "the writer unliking their own post: 404");
    ($res) = act(DELETE => $like, $alice);
    ok t_cmp($res->code . ' ' . $res->content, '204 ', 'DELETE like: 204 without a body');
    ok t_cmp(counters($post, $alice), '0 0 false false', 'like_count back to 0, is_liked false');
    ($res, $d) = act(DELETE => $like, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unliking twice: 404');
    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp($res->code . ' ' . $d->{like_count}, '201 1', 'liking again after taking it back: 201');
    ($res, $d) = act(POST => $like, $admin);
    ok t_cmp($res->code . ' ' . $d->{like_count}, '201 2', 'an admin likes like anyone: 201, 2');
    ($res, $d) = act(GET => $like, $alice);
    ok t_cmp($res->code . ' ' . ($res->header('Allow') // ''), qr/^405 (DELETE, POST|POST, DELETE)$/, 'GET like: 405 naming POST and DELETE');
    ($res, $d) = act(POST => "/posts/0/like/", $alice);
    ok t_cmp($res->code, 404, 'post id 0: 404');
    ($res, $d) = act(POST => "/posts/abc/like/", $alice);
    ok t_cmp($res->code, 404, 'post id not a number: 404');
}

# --- scraps ------------------------------------------------------------------------------

{
    my $scrap = "/posts/$post/scrap/";
    my ($res, $d) = act(POST => $scrap);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST scrap without a token: 401');
    ($res, $d) = act(POST => "/posts/$UNKNOWN/scrap/", $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'scrapping an unknown post: 404');
    ($res, $d) = act(POST => $scrap, $bob);
    ok t_cmp($res->code . ' ' . $JSON->encode($d), '201 {"is_scrapped":true,"scrap_count":1}', 'POST scrap: 201 with the new count');
    ok t_cmp(counters($post, $bob), '2 1 false true', 'the post: scrap_count 1, is_scrapped for the scrapper');
    ok t_cmp(counters($post, $alice), '2 1 true false', '... not for another user');
    ($res, $d) = act(POST => $scrap, $bob);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'scrapping twice: 409');
    ($res, $d) = act(POST => $scrap, $writer);
    ok t_cmp($res->code . ' ' . $d->{scrap_count}, '201 2', "scrapping one's own post is allowed: 201, 2");
    ($res, $d) = act(DELETE => $scrap, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unscrapping what one never scrapped: 404');
    ok t_cmp(counters($post, $bob), '2 2 false true', '... scrap_count stays 2');
    ($res) = act(DELETE => $scrap, $writer);
    ok t_cmp($res->code, 204, 'DELETE scrap: 204');
    ok t_cmp(counters($post, $writer), '2 1 false false', 'scrap_count back to 1');
    ($res, $d) = act(DELETE => $scrap, $writer);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unscrapping twice: 404');
}

# --- /me/scraps/ ------------------------------------------------------------------------------

{
    my ($res, $d) = act(GET => '/me/scraps/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /me/scraps/ without a token: 401');
    my $reader = new_user();
    ($res, $d) = act(GET => '/me/scraps/', $reader);
    ok t_cmp($res->code . ' ' . $JSON->encode($d), '200 {"next":null,"results":[]}', 'no scraps yet: an empty page');
    my @posts = map { new_post($writer, title => "스크랩 $_")->{id} } 1 .. 5;
    # scrapped in an order other than the posts' own
    my @order = @posts[2, 0, 4, 1, 3];
    act(POST => "/posts/$_/scrap/", $reader) for @order;
    act(POST => "/posts/$posts[0]/scrap/", $alice);
    ($res, $d) = act(GET => '/me/scraps/', $reader);
    ok t_cmp(join(',', map { $_->{id} } results($d)), join(',', reverse @order), 'newest scrap first');
    my ($first) = results($d);
    ok t_cmp(join(',', sort keys %{ $first // {} }),
             'author,board,comment_count,content,created_at,hot_at,id,is_anonymous,is_liked,is_mine,is_question,is_scrapped,like_count,media,scrap_count,title,updated_at',
             'each is a whole Post');
    ok t_cmp(join(',', map { $_->{is_scrapped} ? 1 : 0 } results($d)), '1,1,1,1,1', '... each is_scrapped');
    ok t_cmp($first->{title}, '스크랩 4', '... with its Korean title');
    my (@seen, $cursor, $pages);
    for (1 .. 10) {
        ($res, $d) = act(GET => '/me/scraps/?limit=2' . (defined $cursor ? "&cursor=$cursor" : ''), $reader);
        last unless $res->code == 200;
        $pages++;
        push @seen, map { $_->{id} } results($d);
        last unless defined($cursor = $d->{next});
    }
    ok t_cmp(join(',', @seen) . " in $pages", join(',', reverse @order) . ' in 3', 'limit=2: every scrap once over 3 pages');
    ($res, $d) = act(GET => '/me/scraps/?cursor=garbage', $reader);
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a garbage cursor: 400');
    ($res, $d) = act(GET => '/me/scraps/?limit=500', $reader);
    ok t_cmp($res->code . ' ' . join(',', map { $_->{id} } results($d)), '200 ' . join(',', reverse @order),
             'limit over 100: read as 100, every scrap');
    ($res, $d) = act(GET => '/me/scraps/?limit=0', $reader);
    ok t_cmp(verdict($res, $d), '400 invalid limit', 'limit=0: 400');
    act(DELETE => "/posts/$order[0]/scrap/", $reader);
    api(DELETE => "/posts/$order[1]/", token => $writer->{access});
    ($res, $d) = act(GET => '/me/scraps/', $reader);
    ok t_cmp(join(',', map { $_->{id} } results($d)), join(',', reverse @order[2 .. 4]),
             'an unscrapped post and a deleted post leave the list');
    ($res, $d) = act(POST => "/posts/$order[1]/scrap/", $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'scrapping a deleted post: 404');
    ($res, $d) = act(DELETE => "/posts/$order[1]/like/", $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unliking a deleted post: 404');
}

# --- comment likes ---------------------------------------------------------------------------

{
    my ($res, $d) = api(POST => "/posts/$post/comments/", token => $bob->{access}, body => { content => '공감해 주세요' });
    my $cid = $d->{id};
    my $like = "/comments/$cid/like/";
    ($res, $d) = act(POST => $like);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST comment like without a token: 401');
    ($res, $d) = act(POST => $like, $bob);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "liking one's own comment: 403");
    ($res, $d) = act(POST => "/comments/$UNKNOWN/like/", $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'liking an unknown comment: 404');
    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp($res->code . ' ' . $JSON->encode($d), '201 {"is_liked":true,"like_count":1}', 'POST comment like: 201');
    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'liking a comment twice: 409');
    ($res, $d) = act(POST => $like, $writer);
    ok t_cmp($res->code . ' ' . $d->{like_count}, '201 2', "the post's writer likes it too: 2");

    my $seen = sub {
        my ($who) = @_;
        my ($r, $t) = api(GET => "/posts/$post/comments/", $who ? (token => $who->{access}) : ());
        my ($c) = grep { $_->{id} == $cid } results($t);
        return join ' ', $c->{like_count}, exists $c->{is_liked} ? ($c->{is_liked} ? 'liked' : 'not liked') : 'absent';
    };
    ok t_cmp($seen->($alice), '2 liked', 'the thread: like_count 2, is_liked for a liker');
    ok t_cmp($seen->($bob), '2 not liked', '... not for the writer');
    ok t_cmp($seen->(undef), '2 absent', '... and no is_liked for an anonymous reader');
    ($res, $d) = act(DELETE => $like, $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unliking a comment one never liked: 404');
    ($res) = act(DELETE => $like, $alice);
    ok t_cmp($res->code, 204, 'DELETE comment like: 204');
    ok t_cmp($seen->($alice), '1 not liked', 'like_count 1, is_liked false');
    ($res, $d) = act(DELETE => $like, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unliking a comment twice: 404');

    api(DELETE => "/comments/$cid/", token => $bob->{access});
    ($res, $d) = act(POST => $like, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'liking a deleted comment: 404');
    ($res, $d) = act(DELETE => $like, $writer);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'unliking a deleted comment: 404');
}

# --- HOT: once, at the threshold (EverytimeHotThreshold, 10 by default) ---------------------

{
    my $hot = new_post($writer, title => '핫한 글 ' . hangul(2))->{id};
    my @fans = map { new_user() } 1 .. 11;
    act(POST => "/posts/$hot/like/", $fans[$_]) for 0 .. 8;
    my $p = get_post($hot);
    ok t_cmp($p->{like_count} . ' ' . ($p->{hot_at} // 'null'), '9 null', '9 likes: not HOT yet');
    act(POST => "/posts/$hot/like/", $fans[9]);
    $p = get_post($hot);
    my $hot_at = $p->{hot_at};
    ok t_cmp($p->{like_count} . ' ' . ($hot_at // 'null'), qr/^10 \d{4}-\d\d-\d\dT[\d:.]+Z$/, 'the 10th like: hot_at set');
    act(POST => "/posts/$hot/like/", $fans[10]);
    act(DELETE => "/posts/$hot/like/", $fans[$_]) for 0 .. 2;
    $p = get_post($hot);
    ok t_cmp($p->{like_count} . ' ' . ($p->{hot_at} // 'null'), "8 $hot_at", 'more likes, then fewer than 10: hot_at stays');
    act(POST => "/posts/$hot/like/", $fans[$_]) for 0 .. 1;
    $p = get_post($hot);
    ok t_cmp($p->{like_count} . ' ' . ($p->{hot_at} // 'null'), "10 $hot_at", 'back to 10: hot_at is not set again');
    my ($res, $d) = api(GET => '/posts/hot/?limit=100');
    ok t_cmp((grep { $_->{id} == $hot } results($d)) ? 'listed' : 'missing', 'listed', 'the post is in /posts/hot/');
    ok t_cmp((grep { $_->{id} == $post } results($d)) ? 'listed' : 'missing', 'missing', 'a post with 2 likes is not');
}

# --- at once ------------------------------------------------------------------------------------

{
    my $rush = new_post($writer, title => '동시 공감')->{id};
    my @fans = map { new_user() } 1 .. 10;
    my @codes = together(10, sub { (act(POST => "/posts/$rush/like/", $fans[$_[0] - 1]))[0]->code });
    ok t_cmp(join(',', @codes), join(',', (201) x 10), '10 users like at once: every one 201');
    my $p = get_post($rush);
    ok t_cmp($p->{like_count}, 10, '... like_count is exactly 10');
    ok t_cmp(defined $p->{hot_at} ? 'set' : 'null', 'set', '... and the post became HOT');
    my $hot_at = $p->{hot_at};
    @codes = together(10, sub { (act(DELETE => "/posts/$rush/like/", $fans[$_[0] - 1]))[0]->code });
    ok t_cmp(join(',', @codes), join(',', (204) x 10), '10 users unlike at once: every one 204');
    $p = get_post($rush);
    ok t_cmp($p->{like_count} . ' ' . ($p->{hot_at} // 'null'), "0 $hot_at", '... like_count 0, hot_at kept');
    @codes = together(10, sub { (act(POST => "/posts/$rush/like/", $fans[$_[0] - 1]))[0]->code });
    $p = get_post($rush);
    ok t_cmp($p->{like_count} . ' ' . ($p->{hot_at} // 'null'), "10 $hot_at", 'liked by all 10 again: hot_at never set again');

    # one user, the same like ten times at once: one 201, nine 409
    my $eager = new_user();
    @codes = together(10, sub { (act(POST => "/posts/$rush/scrap/", $eager))[0]->code });
    ok t_cmp(join(',', sort @codes), join(',', 201, (409) x 9), 'the same scrap 10 times at once: one 201, nine 409');
    ok t_cmp(get_post($rush)->{scrap_count}, 1, '... scrap_count is exactly 1');

    my ($res, $d) = api(POST => "/posts/$rush/comments/", token => $writer->{access}, body => { content => '댓글' });
    my $cid = $d->{id};
    @codes = together(10, sub { (act(POST => "/comments/$cid/like/", $fans[$_[0] - 1]))[0]->code });
    ok t_cmp(join(',', @codes), join(',', (201) x 10), '10 users like a comment at once: every one 201');
    ($res, $d) = api(GET => "/posts/$rush/comments/");
    ok t_cmp((results($d))[0]{like_count}, 10, "... the comment's like_count is exactly 10");
}
