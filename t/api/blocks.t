# t/api/blocks.t: 차단, per API.md "Reports and blocks": POST /blocks/
# {post | comment | conversation} blocks that item's author without ever
# telling the blocker who it is, GET /blocks/ and DELETE /blocks/{id}/; the
# blocked author's posts, comments and conversations leave the blocker's
# lists (a comment with replies shows as deleted), and their new 쪽지 to
# the blocker are refused with 403.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul verdict results keys_of new_post query_escape);
use JSON::PP ();
use Time::HiRes ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 63;

my $UNKNOWN = 999999999;
my $JSON = JSON::PP->new->canonical;

sub as {
    my ($who, $method, $path, %o) = @_;
    return api($method => $path, ($who ? (token => $who->{access}) : ()), %o);
}

sub block {
    my ($who, %target) = @_;
    return as($who, POST => '/blocks/', body => \%target);
}

sub ids_in {
    my ($who, $path) = @_;
    my $sep = $path =~ /\?/ ? '&' : '?';
    my ($res, $d) = as($who, GET => "$path${sep}limit=100");
    die "GET $path: " . $res->code unless $res->code == 200;
    return map { $_->{id} } results($d);
}

# 'listed' or 'absent' for each id, joined.
sub seen {
    my ($who, $path, @ids) = @_;
    my %in = map { $_ => 1 } ids_in($who, $path);
    return join ' ', map { $in{$_} ? 'listed' : 'absent' } @ids;
}

sub comment {
    my ($who, $post, %f) = @_;
    my ($res, $d) = as($who, POST => "/posts/$post/comments/", body => { content => '댓글 ' . hangul(2), %f });
    die 'comment failed: ' . $res->content unless $res->code == 201;
    return $d->{id};
}

sub thread {
    my ($who, $post) = @_;
    my ($res, $d) = as($who, GET => "/posts/$post/comments/?limit=100");
    return [results($d)];
}

# Whether any of the answers names the user (id or nickname).
sub names {
    my ($user, @answers) = @_;
    for my $d (@answers) {
        return 'names them' if ETest::json_has_value($d, $user->{id})
            || ETest::json_has_value($d, $user->{user}{nickname});
    }
    return 'anonymous';
}

my $me = new_user();          # the blocker
my $troll = new_user();       # whom they block
my $bystander = new_user();
my $tag = '차단 ' . hangul(4);
my $anon = new_post($troll, title => "$tag 익명", is_anonymous => JSON::PP::true)->{id};
my $named = new_post($troll, title => "$tag 실명")->{id};
my $fine = new_post($bystander, title => "$tag 정상")->{id};
my $mine = new_post($me, title => "$tag 내 글")->{id};
my @answers;   # every answer the blocker gets from /blocks/

# --- auth and bad input ----------------------------------------------------------------

{
    my ($res, $d) = block(undef, post => $anon);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /blocks/ without a token: 401');
    ($res, $d) = as(undef, GET => '/blocks/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /blocks/ without a token: 401');
    ($res, $d) = as(undef, DELETE => '/blocks/1/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE /blocks/{id}/ without a token: 401');
    ($res, $d) = as($me, POST => '/blocks/', raw => '{"post": ', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = block($me);
    ok t_cmp(verdict($res, $d), '400 invalid non_field_errors', 'none of post, comment, conversation: 400');
    ($res, $d) = block($me, post => $anon, comment => 1);
    ok t_cmp(verdict($res, $d), '400 invalid non_field_errors', 'two of them: 400');
    ($res, $d) = block($me, post => [$anon]);
    ok t_cmp(verdict($res, $d), '400 invalid post', 'post as a list: 400 naming post');
    ($res, $d) = block($me, comment => 0);
    ok t_cmp(verdict($res, $d), '400 invalid comment', 'comment 0: 400 naming comment');
    ($res, $d) = block($me, conversation => 'x');
    ok t_cmp(verdict($res, $d), '400 invalid conversation', 'conversation not a number: 400');
    ($res, $d) = as($me, POST => '/blocks/', body => { post => $anon, pad => 'x' x 70000 });
    ok t_cmp(verdict($res, $d), '413 payload_too_large ', 'a body over EverytimeMaxBodySize: 413');
    ($res, $d) = block($me, post => $UNKNOWN);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown post: 404');
    ($res, $d) = block($me, comment => $UNKNOWN);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown comment: 404');
    ($res, $d) = block($me, conversation => $UNKNOWN);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown conversation: 404');
    ($res, $d) = block($me, post => $mine);
    ok t_cmp(verdict($res, $d), '400 invalid post', 'blocking oneself through one\'s own post: 400');
    my $c = comment($me, $fine, is_anonymous => JSON::PP::true);
    ($res, $d) = block($me, comment => $c);
    ok t_cmp(verdict($res, $d), '400 invalid comment', '... through one\'s own anonymous comment: 400');
    ($res, $d) = as($me, GET => '/blocks/');
    ok t_cmp(scalar(results($d)), 0, 'none of these made a block');
}

# --- blocking through an anonymous post -----------------------------------------------

my $reply_by_fine;
my ($troll_top, $troll_lone, $bystander_top, $troll_reply);
{
    $troll_top = comment($troll, $fine);
    $reply_by_fine = comment($bystander, $fine, parent => $troll_top);
    $troll_lone = comment($troll, $fine);
    $bystander_top = comment($bystander, $fine);
    $troll_reply = comment($troll, $fine, parent => $bystander_top);

    my ($res, $d) = block($me, post => $anon);
    push @answers, $d;
    ok t_cmp($res->code . ' ' . keys_of($d), '201 created_at,id', 'blocking through an anonymous post: 201 {id, created_at}, nothing else');
    my $first = $d->{id};

    ok t_cmp(seen($me, '/posts/', $anon, $named, $fine), 'absent absent listed',
             "/posts/: every post of the author leaves the blocker's list, the named one too (by design)");
    ok t_cmp(seen($me, '/boards/1/posts/', $anon, $named, $fine), 'absent absent listed', '... /boards/{id}/posts/ too');
    ok t_cmp(seen($me, '/posts/?q=' . query_escape($tag), $anon, $named, $fine), 'absent absent listed', '... the search too');
    ok t_cmp(seen($me, "/posts/?user=$troll->{id}", $named), 'absent', '... and ?user= of the author');
    ok t_cmp(seen($bystander, '/posts/', $anon, $named, $fine), 'listed listed listed', "another user's lists keep them");
    ok t_cmp(seen(undef, '/posts/', $anon, $named), 'listed listed', "... so do an anonymous reader's");
    my ($r) = as($me, GET => "/posts/$named/");
    ok t_cmp($r->code, 200, 'a blocked author\'s post still opens by its id (blocks empty lists, not links)');

    my $t = thread($me, $fine);
    my %by = map { $_->{id} => $_ } @$t;
    ok t_cmp(exists $by{$troll_lone} ? 'listed' : 'absent', 'absent', "the blocked author's comment without replies leaves the thread");
    my $top = $by{$troll_top};
    ok t_cmp($top ? join(' ', $top->{is_deleted} ? 'deleted' : 'shown', $top->{content} // 'null', defined $top->{author} ? 'author' : 'null')
                  : 'missing', 'deleted null null', '... with replies it shows as deleted');
    ok t_cmp($top ? join(',', map { $_->{id} } @{ $top->{replies} }) : '', "$reply_by_fine", '... and keeps its reply');
    my $bt = $by{$bystander_top};
    ok t_cmp($bt ? join(',', map { $_->{id} } @{ $bt->{replies} }) : 'missing', '', "the blocked author's reply to another comment leaves it");
    ok t_cmp(names($troll, $t), 'anonymous', 'the thread names the blocked author nowhere');
    $t = thread($bystander, $fine);
    ok t_cmp(scalar(grep { !$_->{is_deleted} } @$t), scalar(@$t), 'another user sees every comment');

    my ($res2, $d2) = as($troll, POST => "/posts/$named/scrap/");
    ($res2) = as($me, POST => "/posts/$named/scrap/");
    ok t_cmp(seen($me, '/me/scraps/', $named), 'absent', "/me/scraps/: a scrapped post of the blocked author leaves it");

    # a second item of the same author: answered as a first block
    ($res, $d) = block($me, post => $named);
    push @answers, $d;
    ok t_cmp($res->code . ' ' . keys_of($d), '201 created_at,id', 'blocking the same author through another post: 201 {id, created_at}, as a first block');
    ok t_cmp($d->{id} != $first ? 'new id' : 'same id', 'new id', "... with a new id: the answer does not tell that the two share an author");
    my $renewed = $d->{id};
    ($res, $d) = as($me, GET => '/blocks/');
    push @answers, $d;
    ok t_cmp(join(',', map { $_->{id} } results($d)), "$renewed", 'GET /blocks/: the one block, by its new id');
    ok t_cmp(join(' ', map { keys_of($_) } results($d)), 'created_at,id', '... {id, created_at} only');
    ($res, $d) = as($me, DELETE => "/blocks/$first/");
    push @answers, $d;
    ok t_cmp(verdict($res, $d), '404 not_found ', 'the replaced id: 404');
}

# --- 쪽지 ----------------------------------------------------------------------------

{
    # a conversation the bystander opened with the blocker, and one the troll did
    my ($res, $d) = as($bystander, POST => '/messages/', body => { post => $mine, content => '안녕하세요' });
    my $conv_ok = $d->{conversation};
    ($res, $d) = as($troll, POST => '/messages/', body => { post => $mine, content => '안녕' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "the blocked author's first 쪽지 to the blocker: 403");
    ok t_cmp(names($me, $d), 'anonymous', '... which names nobody');
    my $c = comment($me, $fine);
    ($res, $d) = as($troll, POST => '/messages/', body => { comment => $c, content => '안녕' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', '... through a comment of the blocker: 403 too');
    ($res, $d) = as($me, POST => '/messages/', body => { post => $named, content => '왜요' });
    ok t_cmp($res->code, 201, 'the blocker may still write to them (the block is theirs to keep)');
    my $conv = $d->{conversation};
    ($res, $d) = as($troll, POST => "/messages/$conv/", body => { content => '답장' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "the blocked author's reply in a conversation: 403");
    ($res, $d) = as($me, GET => '/messages/');
    my %convs = map { $_->{id} => 1 } results($d);
    ok t_cmp(join(' ', map { $convs{$_} ? 'listed' : 'absent' } $conv, $conv_ok), 'absent listed',
             "GET /messages/: the conversation with the blocked author leaves the blocker's list");
    ($res, $d) = as($troll, GET => '/messages/');
    ok t_cmp((grep { $_->{id} == $conv } results($d)) ? 'listed' : 'absent', 'listed', "... not the other side's");
    ($res, $d) = as($bystander, POST => "/messages/$conv_ok/", body => { content => '또 안녕' });
    ok t_cmp($res->code, 201, 'someone not blocked still writes to the blocker');

    # blocking through a conversation: its other side
    my $third = new_user();
    ($res, $d) = as($third, POST => '/messages/', body => { post => $mine, content => '광고입니다' });
    my $spam = $d->{conversation};
    ($res, $d) = block($bystander, conversation => $spam);
    ok t_cmp(verdict($res, $d), '404 not_found ', "blocking through someone else's conversation: 404");
    ($res, $d) = block($me, conversation => $spam);
    push @answers, $d;
    ok t_cmp($res->code . ' ' . keys_of($d), '201 created_at,id', 'blocking through a conversation: 201');
    ($res, $d) = as($third, POST => "/messages/$spam/", body => { content => '또 광고' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', '... its other side can no longer write');
    ($res, $d) = as($me, GET => '/blocks/');
    push @answers, $d;
    ok t_cmp(scalar(results($d)), 2, 'GET /blocks/: two blocks now');
    ok t_cmp(names($troll, @answers) . ' ' . names($third, @answers), 'anonymous anonymous',
             'no answer of /blocks/ names a blocked user (id or nickname)');
}

# --- another user's blocks; unblocking ------------------------------------------------

{
    my ($res, $d) = as($me, GET => '/blocks/');
    my @mine = map { $_->{id} } results($d);
    my $troll_block = $mine[-1];   # newest first: the troll's is the older
    ($res, $d) = as($bystander, GET => '/blocks/');
    ok t_cmp(scalar(results($d)), 0, "another user's GET /blocks/ does not show the blocker's");
    ($res, $d) = as($bystander, DELETE => "/blocks/$troll_block/");
    ok t_cmp(verdict($res, $d), '404 not_found ', "deleting another user's block: 404");
    ($res, $d) = as($me, DELETE => "/blocks/$UNKNOWN/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'deleting an unknown block: 404');
    ok t_cmp(seen($me, '/posts/', $anon, $named), 'absent absent', '... the block still holds');
    ($res, $d) = as($me, GET => '/blocks/?limit=1');
    my ($r2, $d2) = as($me, GET => '/blocks/?limit=1&cursor=' . query_escape($d->{next} // ''));
    ok t_cmp(join(',', map { $_->{id} } results($d), results($d2)), join(',', @mine), 'GET /blocks/ pages: newest first');
    ($res, $d) = as($me, GET => '/blocks/?limit=0');
    ok t_cmp(verdict($res, $d), '400 invalid limit', '?limit=0: 400');

    ($res) = as($me, DELETE => "/blocks/$troll_block/");
    ok t_cmp($res->code . ' ' . $res->content, '204 ', 'DELETE one\'s own block: 204');
    ok t_cmp(seen($me, '/posts/', $anon, $named), 'listed listed', "unblocked: the author's posts are back");
    my %by = map { $_->{id} => $_ } @{ thread($me, $fine) };
    ok t_cmp(join(' ', map { $by{$_} && !$by{$_}{is_deleted} ? 'shown' : 'hidden' } $troll_top, $troll_lone), 'shown shown',
             '... and their comments');
    ($res, $d) = as($troll, POST => '/messages/', body => { post => $mine, content => '다시 안녕' });
    ok t_cmp($res->code, 201, '... and their 쪽지 go through again');
    ($res, $d) = as($me, DELETE => "/blocks/$troll_block/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'deleting it twice: 404');
}

# --- the same statements for a first and a renewed block --------------------------------

{
    # A renewed block must not be told apart from a first one: same status,
    # same shape, and no time difference beyond the noise of the machine.
    my $blocker = new_user();
    my @authors = map { new_user() } 1 .. 8;
    my @posts = map { my $a = $_; [ map { new_post($a)->{id} } 1 .. 2 ] } @authors;
    my (@first, @again, @shapes);
    for my $i (0 .. $#authors) {
        for my $round (0, 1) {
            my $t0 = Time::HiRes::time();
            my ($res, $d) = block($blocker, post => $posts[$i][$round]);
            my $dt = Time::HiRes::time() - $t0;
            push @{ $round ? \@again : \@first }, $dt;
            push @shapes, $res->code . ' ' . keys_of($d);
        }
    }
    my %shape = map { $_ => 1 } @shapes;
    ok t_cmp(join('; ', sort keys %shape), '201 created_at,id', 'first and renewed blocks: one status, one shape');
    my $median = sub { my @s = sort { $a <=> $b } @_; $s[@s / 2] };
    my $diff = abs($median->(@first) - $median->(@again));
    ok t_cmp($diff < 0.1 ? 'alike' : sprintf('%.0f ms apart', $diff * 1000), 'alike',
             'first and renewed blocks take alike times (medians within 100 ms)');
    my ($res, $d) = as($blocker, GET => '/blocks/?limit=100');
    ok t_cmp(scalar(results($d)), scalar(@authors), '... one block per author');
}
