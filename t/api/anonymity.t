# t/api/anonymity.t: 익명1, 익명2 ... per post in order of first writing,
# 익명(글쓴이) for the anonymous post's author, numbers that survive edits and
# later comments and stay distinct under concurrency; and an anonymous
# writer's user id nowhere in any answer another user (or nobody) is given.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together results new_post);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 38;

my ($T, $F) = (JSON::PP::true, JSON::PP::false);
my $JSON = JSON::PP->new->canonical;
my $SECRET_BOARD = 2;   # 비밀게시판: allow_anonymous 1

sub comment {
    my ($who, $post, %body) = @_;
    my ($res, $d) = api(POST => "/posts/$post/comments/", token => $who->{access},
                        body => { is_anonymous => $T, %body });
    die 'comment failed: ' . $res->content unless $res->code == 201;
    return $d;
}

# Every comment of a post's thread (top-level and replies) by id.
sub thread_by_id {
    my ($post, $who) = @_;
    my ($res, $d) = api(GET => "/posts/$post/comments/?limit=100", $who ? (token => $who->{access}) : ());
    return { map { ($_->{id} => $_, map { ($_->{id} => $_) } @{ $_->{replies} }) } results($d) };
}

sub label { my ($c) = @_; return $c ? ($c->{author}{id} // 'null') . ' ' . $c->{author}{nickname} : 'missing' }

my $author = new_user(nickname => '글쓴이' . hangul(3));
my @anon = map { new_user(nickname => '익명러' . hangul(3)) } 1 .. 3;   # B, C, D
my ($ub, $uc, $ud) = @anon;
my $named = new_user(nickname => '실명' . hangul(3));
my $viewer = new_user();

# --- numbering ------------------------------------------------------------------------

my $post = new_post($author, board => $SECRET_BOARD, is_anonymous => $T)->{id};
my %id;
$id{b1} = comment($ub, $post, content => 'B의 첫 댓글')->{id};
$id{c1} = comment($uc, $post, content => 'C의 첫 댓글')->{id};
$id{a1} = comment($author, $post, content => '글쓴이 댓글')->{id};
$id{d1} = comment($ud, $post, content => 'D의 답글', parent => $id{b1})->{id};
$id{b2} = comment($ub, $post, content => 'B의 둘째 댓글', parent => $id{c1})->{id};
$id{n1} = comment($named, $post, content => '실명 댓글', is_anonymous => $F)->{id};
$id{c2} = comment($uc, $post, content => 'C의 둘째 댓글')->{id};
{
    my $t = thread_by_id($post, $viewer);
    ok t_cmp(label($t->{ $id{b1} }), 'null 익명1', 'the first anonymous writer is 익명1 (id null)');
    ok t_cmp(label($t->{ $id{c1} }), 'null 익명2', 'the second is 익명2');
    ok t_cmp(label($t->{ $id{a1} }), 'null 익명(글쓴이)', "the anonymous post's author is 익명(글쓴이)");
    ok t_cmp(label($t->{ $id{d1} }), 'null 익명3', 'the next writer is 익명3: the author took no number');
    ok t_cmp(label($t->{ $id{b2} }), 'null 익명1', "B's later reply is still 익명1");
    ok t_cmp(label($t->{ $id{c2} }), 'null 익명2', "C's later comment is still 익명2");
    ok t_cmp(label($t->{ $id{n1} }), "$named->{id} $named->{user}{nickname}", 'a named comment shows its writer');
    ok t_cmp(join(',', map { $t->{ $id{$_} }{is_anonymous} ? 1 : 0 } qw(b1 a1 n1)), '1,1,0', 'is_anonymous as written');

    my ($res, $e) = api(PATCH => "/comments/$id{b1}/", token => $ub->{access}, body => { content => '고친 B 댓글' });
    ok t_cmp($res->code . ' ' . label($e), '200 null 익명1', 'an edit keeps 익명1');
    api(DELETE => "/comments/$id{c1}/", token => $uc->{access});
    $id{c3} = comment($uc, $post, content => 'C의 셋째 댓글')->{id};
    $t = thread_by_id($post, $viewer);
    ok t_cmp(label($t->{ $id{c3} }), 'null 익명2', 'after deleting a comment, C writes again as 익명2');
    ok t_cmp(defined $t->{ $id{c1} } && !defined $t->{ $id{c1} }{author} ? 'no author' : 'author shown', 'no author',
             "C's deleted comment (it has a reply) stays without an author, not even a label");
    my $e2 = comment($ub, $post, content => '실명으로 B', is_anonymous => $F);
    ok t_cmp(label($e2), "$ub->{id} $ub->{user}{nickname}", 'B writing named shows B (their choice)');
    api(DELETE => "/comments/$e2->{id}/", token => $ub->{access});

    # is_mine tells the writers themselves
    $t = thread_by_id($post, $ub);
    ok t_cmp(join(',', map { $t->{ $id{$_} }{is_mine} ? 1 : 0 } qw(b1 b2 c2 a1)), '1,1,0,0', 'is_mine for the anonymous writer only');
    $t = thread_by_id($post, $author);
    ok t_cmp($t->{ $id{a1} }{is_mine} ? 'mine' : 'not', 'mine', "... and for the post's author");
}

# a named post: its author commenting anonymously takes a number like anyone
{
    my $open = new_post($named)->{id};
    my $x = comment($ub, $open, content => '첫 익명');
    my $y = comment($named, $open, content => '글쓴이지만 익명');
    ok t_cmp(label($x) . ' / ' . label($y), 'null 익명1 / null 익명2',
             "on a named post the author's anonymous comment is 익명2, not 익명(글쓴이)");
    my $z = comment($ud, $post, content => 'D, 다른 글에서');
    ok t_cmp(label($z), 'null 익명3', 'numbers are per post: D is still 익명3 on the first post');
    my $w = comment($ud, $open, content => 'D, 새 글에서');
    ok t_cmp(label($w), 'null 익명3', '... and 익명3 on the other post by its own order');
}

# --- no id anywhere ---------------------------------------------------------------------------

{
    # make the anonymous post HOT so /posts/hot/ lists it too
    my @fans = map { new_user() } 1 .. 10;
    api(POST => "/posts/$post/like/", token => $_->{access}) for @fans;
    my @hidden = ($author, $ub, $uc, $ud);
    my @paths = ("/posts/$post/", "/posts/$post/comments/?limit=100", '/posts/?limit=100',
                 "/boards/$SECRET_BOARD/posts/?limit=100", '/posts/hot/?limit=100');
    for my $path (@paths) {
        for my $who ($viewer, undef) {
            my ($res, $tree) = api(GET => $path, $who ? (token => $who->{access}) : ());
            my @leaks = map { $_->{login_id} } grep { json_has_value($tree, $_->{id}) } @hidden;
            my $as = $who ? 'another user' : 'an anonymous reader';
            # the answer must hold the post (or its comments) for the search to mean anything
            my $shown = $path =~ /comments/ ? scalar(results($tree)) >= 4
                      : ref $tree eq 'HASH' && exists $tree->{title} ? $tree->{id} == $post
                      : grep { $_->{id} == $post } results($tree);
            ok t_cmp($res->code . ($shown ? ' shown' : ' not shown') . (@leaks ? " leaks @leaks" : ', no id'),
                     '200 shown, no id', "GET $path as $as: the post is there, no anonymous writer's id anywhere");
        }
    }
    my ($res, $tree) = api(GET => "/posts/$post/comments/?limit=100", token => $viewer->{access});
    ok t_cmp(json_has_value($tree, $named->{id}) ? 'found' : 'missing', 'found',
             "(the search works: the named writer's id is found)");
    ($res, $tree) = api(GET => '/posts/hot/?limit=100');
    ok t_cmp((grep { $_->{id} == $post } results($tree)) ? 'listed' : 'missing', 'listed', '(the post is in /posts/hot/)');
    ok t_cmp(json_has_value([ map { $_->{author} } grep { $_->{id} == $post } results($tree) ], '익명') ? 'anonymous' : 'named',
             'anonymous', '(and shows its author as 익명)');

    # the writers' own lists carry their labels, not ids of others
    ($res, $tree) = api(GET => '/me/comments/?limit=100', token => $ub->{access});
    my @mine = grep { $_->{post} == $post } results($tree);
    ok t_cmp(join(',', map { $_->{author}{nickname} } @mine), '익명1,익명1', "B's /me/comments/: their comments as 익명1");
    my @leaks = map { $_->{login_id} } grep { json_has_value($tree, $_->{id}) } ($author, $uc, $ud);
    ok t_cmp(@leaks ? "leaks @leaks" : 'clean', 'clean', "... and no other anonymous writer's id");
}

# --- at once: ten new anonymous writers --------------------------------------------------------

{
    my $rush = new_post($author, board => $SECRET_BOARD, is_anonymous => $T)->{id};
    my @users = map { new_user() } 1 .. 10;
    my @out = together(10, sub {
        my ($i) = @_;
        my ($res, $e) = api(POST => "/posts/$rush/comments/", token => $users[$i - 1]{access},
                            body => { content => "동시 익명 $i", is_anonymous => $T });
        # only ASCII crosses the pipe: the number of the label
        return $res->code . ' ' . (($e->{author}{nickname} // '') =~ /^익명(\d+)$/ ? $1 : 0);
    });
    ok t_cmp(join(',', map { (split / /)[0] } @out), join(',', (201) x 10), '10 anonymous comments at once: every one 201');
    my @labels = sort { $a <=> $b } map { (split / /)[1] } @out;
    ok t_cmp(join(',', @labels), '1,2,3,4,5,6,7,8,9,10', '... numbered 익명1 to 익명10, each once');
    my ($res, $p) = api(GET => "/posts/$rush/");
    ok t_cmp($p->{comment_count}, 10, '... comment_count is exactly 10');
    my $t = thread_by_id($rush);
    my %first = map { my $e = $_; ($e->{content} =~ /(\d+)$/)[0] => $e->{author}{nickname} } values %$t;
    my @again = together(10, sub {
        my ($i) = @_;
        my ($r, $e) = api(POST => "/posts/$rush/comments/", token => $users[$i - 1]{access},
                          body => { content => "다시 $i", is_anonymous => $T });
        return ($e->{author}{nickname} // '?') eq $first{$i} ? 'same' : 'changed';
    });
    ok t_cmp(join(',', @again), join(',', ('same') x 10), 'writing again at once: everyone keeps their number');
    $t = thread_by_id($rush);
    ok t_cmp(scalar(keys %$t), 20, '... 20 comments');
    my $leaks = grep { json_has_value([ values %$t ], $_->{id}) } @users;
    ok t_cmp($leaks, 0, '... and none shows a writer id');
}
