# t/api/push_notifications.t: a notification ends up as a push at the mock FCM
# (t/mock/fcm.pl), end to end: a device registered at POST /me/devices/, a
# comment on the vhost et_push (which has FCM credentials), the outbox row
# queued in the comment's transaction, delivered by the drain: the title,
# the text as body, and the ids to open it; nothing of an anonymous
# commenter; nothing pushed for one's own comment; and nothing queued by a
# server without FCM credentials (the main one), whose notifications still
# work. (Named to run after push.t, which counts the token exchanges of a
# fresh server.)
use strict;
use warnings;
use utf8;

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul results new_post);
use ETestFCM;

# The pushes FCM accepted for a device. An attempt it refused is not one: a
# process may still hold an access token of an earlier mock (t/api/push.t's),
# which this mock answers with 401, and the deliverer then retries with a
# new token; the mock records both attempts.
sub delivered {
    my ($device) = @_;
    return grep { ($_->{status} // 0) == 200 } fcm_sends($device);
}
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 10, sub { -e ($ENV{ET_TEST_FCM_CREDENTIALS} // '') };

my $V = 'et_push';
my $F = JSON::PP::false();
my $T = JSON::PP::true();

sub on { my ($who, $method, $path, %o) = @_; return api($method, $path, token => $who->{access}, vhost => $V, %o) }
sub comment {
    my ($who, $post, $content, %o) = @_;
    my ($res, $d) = on($who, POST => "/posts/$post/comments/",
                       body => { content => $content, is_anonymous => $o{anonymous} ? $T : $F });
    die 'comment failed: ' . $res->content unless $res->code == 201;
    return $d->{id};
}
sub post_as {
    my ($who, %o) = @_;
    my ($res, $d) = on($who, POST => '/posts/', body => {
        board => 1, title => '푸시 시험 ' . hangul(3), content => '본문',
        is_anonymous => $o{anonymous} ? $T : $F, is_question => $F });
    die 'post failed: ' . $res->content unless $res->code == 201;
    return $d->{id};
}
sub newest_note {
    my ($who) = @_;
    my ($res, $d) = on($who, GET => '/notifications/?limit=1');
    return (results($d))[0];
}

fcm_start();

my $author = new_user(vhost => $V);
my $alice = new_user(vhost => $V, nickname => '앨리스' . hangul(4));
my $device = "ok-notify-$author->{id}";
{
    my ($res) = on($author, POST => '/me/devices/', body => { fcm_token => $device, platform => 'android' });
    ok t_cmp($res->code, 201, 'the author registers a device');
}
my $post = post_as($author);

# --- a comment becomes a push -------------------------------------------------------------

{
    my $cid = comment($alice, $post, '저도 그 수업 들어요');
    my $note = newest_note($author);
    ok t_cmp(scalar wait_until(15, sub { scalar delivered($device) }), 1, "a comment on the author's post reaches the device");
    my ($sent) = delivered($device);
    my $want = { message => { token => $device,
                              notification => { title => '새로운 댓글', body => '새로운 댓글이 달렸어요: "저도 그 수업 들어요"' },
                              data => { kind => 'comment', post => "$post", comment => "$cid",
                                        notification => '' . ($note->{id} // '?') } } };
    my $JSON = JSON::PP->new->utf8->canonical;
    ok t_cmp($JSON->encode($sent->{body} // {}), $JSON->encode($want),
             'messages:send got the Korean title, the text as body, and the ids of the post, comment and notification');
    ok t_cmp($note->{text}, '새로운 댓글이 달렸어요: "저도 그 수업 들어요"', 'the same text as the notification');
    ok t_cmp(scalar wait_until(5, sub { outbox_count($author->{id}) == 0 }) ? 0 : outbox_count($author->{id}), 0,
             'the delivered row is gone from the outbox');
}

# --- anonymous, and one's own -----------------------------------------------------------------

{
    my $anon_post = post_as($author, anonymous => 1);
    comment($author, $anon_post, '제 글에 제가 단 댓글', anonymous => 1);    # no push: one's own
    my $cid = comment($alice, $anon_post, '익명으로 남겨요', anonymous => 1);
    wait_until(15, sub { delivered($device) >= 2 });
    my @sends = delivered($device);
    # the drain sends oldest first: a push of the author's own comment would come before alice's
    ok t_cmp(scalar(@sends) . ' ' . ($sends[1]{body}{message}{data}{comment} // '-'), "2 $cid",
             "the author's own comment queued no push; the anonymous comment did");
    my $raw = JSON::PP->new->utf8->canonical->encode($sends[1]{body} // {});
    ok t_cmp(join(' ', map { index($raw, $_) >= 0 ? 'found' : 'absent' } $alice->{id}, $alice->{login_id}, $alice->{user}{nickname}),
             'absent absent absent', "the anonymous commenter's id, login and nickname are nowhere in the push");
    ok t_cmp(scalar wait_until(5, sub { outbox_count($alice->{id}) == 0 }) ? 0 : outbox_count($alice->{id}), 0,
             'and the outbox holds nothing that names the commenter');
}

# --- a server without FCM credentials queues nothing ------------------------------------------

{
    my ($writer, $reader) = (new_user(), new_user());
    my $p = new_post($writer)->{id};
    my ($res) = api(POST => "/posts/$p/comments/", token => $reader->{access}, body => { content => '푸시 없는 서버' });
    my ($r2, $d) = api(GET => '/notifications/?limit=1', token => $writer->{access});
    ok t_cmp(((results($d))[0] // {})->{kind} // '-', 'comment', 'on the main server the comment still notifies');
    ok t_cmp(outbox_count($writer->{id}), 0, '... and queues no push (no EverytimeFCMCredentials there)');
}

fcm_stop();
