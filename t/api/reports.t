# t/api/reports.t: 신고, per API.md "Reports and blocks": POST
# /posts/{id}/report/ and /comments/{id}/report/ (one per user, never one's
# own), blinding at EverytimeReportThreshold different reporters (3 in
# t/conf/extra.conf.in), what a blinded item hides from whom (every list,
# 404 on reading, the author and admins still see it), GET /reports/ and
# POST /reports/{kind}/{id}/resolve/ for admins.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul verdict results keys_of new_post);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 106;

my $UNKNOWN = 999999999;
my $JSON = JSON::PP->new->canonical;
my ($T, $F) = (JSON::PP::true, JSON::PP::false);

sub as {
    my ($who, $method, $path, %o) = @_;
    return api($method => $path, ($who ? (token => $who->{access}) : ()), %o);
}

sub report {
    my ($who, $kind, $id, $reason) = @_;
    return as($who, POST => "/${kind}s/$id/report/", body => { reason => $reason });
}

# The ids of a list's first page (100 rows) as $who sees it.
sub ids_in {
    my ($who, $path) = @_;
    my $sep = $path =~ /\?/ ? '&' : '?';
    my ($res, $d) = as($who, GET => "$path${sep}limit=100");
    die "GET $path: " . $res->code unless $res->code == 200;
    return map { $_->{id} } results($d);
}

sub listed {
    my ($who, $path, $id) = @_;
    return (grep { $_ == $id } ids_in($who, $path)) ? 'listed' : 'absent';
}

# "status is_blinded" of GET /posts/{id}/ as $who sees it.
sub read_post {
    my ($who, $id) = @_;
    my ($res, $d) = as($who, GET => "/posts/$id/");
    return $res->code . ' ' . ($res->code == 200 ? ($d->{is_blinded} ? 'blinded' : 'plain') : $d->{code});
}

# The top-level comments (with replies) of a post as $who sees them.
sub thread {
    my ($who, $post) = @_;
    my ($res, $d) = as($who, GET => "/posts/$post/comments/?limit=100");
    return $res->code == 200 ? [results($d)] : $res->code;
}

sub comment {
    my ($who, $post, %f) = @_;
    my ($res, $d) = as($who, POST => "/posts/$post/comments/", body => { content => '댓글 ' . hangul(2), %f });
    die 'comment failed: ' . $res->content unless $res->code == 201;
    return $d->{id};
}

# The GET /reports/ entry of an item, or undef.
sub reported {
    my ($kind, $id, $status) = @_;
    my ($res, $d) = as(admin_login(), GET => '/reports/?limit=100' . ($status ? "&status=$status" : ''));
    my ($e) = grep { $_->{kind} eq $kind && $_->{id} == $id } results($d);
    return $e;
}

my $admin = admin_login();
my $writer = new_user();
my @users = map { new_user() } 1 .. 5;
my ($u1, $u2, $u3, $u4, $u5) = @users;
my $title = '신고 대상 ' . hangul(4);
my $post = new_post($writer, title => $title)->{id};
my $other = new_post($writer)->{id};

# --- reporting: auth and bad input --------------------------------------------------

{
    my ($res, $d) = report(undef, 'post', $post, 'spam');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'reporting without a token: 401');
    ($res, $d) = report($writer, 'post', $post, 'spam');
    ok t_cmp(verdict($res, $d), '400 invalid non_field_errors', "reporting one's own post: 400");
    ($res, $d) = report($u1, 'post', $UNKNOWN, 'spam');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reporting an unknown post: 404');
    my $gone = new_post($writer)->{id};
    as($writer, DELETE => "/posts/$gone/");
    ($res, $d) = report($u1, 'post', $gone, 'spam');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reporting a deleted post: 404');
    ($res, $d) = as($u1, POST => "/posts/$post/report/", raw => '{"reason": "spam"',
                    type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = as($u1, POST => "/posts/$post/report/", body => {});
    ok t_cmp(verdict($res, $d), '400 invalid reason', 'no reason: 400 naming reason');
    ($res, $d) = report($u1, 'post', $post, 7);
    ok t_cmp(verdict($res, $d), '400 invalid reason', 'a reason that is a number: 400');
    ($res, $d) = report($u1, 'post', $post, 'boring');
    ok t_cmp(verdict($res, $d), '400 invalid reason', 'a reason that is not one of the seven: 400');
    ok t_cmp($d->{errors}{reason}[0], '"boring" is not a valid choice.', '... in DRF\'s words');
    ($res, $d) = as($u1, POST => "/posts/$post/report/", body => { reason => 'spam', pad => 'x' x 70000 });
    ok t_cmp(verdict($res, $d), '413 payload_too_large ', 'a body over EverytimeMaxBodySize: 413');
    ok t_cmp(reported('post', $post) ? 'reported' : 'none', 'none', '... none of these made a report');
    ($res, $d) = report($u1, 'comment', $UNKNOWN, 'spam');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reporting an unknown comment: 404');
}

# --- reporting up to the threshold ------------------------------------------------

{
    my ($res, $d) = report($u1, 'post', $post, 'spam');
    ok t_cmp($res->code . ' ' . keys_of($d), '201 created_at,id,post,reason', 'a report: 201 {id, post, reason, created_at}');
    ok t_cmp("$d->{post} $d->{reason}", "$post spam", '... of this post, for spam');
    ($res, $d) = report($u1, 'post', $post, 'abuse');
    ok t_cmp(verdict($res, $d), '409 conflict ', 'a second report by the same user: 409');
    ($res, $d) = report($u2, 'post', $post, 'abuse');
    ok t_cmp($res->code, 201, 'a second reporter: 201');
    ok t_cmp(read_post($u3, $post), '200 plain', 'two reporters of three: still readable');
    ok t_cmp(listed($u3, '/posts/', $post), 'listed', '... and listed');
    my $e = reported('post', $post);
    ok t_cmp($e ? $JSON->encode($e) : 'none',
             $JSON->encode({ kind => 'post', id => $post, report_count => 2, reasons => { spam => 1, abuse => 1 }, is_blinded => $F }),
             'GET /reports/: the post with 2 reports, per reason, not blinded');
    ($res, $d) = report($u3, 'post', $post, 'spam');
    ok t_cmp(keys_of($d), 'created_at,id,post,reason', 'the third reporter: the same answer, nothing about the blinding');
}

# --- a blinded post ----------------------------------------------------------------

{
    ok t_cmp(read_post(undef, $post), '404 not_found', 'blinded: 404 to an anonymous reader');
    ok t_cmp(read_post($u4, $post), '404 not_found', '... to another user');
    ok t_cmp(read_post($u1, $post), '404 not_found', '... to a reporter');
    ok t_cmp(read_post($writer, $post), '200 blinded', 'its author reads it, with is_blinded true');
    ok t_cmp(read_post($admin, $post), '200 blinded', 'an admin reads it, with is_blinded true');
    ok t_cmp(read_post($u4, $other), '200 plain', "the author's other post is untouched");

    for my $path ('/posts/', '/boards/1/posts/', "/posts/?user=$writer->{id}", '/posts/?q=' . ETest::query_escape($title),
                  '/posts/?title=' . ETest::query_escape($title)) {
        ok t_cmp(listed($u4, $path, $post), 'absent', "blinded: not in $path for another user");
    }
    ok t_cmp(listed(undef, '/posts/', $post), 'absent', '... nor for an anonymous reader');
    ok t_cmp(listed($writer, '/me/posts/', $post), 'listed', "its author still has it in /me/posts/");
    ok t_cmp(listed($writer, '/posts/', $post), 'listed', '... and in /posts/');
    ok t_cmp(listed($admin, '/posts/', $post), 'listed', 'an admin has it in /posts/');
    ok t_cmp(listed($u4, '/posts/', $other), 'listed', "the author's other post is still listed");

    my ($res, $d) = as($writer, POST => "/posts/$post/comments/", body => { content => '제 글에 답글' });
    ok t_cmp($res->code, 201, 'its author comments on it: 201');
    ($res, $d) = as($u4, GET => "/posts/$post/comments/");
    ok t_cmp(verdict($res, $d), '404 not_found ', "its comments (one there): 404 to another user");
    ($res, $d) = as(undef, GET => "/posts/$post/comments/");
    ok t_cmp(verdict($res, $d), '404 not_found ', '... and to an anonymous reader');
    ($res, $d) = as($writer, GET => "/posts/$post/comments/");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 1', '... 200 with the comment to its author');
    ($res, $d) = as($admin, GET => "/posts/$post/comments/");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 1', '... and to an admin');
    ($res, $d) = as($u4, POST => "/posts/$post/comments/", body => { content => '보이나요' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'commenting on it: 404');
    ($res, $d) = as($u4, POST => "/posts/$post/like/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'liking it: 404');
    ($res, $d) = as($u4, POST => "/posts/$post/scrap/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'scrapping it: 404');
    ($res, $d) = as($u4, PATCH => "/posts/$post/", body => { title => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'changing it as another user: 404, not 403');
    ($res, $d) = report($u4, 'post', $post, 'spam');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reporting it again: 404');
    ($res, $d) = as($u4, POST => '/messages/', body => { post => $post, content => '안녕' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a 쪽지 about it: 404');
}

# --- scraps and HOT leave it too ------------------------------------------------------

{
    my $p = new_post($writer)->{id};
    my ($res) = as($u5, POST => "/posts/$p/scrap/");
    ok t_cmp($res->code, 201, 'a scrap of a post about to be blinded');
    my @likers = map { new_user() } 1 .. 10;
    as($_, POST => "/posts/$p/like/") for @likers;
    ok t_cmp(listed($u5, '/posts/hot/', $p), 'listed', 'ten likes: in /posts/hot/');
    ok t_cmp(listed($u5, '/me/scraps/', $p), 'listed', '... and in the scrapper\'s /me/scraps/');
    report($_, 'post', $p, 'obscene') for @likers[0 .. 2];
    ok t_cmp(listed($u5, '/posts/hot/', $p), 'absent', 'blinded: gone from /posts/hot/');
    ok t_cmp(listed($u5, '/me/scraps/', $p), 'absent', '... and from /me/scraps/');
    ok t_cmp(listed($admin, '/posts/hot/', $p), 'listed', 'an admin still sees it in /posts/hot/');
}

# --- comments ---------------------------------------------------------------------------

my $cpost = new_post($u5)->{id};
my $lone = comment($writer, $cpost);
my $parent = comment($writer, $cpost);
my $reply = comment($u4, $cpost, parent => $parent);
{
    my ($res, $d) = report($writer, 'comment', $lone, 'spam');
    ok t_cmp(verdict($res, $d), '400 invalid non_field_errors', "reporting one's own comment: 400");
    ($res, $d) = report($u1, 'comment', $lone, 'fraud');
    ok t_cmp($res->code . ' ' . keys_of($d), '201 comment,created_at,id,reason', 'a comment report: 201 {id, comment, reason, created_at}');
    ($res, $d) = report($u1, 'comment', $lone, 'fraud');
    ok t_cmp(verdict($res, $d), '409 conflict ', '... twice: 409');
    report($_, 'comment', $lone, 'commercial') for $u2, $u3;
    report($_, 'comment', $parent, 'political') for $u1, $u2, $u3;

    my $t = thread($u5, $cpost);
    my @ids = map { $_->{id} } @$t;
    ok t_cmp(join(',', grep { $_ == $lone } @ids), '', 'a blinded comment without replies leaves the list');
    my ($p) = grep { $_->{id} == $parent } @$t;
    ok t_cmp($p ? join(' ', $p->{is_deleted} ? 'deleted' : 'shown', $p->{content} // 'null', defined $p->{author} ? 'author' : 'no-author', $p->{is_blinded} ? 'blinded' : 'plain') : 'missing',
             'deleted null no-author plain', 'a blinded comment with replies: a deleted placeholder, as a deleted one');
    ok t_cmp($p ? join(',', map { $_->{id} } @{ $p->{replies} }) : '', "$reply", '... its reply still shown');
    ok t_cmp(ETest::json_has_value($t, $writer->{id}) ? 'leaks' : 'clean', 'clean', "... nothing names its author");

    $t = thread($writer, $cpost);
    my %by = map { $_->{id} => $_ } @$t;
    ok t_cmp(join(' ', map { $by{$_} && !$by{$_}{is_deleted} && $by{$_}{is_blinded} ? 'blinded' : 'other' } $lone, $parent),
             'blinded blinded', 'its author sees both, with is_blinded true');
    $t = thread($admin, $cpost);
    %by = map { $_->{id} => $_ } @$t;
    ok t_cmp(join(' ', map { $by{$_} && !$by{$_}{is_deleted} ? 'shown' : 'other' } $lone, $parent),
             'shown shown', 'an admin sees both');
    ok t_cmp(listed($writer, '/me/comments/', $lone), 'listed', "the author's /me/comments/ keeps it");
    ($res, $d) = as($u4, PATCH => "/comments/$lone/", body => { content => 'x' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'changing it as another user: 404');
    ($res, $d) = as($u4, POST => "/comments/$lone/like/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'liking it: 404');
    ($res, $d) = as($u4, POST => '/messages/', body => { comment => $lone, content => '안녕' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a 쪽지 about it: 404');
    ($res, $d) = report($u4, 'comment', $lone, 'spam');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reporting it again: 404');
}

# --- GET /reports/ ------------------------------------------------------------------

{
    my ($res, $d) = as(undef, GET => '/reports/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /reports/ without a token: 401');
    ($res, $d) = as($u1, GET => '/reports/');
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'GET /reports/ as a user: 403');
    ($res, $d) = as($admin, GET => '/reports/?status=open');
    ok t_cmp(verdict($res, $d), '400 invalid status', '?status= other than pending or resolved: 400');
    ($res, $d) = as($admin, GET => '/reports/?limit=0');
    ok t_cmp(verdict($res, $d), '400 invalid limit', '?limit=0: 400');
    ($res, $d) = as($admin, GET => '/reports/?cursor=garbage');
    ok t_cmp($res->code, 400, 'a garbage cursor: 400');

    my $once = new_post($writer)->{id};
    report($u1, 'post', $once, 'spam');
    ($res, $d) = as($admin, GET => '/reports/?limit=100');
    my @r = results($d);
    my @counts = map { $_->{report_count} } @r;
    ok t_cmp(join(',', @counts), join(',', sort { $b <=> $a } @counts), 'most reported first');
    my $e = reported('comment', $lone);
    ok t_cmp($e ? $JSON->encode($e) : 'none',
             $JSON->encode({ kind => 'comment', id => $lone, report_count => 3, reasons => { fraud => 1, commercial => 2 }, is_blinded => $T }),
             'a blinded comment: kind comment, 3 reports per reason, is_blinded');
    $e = reported('post', $once);
    ok t_cmp($e ? "$e->{report_count} " . ($e->{is_blinded} ? 'blinded' : 'plain') : 'none', '1 plain', 'a post reported once: listed, not blinded');

    # walking the list one item a page gives the same items in the same order
    my (@walked, $next, $pages);
    my $url = '/reports/?limit=1';
    while ($url && ++$pages <= 200) {
        ($res, $d) = as($admin, GET => $url);
        last unless $res->code == 200;
        push @walked, map { "$_->{kind}:$_->{id}" } results($d);
        $url = $d->{next} ? '/reports/?limit=1&cursor=' . ETest::query_escape($d->{next}) : undef;
    }
    ok t_cmp(join(' ', @walked), join(' ', map { "$_->{kind}:$_->{id}" } @r), 'pages of one: the same items in the same order');
    ($res, $d) = as($admin, GET => '/reports/?limit=1');
    my ($r2) = as($admin, GET => '/reports/?status=resolved&cursor=' . ETest::query_escape($d->{next} // ''));
    ok t_cmp($r2->code, 400, "a pending list's cursor is refused by the resolved list");
}

# --- resolving ------------------------------------------------------------------------

{
    my $url = "/reports/post/$post/resolve/";
    my ($res, $d) = as(undef, POST => $url, body => { action => 'restore' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'resolving without a token: 401');
    ($res, $d) = as($writer, POST => $url, body => { action => 'restore' });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', 'resolving as a user (even the author): 403');
    ($res, $d) = as($admin, POST => $url, body => { action => 'keep' });
    ok t_cmp(verdict($res, $d), '400 invalid action', 'an action other than restore or remove: 400');
    ($res, $d) = as($admin, POST => $url, body => {});
    ok t_cmp(verdict($res, $d), '400 invalid action', 'no action: 400');
    ($res, $d) = as($admin, POST => $url, body => { action => 1 });
    ok t_cmp(verdict($res, $d), '400 invalid action', 'an action that is a number: 400');
    ($res, $d) = as($admin, POST => $url, raw => '{"action":', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400');
    ok t_cmp(read_post($u4, $post), '404 not_found', '... still blinded after all of these');
    ($res, $d) = as($admin, POST => "/reports/post/$other/resolve/", body => { action => 'restore' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a post without pending reports: 404');
    ($res, $d) = as($admin, POST => "/reports/comment/$UNKNOWN/resolve/", body => { action => 'remove' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown comment: 404');

    ($res, $d) = as($admin, POST => $url, body => { action => 'restore' });
    ok t_cmp($res->code . ' ' . $JSON->encode($d), '200 ' . $JSON->encode({ kind => 'post', id => $post, action => 'restore' }),
             'restore: 200 {kind, id, action}');
    ok t_cmp(read_post($u4, $post), '200 plain', 'restored: readable again, not blinded');
    ok t_cmp(listed($u4, '/posts/', $post), 'listed', '... and listed again');
    ok t_cmp(reported('post', $post) ? 'pending' : 'cleared', 'cleared', 'its reports are no longer pending');
    my $e = reported('post', $post, 'resolved');
    ok t_cmp($e ? $e->{report_count} : 'none', 3, '... but listed as resolved');
    ($res, $d) = as($admin, POST => $url, body => { action => 'restore' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'resolving again: 404, nothing pending');
    ($res, $d) = report($u1, 'post', $post, 'spam');
    ok t_cmp(verdict($res, $d), '409 conflict ', 'a reporter whose report was resolved cannot report it again: 409');
    ($res, $d) = report($u4, 'post', $post, 'spam');
    ok t_cmp($res->code, 201, 'a new reporter can');
    $e = reported('post', $post);
    ok t_cmp($e ? "$e->{report_count} " . ($e->{is_blinded} ? 'blinded' : 'plain') : 'none', '1 plain',
             '... which counts from one again: not blinded');

    my ($before) = as($u5, GET => "/posts/$cpost/");
    my $count = JSON::PP::decode_json($before->content)->{comment_count};
    ($res, $d) = as($admin, POST => "/reports/comment/$lone/resolve/", body => { action => 'remove' });
    ok t_cmp($res->code . ' ' . ($d->{action} // ''), '200 remove', 'remove a comment: 200');
    my ($after) = as($u5, GET => "/posts/$cpost/");
    ok t_cmp(JSON::PP::decode_json($after->content)->{comment_count}, $count - 1, "... the post's comment_count drops by one");
    ok t_cmp(listed($writer, '/me/comments/', $lone), 'absent', '... gone for its author too');
    ($res, $d) = as($admin, POST => "/reports/comment/$lone/resolve/", body => { action => 'remove' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'removing it again: 404');
    ($res, $d) = as($admin, POST => "/reports/comment/$parent/resolve/", body => { action => 'restore' });
    ok t_cmp($res->code, 200, 'restore a comment: 200');
    my ($p) = grep { $_->{id} == $parent } @{ thread($u5, $cpost) };
    ok t_cmp($p && !$p->{is_deleted} && defined $p->{content} ? 'shown' : 'hidden', 'shown', '... shown again with its content');

    my $bad = new_post($writer)->{id};
    report($_, 'post', $bad, 'fraud') for $u1, $u2, $u3;
    ($res, $d) = as($admin, POST => "/reports/post/$bad/resolve/", body => { action => 'remove' });
    ok t_cmp($res->code, 200, 'remove a blinded post: 200');
    ok t_cmp(read_post($writer, $bad), '404 not_found', '... deleted: 404 to its author too');
    $e = reported('post', $bad, 'resolved');
    ok t_cmp($e ? $e->{report_count} : 'none', 3, '... its reports listed as resolved');
}

# --- three at once: the third blinds it, once ---------------------------------------

{
    my $p = new_post($writer)->{id};
    my @who = map { new_user() } 1 .. 3;
    my @codes = ETest::together(3, sub {
        my ($i) = @_;
        my ($res) = report($who[$i - 1], 'post', $p, 'spam');
        return $res->code;
    });
    ok t_cmp(join(',', sort @codes), '201,201,201', 'three reporters at once: each 201');
    ok t_cmp(read_post($u4, $p), '404 not_found', '... and the post is blinded');
}
