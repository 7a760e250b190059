# t/api/notifications.t: 알림, per API.md "Notifications": each kind written
# by its real event (a comment, a reply, a post turning HOT, a 쪽지, a friend
# request and its acceptance) and never for one's own action; anonymous
# actors as the post shows them, their ids nowhere; GET /notifications/ as a
# cursor list with unread_count; read and read_all; the auth rules; and a
# notification rolled back with the event's failed transaction.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict results keys_of new_post db_query);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

my $DRIVER = $ENV{ET_TEST_DBDRIVER} // '';
plan tests => 97 + ($DRIVER eq 'pgsql' ? 4 : 0);

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
my $NOTE_KEYS = 'actor,comment,conversation,created_at,id,is_read,kind,post,text';
my $UNKNOWN = 999999999;
my $T = JSON::PP::true();
my $F = JSON::PP::false();

# --- helpers -------------------------------------------------------------------------------

# Every answer a user was given, to search for ids they must never see.
my %seen_by;
sub as {
    my ($who, $method, $path, %o) = @_;
    my ($res, $d) = api($method, $path, token => $who->{access}, %o);
    push @{ $seen_by{ $who->{id} } }, $d if defined $d;
    return ($res, $d);
}

# The first page of the caller's notifications.
sub notes {
    my ($who, $query) = @_;
    return as($who, GET => '/notifications/' . ($query // ''));
}

# Every notification of $who, newest first (walking pages of $limit).
sub all_notes {
    my ($who, $limit) = @_;
    my ($cursor, @all);
    for (1 .. 100) {
        my ($res, $d) = notes($who, '?limit=' . ($limit // 100) . (defined $cursor ? "&cursor=$cursor" : ''));
        die 'GET /notifications/: ' . $res->code . ' ' . $res->content unless $res->code == 200;
        push @all, results($d);
        $cursor = $d->{next} // last;
    }
    return @all;
}

# The caller's notifications newer than id $after, oldest first, as
# "kind post comment conversation" lines joined by '; '.
sub new_since {
    my ($who, $after) = @_;
    my @n = reverse grep { $_->{id} > $after } all_notes($who);
    return join '; ', map { join ' ', $_->{kind}, map { $_ // '-' } @$_{qw(post comment conversation)} } @n;
}
sub newest_id { my ($who) = @_; my @n = all_notes($who, 1); return @n ? $n[0]{id} : 0 }
sub newest { my ($who) = @_; my ($res, $d) = notes($who, '?limit=1'); return (results($d))[0] }
sub unread { my ($who) = @_; my ($res, $d) = notes($who, '?limit=1'); return $d->{unread_count} }

sub comment {
    my ($who, $post, $content, %o) = @_;
    my ($res, $d) = as($who, POST => "/posts/$post/comments/", body => {
        content => $content, is_anonymous => $o{anonymous} ? $T : $F,
        defined $o{parent} ? (parent => $o{parent}) : () });
    die 'comment failed: ' . $res->content unless $res->code == 201;
    return $d;
}
sub like { my ($who, $post) = @_; return (as($who, POST => "/posts/$post/like/"))[0]->code }
# "nickname id-or-null" of an actor
sub actor_of { my ($n) = @_; return 'null' unless $n && $n->{actor}; return ($n->{actor}{nickname} // '?') . ' ' . ($n->{actor}{id} // 'null') }
# Whether any answer $who was given holds $value.
sub ever_seen { my ($who, $value) = @_; return (grep { json_has_value($_, $value) } @{ $seen_by{ $who->{id} } || [] }) ? 'seen' : 'never' }

my $admin = admin_login();
my $author = new_user(nickname => '글쓴이' . hangul(4));
my $alice = new_user(nickname => '앨리스' . hangul(4));
my $bob = new_user(nickname => '밥' . hangul(4));

# --- authentication ----------------------------------------------------------------------------

{
    my ($res, $d) = api(GET => '/notifications/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /notifications/ anonymously: 401');
    ($res, $d) = api(POST => '/notifications/1/read/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /notifications/{id}/read/ anonymously: 401');
    ($res, $d) = api(POST => '/notifications/read_all/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST /notifications/read_all/ anonymously: 401');
    ($res, $d) = api(GET => '/notifications/', token => 'garbage.token.value');
    ok t_cmp(verdict($res, $d), '401 token_not_valid ', 'GET /notifications/ with a bad token: 401');
}

# --- an empty list ----------------------------------------------------------------------------

{
    my ($res, $d) = notes($alice);
    ok t_cmp($res->code, 200, 'GET /notifications/: 200');
    ok t_cmp(keys_of($d), 'next,results,unread_count', 'the answer is a page with unread_count');
    ok t_cmp(scalar(results($d)) . ' ' . $d->{unread_count} . ' ' . ($d->{next} // 'null'), '0 0 null',
             'a new user has none');
}

# --- comment and reply ----------------------------------------------------------------------

my $post = new_post($author, title => '알림 시험 ' . hangul(3))->{id};
my ($c_alice, $c_author);
{
    my $before = newest_id($author);
    my $text = '저도 궁금해요 ' . hangul(4);
    $c_alice = comment($alice, $post, $text)->{id};
    ok t_cmp(new_since($author, $before), "comment $post $c_alice -", "a comment on the author's post: one comment notification");
    my $n = newest($author);
    ok t_cmp(keys_of($n), $NOTE_KEYS, 'a Notification has its fields');
    ok t_cmp(actor_of($n), "$alice->{user}{nickname} $alice->{id}", 'the actor is the named commenter');
    ok t_cmp($n->{text}, "새로운 댓글이 달렸어요: \"$text\"", 'the text quotes the comment');
    ok t_cmp($n->{is_read} ? 'read' : 'unread', 'unread', 'it is unread');
    ok t_cmp($n->{created_at}, $TIME_RE, 'created_at is RFC 3339 with microseconds');
    ok t_cmp(new_since($alice, 0), '', 'the commenter is not notified of their own comment');

    $before = newest_id($author);
    $c_author = comment($author, $post, '답글입니다', parent => $c_alice)->{id};
    ok t_cmp(new_since($author, $before), '', "the author's reply on their own post: nothing for the author");
    ok t_cmp(new_since($alice, 0), "reply $post $c_author -", "... a reply notification for the comment's author");
    ok t_cmp(actor_of(newest($alice)), "$author->{user}{nickname} $author->{id}", '... from the named author');
    ok t_cmp(newest($alice)->{text}, '새로운 대댓글이 달렸어요: "답글입니다"', '... with the reply text');

    $before = newest_id($author);
    comment($author, $post, '제 글에 제가 댓글');
    ok t_cmp(new_since($author, $before), '', 'commenting on one\'s own post: no notification');

    my ($ba, $bb) = (newest_id($alice), newest_id($author));
    my $c_bob = comment($bob, $post, '저도요', parent => $c_alice)->{id};
    ok t_cmp(new_since($alice, $ba) . ' | ' . new_since($author, $bb), "reply $post $c_bob - | comment $post $c_bob -",
             "another user's reply: a reply for the comment's author, a comment for the post's");

    ($ba, $bb) = (newest_id($alice), newest_id($author));
    my $c_self = comment($alice, $post, '제 댓글에 제가 답글', parent => $c_alice)->{id};
    ok t_cmp(new_since($alice, $ba) . ' | ' . new_since($author, $bb), " | comment $post $c_self -",
             "replying to one's own comment: nothing for oneself, a comment for the post's author");

    # a reply to the author's reply: the author hears it once, as a reply
    my $bob_before = newest_id($bob);
    $bb = newest_id($author);
    my $c_deep = comment($bob, $post, '대댓글에 답', parent => $c_author)->{id};
    ok t_cmp(new_since($author, $bb), "reply $post $c_deep -", "a reply to the post author's reply: one reply notification, no second comment one");
    ok t_cmp(new_since($bob, $bob_before), '', 'the replier hears nothing of their own reply');
}

# --- anonymous actors -----------------------------------------------------------------------

{
    my $anon_post = new_post($author, title => '익명 글 ' . hangul(3), is_anonymous => $T)->{id};
    my $before = newest_id($author);
    my $ca = comment($alice, $anon_post, '익명 댓글', anonymous => 1)->{id};
    my $n = newest($author);
    ok t_cmp(new_since($author, $before), "comment $anon_post $ca -", 'an anonymous comment: a comment notification');
    ok t_cmp(actor_of($n), '익명1 null', '... from 익명1, id null');
    my $cb = comment($bob, $anon_post, '익명 댓글 둘', anonymous => 1)->{id};
    ok t_cmp(actor_of(newest($author)), '익명2 null', 'the second anonymous writer is 익명2');

    my $ba = newest_id($alice);
    my $cr = comment($author, $anon_post, '글쓴이 답글', anonymous => 1, parent => $ca)->{id};
    ok t_cmp(new_since($alice, $ba), "reply $anon_post $cr -", "the anonymous post's author replies: a reply notification");
    ok t_cmp(actor_of(newest($alice)), '익명(글쓴이) null', '... from 익명(글쓴이), id null');

    my $bb = newest_id($bob);
    $before = newest_id($author);
    my $cr2 = comment($alice, $anon_post, '또 익명', anonymous => 1, parent => $cb)->{id};
    ok t_cmp(actor_of(newest($bob)) . ' | ' . actor_of(newest($author)), '익명1 null | 익명1 null',
             'a writer keeps their number: 익명1 for both recipients');

    # the names match what the post's comments show
    my ($res, $d) = api(GET => "/posts/$anon_post/comments/");
    my %shown = map { ($_->{id} => $_->{author}{nickname}) } map { ($_, @{ $_->{replies} }) } results($d);
    ok t_cmp(join(',', map { $shown{$_} } $ca, $cb, $cr, $cr2), '익명1,익명2,익명(글쓴이),익명1',
             'the comments show the same names');

    # a named comment on an anonymous post is named
    comment($bob, $anon_post, '실명 댓글');
    ok t_cmp(actor_of(newest($author)), "$bob->{user}{nickname} $bob->{id}", 'a named comment on an anonymous post: named actor');

}

{
    # a fresh cast: every notice of theirs is anonymous, so no id may show
    my $writer = new_user();
    my $ghost = new_user();
    my $p = new_post($writer, is_anonymous => $T)->{id};
    my $gc = comment($ghost, $p, '유령 댓글', anonymous => 1)->{id};
    comment($writer, $p, '유령 답글', anonymous => 1, parent => $gc);
    my ($res, $d) = as($ghost, POST => '/messages/', body => { post => $p, content => '쪽지요' });
    all_notes($_) for $writer, $ghost;
    ok t_cmp(ever_seen($writer, $ghost->{id}) . ' ' . ever_seen($writer, $ghost->{login_id}) . ' '
             . ever_seen($writer, $ghost->{user}{nickname}), 'never never never',
             "an anonymous commenter's and sender's id, login and nickname never reach the author");
    ok t_cmp(ever_seen($ghost, $writer->{id}) . ' ' . ever_seen($ghost, $writer->{user}{nickname}), 'never never',
             "the anonymous post's author's id and nickname never reach the commenter");
    my $raw = join ' ', map { $_->{text} } all_notes($writer), all_notes($ghost);
    ok t_cmp($raw =~ /\Q$ghost->{user}{nickname}\E|\Q$writer->{user}{nickname}\E/ ? 'named' : 'unnamed', 'unnamed',
             'no text names them either');
}

# --- HOT ----------------------------------------------------------------------------------------

my @fans = map { new_user() } 1 .. 11;
{
    my $title = '핫한 글 ' . hangul(3);
    my $hot = new_post($author, title => $title)->{id};
    my $before = newest_id($author);
    like($fans[$_], $hot) for 0 .. 8;
    ok t_cmp(new_since($author, $before), '', '9 likes: no hot notification');
    ok t_cmp(like($fans[9], $hot), 201, 'the 10th like: 201');
    ok t_cmp(new_since($author, $before), "hot $hot - -", '... the post became HOT: one hot notification');
    my $n = newest($author);
    ok t_cmp(actor_of($n), 'null', '... with no actor: who liked stays unknown');
    ok t_cmp($n->{text}, "내 글이 HOT 게시물이 되었어요: \"$title\"", '... quoting the title');
    ok t_cmp(new_since($fans[9], 0), '', 'the liker is not notified');
    like($fans[10], $hot);
    as($fans[$_], DELETE => "/posts/$hot/like/") for 0 .. 2;
    like($fans[$_], $hot) for 0 .. 2;
    ok t_cmp(new_since($author, $before), "hot $hot - -", 'more likes, unlikes and likes again: still one hot notification');
}

{
    # ten likes at once: the post turns HOT once, and says so once
    my $rush = new_post($author, title => '동시 공감 ' . hangul(2))->{id};
    my $before = newest_id($author);
    my @codes = together(10, sub { like($fans[$_[0] - 1], $rush) });
    ok t_cmp(join(',', @codes), join(',', (201) x 10), '10 users like at once: every one 201');
    ok t_cmp(new_since($author, $before), "hot $rush - -", '... exactly one hot notification');
}

# --- rolled back with the event ---------------------------------------------------------------
# A like from a user who already liked the post is refused (409) after the
# counter moved: at 9 likes that moment sets hot_at and writes the hot
# notification, and the refusal must take both back.

{
    my $almost = new_post($author, title => '거의 핫 ' . hangul(2))->{id};
    my $before = newest_id($author);
    like($fans[$_], $almost) for 0 .. 8;
    my ($res, $d) = as($fans[0], POST => "/posts/$almost/like/");
    ok t_cmp(verdict($res, $d), '409 conflict ', 'a second like by one user at 9 likes: 409');
    ($res, $d) = api(GET => "/posts/$almost/");
    ok t_cmp($d->{like_count} . ' ' . ($d->{hot_at} // 'null'), '9 null', '... the post is not HOT');
    ok t_cmp(new_since($author, $before), '', '... and the hot notification written with it is rolled back');
    ok t_cmp(db_query("SELECT COUNT(*) FROM notifications WHERE post_id = $almost"), 0, '... no row in the table');
    like($fans[9], $almost);
    ok t_cmp(new_since($author, $before), "hot $almost - -", 'a real 10th like then notifies');
}

# PostgreSQL: a comment whose COMMIT fails (a deferred constraint trigger
# raises there, after the comment and its notification were written) leaves
# neither behind. The trigger names only this test's comment.
if ($DRIVER eq 'pgsql') {
    my $marker = 'refused ' . unique('c');
    db_query("CREATE OR REPLACE FUNCTION et_test_refuse_note() RETURNS trigger LANGUAGE plpgsql AS "
             . "\$\$ BEGIN RAISE EXCEPTION 'notifications.t refuses this commit'; END \$\$");
    db_query("CREATE CONSTRAINT TRIGGER et_test_refuse_note AFTER INSERT ON comments DEFERRABLE "
             . "INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.content = '$marker') "
             . "EXECUTE FUNCTION et_test_refuse_note()");
    my $before = newest_id($author);
    my ($res, $d) = as($alice, POST => "/posts/$post/comments/", body => { content => $marker, is_anonymous => $F });
    db_query('DROP TRIGGER et_test_refuse_note ON comments');
    db_query('DROP FUNCTION et_test_refuse_note()');
    ok t_cmp($res->code, 503, 'a comment whose COMMIT the database refuses: 503');
    ok t_cmp(db_query("SELECT COUNT(*) FROM comments WHERE content = '$marker'"), 0, '... no comment');
    ok t_cmp(new_since($author, $before) . '|' . db_query("SELECT COUNT(*) FROM notifications WHERE text LIKE '%$marker%'"),
             '|0', '... and no notification');
    ($res, $d) = as($alice, POST => "/posts/$post/comments/", body => { content => $marker, is_anonymous => $F });
    ok t_cmp(new_since($author, $before), "comment $post $d->{id} -", 'the same comment once the database commits it: notified');
}

# --- 쪽지 -----------------------------------------------------------------------------------------

{
    my $before = newest_id($author);
    my $ba = newest_id($alice);
    my $content = "책 아직\n파시나요? 😀 " . hangul(3);
    my ($res, $d) = as($alice, POST => '/messages/', body => { post => $post, content => $content });
    ok t_cmp($res->code, 201, 'a 쪽지 about the post: 201');
    my $conv = $d->{conversation};
    ok t_cmp(new_since($author, $before), "message - - $conv", 'its recipient gets a message notification with the conversation');
    my $n = newest($author);
    ok t_cmp(actor_of($n), '익명 null', '... from 익명, id null');
    (my $line = $content) =~ s/\n/ /;
    ok t_cmp($n->{text}, "새로운 쪽지가 도착했어요: \"$line\"", '... quoting the 쪽지 on one line');
    ok t_cmp(new_since($alice, $ba), '', 'the sender is not notified');

    as($author, POST => "/messages/$conv/", body => { content => '네 팝니다' });
    ok t_cmp(new_since($alice, $ba), "message - - $conv", 'a reply: the starter gets a message notification');
    ok t_cmp(actor_of(newest($alice)), '익명 null', '... from 익명 as well');
    my ($bb, $ba2) = (newest_id($author), newest_id($alice));
    as($alice, POST => "/messages/$conv/", body => { content => '감사합니다' });
    ok t_cmp(new_since($author, $bb) . ' | ' . new_since($alice, $ba2), "message - - $conv | ",
             "and back: the author hears of it, the sender does not");
}

# --- friends ----------------------------------------------------------------------------------

{
    my $before = newest_id($author);
    my ($res, $d) = as($alice, POST => '/friends/requests/', body => { login_id => $author->{login_id} });
    ok t_cmp($res->code, 201, 'a friend request: 201');
    my $rid = $d->{id};
    ok t_cmp(new_since($author, $before), 'friend_request - - -', 'its receiver gets a friend_request notification');
    my $n = newest($author);
    ok t_cmp(actor_of($n), "$alice->{user}{nickname} $alice->{id}", '... from the named sender');
    ok t_cmp($n->{text}, "$alice->{user}{nickname}님이 친구 요청을 보냈어요", '... saying who asks');

    my $ba = newest_id($alice);
    ($res, $d) = as($author, POST => "/friends/requests/$rid/accept/");
    ok t_cmp($res->code, 200, 'accepted: 200');
    ok t_cmp(new_since($alice, $ba), 'friend_accept - - -', 'the sender gets a friend_accept notification');
    $n = newest($alice);
    ok t_cmp(actor_of($n) . ' | ' . $n->{text}, "$author->{user}{nickname} $author->{id} | $author->{user}{nickname}님이 친구 요청을 수락했어요",
             '... from the receiver, by name');
    ok t_cmp(new_since($author, $before), 'friend_request - - -', 'the receiver hears nothing of their own acceptance');

    my $bb = newest_id($bob);
    ($res, $d) = as($bob, POST => '/friends/requests/', body => { login_id => $author->{login_id} });
    as($author, POST => "/friends/requests/$d->{id}/reject/");
    ok t_cmp(new_since($bob, $bb), '', 'a rejected request tells its sender nothing');
}

# --- a deactivated recipient --------------------------------------------------------------------

{
    my $gone = new_user();
    my $p = new_post($gone)->{id};
    my ($res) = api(DELETE => '/accounts/me/', token => $gone->{access}, body => { password => $gone->{password} });
    ok t_cmp($res->code, 204, 'an author deactivates their account');
    comment($alice, $p, '아무도 없나요');
    ok t_cmp(db_query("SELECT COUNT(*) FROM notifications WHERE user_id = '$gone->{id}'"), 0,
             'a comment on their post notifies nobody');
}

# --- a long comment -----------------------------------------------------------------------------

{
    my $long = "첫 줄입니다\n\n" . ('가' x 60);
    comment($bob, $post, $long);
    my $text = newest($author)->{text};
    ok t_cmp($text, '새로운 댓글이 달렸어요: "첫 줄입니다 ' . ('가' x 32) . '…"',
             'a long comment is quoted as a one-line excerpt of 40 characters');
}

# --- paging and unread_count --------------------------------------------------------------------

my $reader = new_user();
my @ids;
{
    my $p = new_post($reader)->{id};
    comment($alice, $p, "댓글 $_") for 1 .. 5;
    my ($res, $d) = notes($reader);
    @ids = map { $_->{id} } results($d);
    ok t_cmp(scalar(@ids) . ' ' . $d->{unread_count}, '5 5', 'five comments: five notifications, five unread');
    ok t_cmp(join(',', @ids), join(',', sort { $b <=> $a } @ids), 'newest first');
    ok t_cmp(join('|', map { $_->{text} } results($d)), join('|', map { "새로운 댓글이 달렸어요: \"댓글 $_\"" } reverse 1 .. 5),
             'the newest comment first');

    my (@paged, @sizes, @counts, $cursor);
    for (1 .. 10) {
        ($res, $d) = notes($reader, '?limit=2' . (defined $cursor ? "&cursor=$cursor" : ''));
        last unless $res->code == 200;
        push @paged, map { $_->{id} } results($d);
        push @sizes, scalar results($d);
        push @counts, $d->{unread_count};
        $cursor = $d->{next} // last;
    }
    ok t_cmp(join(',', @sizes), '2,2,1', '?limit=2: pages of 2, 2 and 1, the last with next null');
    ok t_cmp(join(',', @paged), join(',', @ids), 'the pages hold every notification once, in order');
    ok t_cmp(join(',', @counts), '5,5,5', 'unread_count counts them all on every page');

    ($res, $d) = notes($reader, '?limit=0');
    ok t_cmp(verdict($res, $d), '400 invalid limit', '?limit=0: 400');
    ($res, $d) = notes($reader, '?cursor=garbage');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a garbage cursor: 400');
    my ($r2, $d2) = api(GET => "/posts/?limit=1");
    ($res, $d) = notes($reader, "?cursor=$d2->{next}");
    ok t_cmp(verdict($res, $d), '400 invalid cursor', "another list's cursor: 400");
}

# --- read and read_all --------------------------------------------------------------------------

{
    my ($res, $d) = as($reader, POST => "/notifications/$ids[1]/read/");
    ok t_cmp($res->code . ' ' . $res->content, '204 ', 'POST /notifications/{id}/read/ by its recipient: 204, no body');
    my %read = map { ($_->{id} => $_->{is_read} ? 1 : 0) } all_notes($reader);
    ok t_cmp(join(',', map { $read{$_} } @ids), '0,1,0,0,0', 'that one is read, the others not');
    ok t_cmp(unread($reader), 4, 'unread_count 4');
    ($res, $d) = as($reader, POST => "/notifications/$ids[1]/read/");
    ok t_cmp($res->code . ' ' . unread($reader), '204 4', 'reading it again: 204, nothing changes');

    ($res, $d) = as($alice, POST => "/notifications/$ids[0]/read/");
    ok t_cmp(verdict($res, $d), '404 not_found ', "another user reading someone's notification: 404");
    ($res, $d) = api(POST => "/notifications/$ids[0]/read/", token => $admin->{access});
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an admin too: 404');
    ok t_cmp(unread($reader), 4, '... and it stays unread');
    ($res, $d) = as($reader, POST => "/notifications/$UNKNOWN/read/");
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown id: 404');
    ($res, $d) = as($reader, POST => '/notifications/0/read/');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'id 0: 404');
    ($res, $d) = as($reader, POST => '/notifications/abc/read/');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a non-numeric id: 404');
    ($res, $d) = as($reader, GET => "/notifications/$ids[0]/read/");
    ok t_cmp($res->code . ' ' . ($res->header('Allow') // ''), '405 POST', 'GET on read/: 405 with Allow: POST');

    ($res, $d) = api(GET => '/notifications/?limit=100', token => $admin->{access});
    my %mine = map { ($_ => 1) } @ids;
    ok t_cmp(scalar(grep { $mine{ $_->{id} } } results($d)), 0, "an admin's list holds only the admin's own");

    my $alice_unread = unread($alice);
    ($res, $d) = as($reader, POST => '/notifications/read_all/');
    ok t_cmp($res->code . ' ' . $res->content, '204 ', 'POST /notifications/read_all/: 204');
    ok t_cmp(unread($reader) . ' ' . join(',', map { $_->{is_read} ? 1 : 0 } all_notes($reader)), '0 1,1,1,1,1',
             'every one is read, unread_count 0');
    ok t_cmp(unread($alice), $alice_unread, "another user's notifications stay unread");
    ($res, $d) = as($reader, POST => '/notifications/read_all/');
    ok t_cmp($res->code, 204, 'read_all with nothing unread: 204');

    # the route takes no body: one sent is not read
    ($res, $d) = as($alice, POST => '/notifications/read_all/', raw => '{not json', type => 'application/json');
    ok t_cmp($res->code, 204, 'read_all ignores a body it does not take');
    comment($bob, new_post($reader)->{id}, '새 댓글');
    ok t_cmp(unread($reader), 1, 'a new notification after read_all is unread');
}

# --- Korean error details -----------------------------------------------------------------------

{
    my ($res, $d) = api(POST => "/notifications/$UNKNOWN/read/", token => $reader->{access},
                        headers => ['Accept-Language' => 'ko']);
    ok t_cmp($res->code . ' ' . ($d->{code} // ''), '404 not_found', 'Accept-Language: ko: 404 not_found');
    ok t_cmp(($d->{detail} // '') =~ /[\x{AC00}-\x{D7A3}]/ ? 'Korean' : 'not Korean', 'Korean', '... with a Korean detail');
}
