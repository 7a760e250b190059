# t/api/reviews.t: GET/POST /course-infos/{id}/reviews/ and PATCH/DELETE
# /reviews/{id}/, per API.md "Courses, timetables, reviews": one review per
# user per subject (409 on a second), author-only edits, author-or-admin
# deletes, and average_rating / review_count exact under concurrent writes.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together verdict results keys_of);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 96;

my $UNKNOWN = 999999999;
my $JSON = JSON::PP->new->utf8->canonical;

my $admin = admin_login();

# A new subject (CourseInfo) through POST /courses/; returns its id.
sub new_subject {
    my ($res, $d) = api(POST => '/courses/', token => $admin->{access}, body => {
        course_info => { code => unique('RV'), title => '강의평 시험 ' . hangul(3), credits => 3,
                         department => '컴퓨터공학과' },
        section => '01', semester => '2024-1', professor => '김교수', capacity => 40,
        slots => [{ day => 'MON', start => '09:00', end => '10:15', room => '공학관 101' }] });
    die 'course creation failed: ' . $res->code . ' ' . $res->content unless $res->code == 201;
    return $d->{course_info}{id};
}

sub list {
    my ($info, %o) = @_;
    my $q = join '&', map { "$_=$o{$_}" } grep { $_ ne 'who' } sort keys %o;
    return api(GET => "/course-infos/$info/reviews/" . ($q ? "?$q" : ''),
               $o{who} ? (token => $o{who}{access}) : ());
}

# "review_count average_rating" of a subject, the average as printed in the body.
sub aggregate {
    my ($info) = @_;
    my ($res) = list($info, limit => 1);
    my ($avg) = $res->content =~ /"average_rating":(null|[0-9.]+)/;
    my ($count) = $res->content =~ /"review_count":(\d+)/;
    return join ' ', $count // '?', $avg // '?';
}

# The mean rounded half up to one decimal, printed as the API prints it.
sub expected_average {
    my ($sum, $count) = @_;
    return sprintf('%.1f', int(($sum * 20 + $count) / (2 * $count)) / 10);
}

sub post_review {
    my ($info, $who, %body) = @_;
    return api(POST => "/course-infos/$info/reviews/", token => $who ? $who->{access} : undef,
               body => { rating => 4, content => '좋은 강의입니다', semester => '2024-1', %body });
}

sub patch_review {
    my ($id, $who, $body) = @_;
    return api(PATCH => "/reviews/$id/", token => $who ? $who->{access} : undef, body => $body);
}

sub delete_review {
    my ($id, $who) = @_;
    return api(DELETE => "/reviews/$id/", $who ? (token => $who->{access}) : ());
}

my $info = new_subject();
my $alice = new_user();
my $bob = new_user();

# --- the empty list -------------------------------------------------------------------------

{
    my ($res, $d) = list($info);
    ok t_cmp($res->code, 200, 'GET reviews of a subject without reviews, anonymously: 200');
    ok t_cmp(keys_of($d), 'average_rating,next,results,review_count',
             '... {results, next, average_rating, review_count} in one object');
    ok t_cmp(aggregate($info), '0 null', '... review_count 0, average_rating null');
    ok t_cmp(scalar(results($d)) . ' ' . ($d->{next} // 'null'), '0 null', '... no results, next null');
    ($res, $d) = list($UNKNOWN);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'GET reviews of an unknown subject: 404');
    ($res, $d) = list($info, cursor => 'garbage');
    ok t_cmp(verdict($res, $d), '400 invalid cursor', 'a garbage cursor: 400');
    ($res, $d) = list($info, limit => 0);
    ok t_cmp(verdict($res, $d), '400 invalid limit', 'limit=0: 400');
    ($res) = api(GET => "/course-infos/$info/reviews/", token => 'not.a.token');
    ok t_cmp($res->code, 200, 'the list is public: a bad token is ignored');
}

# --- writing one --------------------------------------------------------------------------

my $text = '설명이 친절하고 과제가 적당해요. ' . hangul(5) . ' 😀';
my $mine;
{
    my ($res, $d) = post_review($info, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'POST a review anonymously: 401');
    ok t_cmp(aggregate($info), '0 null', '... nothing changed');

    ($res, $d) = post_review($info, $alice, rating => 4, content => "  $text  ", semester => '2024-1');
    ok t_cmp($res->code, 201, 'POST a review: 201');
    $mine = $d;
    ok t_cmp(keys_of($d), 'author,content,course_info,created_at,id,is_mine,rating,semester,updated_at',
             '... a Review with exactly its fields');
    ok t_cmp($JSON->encode($d->{author}), $JSON->encode({ id => $alice->{id}, nickname => $alice->{user}{nickname} }),
             '... author is {id, nickname}');
    ok t_cmp(join(' ', $d->{course_info}, $d->{rating}, $d->{semester}, ($d->{is_mine} ? 'mine' : 'not mine')),
             "$info 4 2024-1 mine", '... course_info, rating, semester, is_mine');
    ok t_cmp($d->{content}, $text, '... Korean (and emoji) content round-trips, trimmed');
    ok t_cmp($d->{created_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, '... created_at is RFC 3339 with microseconds');
    ok t_cmp(aggregate($info), '1 4.0', '... review_count 1, average_rating 4.0 (a number)');

    ($res, $d) = list($info, who => $bob);
    my ($r) = results($d);
    ok t_cmp(($r->{id} // 0) . ' ' . ($r->{is_mine} ? 'mine' : 'not mine'), "$mine->{id} not mine",
             'the list shows it; is_mine false for another user');
    ($res, $d) = list($info);
    ($r) = results($d);
    ok t_cmp($r->{is_mine} ? 'mine' : 'not mine', 'not mine', '... and for an anonymous caller');
    ($res, $d) = list($info, who => $alice);
    ($r) = results($d);
    ok t_cmp($r->{is_mine} ? 'mine' : 'not mine', 'mine', '... true for its author');

    ($res, $d) = post_review($info, $alice, rating => 1);
    ok t_cmp(verdict($res, $d), '409 conflict ', 'a second review of the same subject: 409');
    ok t_cmp(aggregate($info), '1 4.0', '... nothing changed');
    ($res, $d) = api(POST => "/course-infos/$info/reviews/", token => $alice->{access},
                     headers => ['Accept-Language' => 'ko'],
                     body => { rating => 2, content => '두 번째', semester => '2024-1' });
    ok t_cmp(($d->{code} // '') . ' ' . ($d->{detail} // ''), qr/^conflict .*[가-힣]/, '... in Korean with Accept-Language: ko');

    ($res, $d) = post_review($UNKNOWN, $bob);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'reviewing an unknown subject: 404');
}

# --- bad input -----------------------------------------------------------------------------

{
    my @bad = (
        [{ rating => 0 }, 'rating', 'rating 0'],
        [{ rating => 6 }, 'rating', 'rating 6'],
        [{ rating => 'five' }, 'rating', 'rating not a number'],
        [{ rating => 4.5 }, 'rating', 'a fractional rating'],
        [{ rating => JSON::PP::true }, 'rating', 'a boolean rating'],
        [{ rating => undef }, 'rating', 'a null rating'],
        [{ content => '   ' }, 'content', 'blank content'],
        [{ content => '가' x 2001 }, 'content', 'content of 2001 characters'],
        [{ content => 17 }, 'content', 'content not a string'],
        [{ semester => '2024-3' }, 'semester', 'semester 2024-3'],
        [{ semester => 'spring' }, 'semester', 'semester not YYYY-N'],
        [{ semester => '' }, 'semester', 'an empty semester'],
    );
    for my $b (@bad) {
        my ($res, $d) = post_review($info, $bob, %{ $b->[0] });
        ok t_cmp(verdict($res, $d), "400 invalid $b->[1]", "POST with $b->[2]: 400 naming $b->[1]");
    }
    my ($res, $d) = api(POST => "/course-infos/$info/reviews/", token => $bob->{access}, body => {});
    ok t_cmp(verdict($res, $d), '400 invalid content,rating,semester', 'POST {}: 400 naming every required field');
    ($res, $d) = api(POST => "/course-infos/$info/reviews/", token => $bob->{access}, raw => '{"rating": 4,',
                     type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'malformed JSON: 400 parse_error');
    ($res, $d) = api(POST => "/course-infos/$info/reviews/", token => $bob->{access}, body => [1, 2]);
    ok t_cmp($res->code, 400, 'a JSON array body: 400');
    ($res, $d) = api(POST => "/course-infos/$info/reviews/", token => $bob->{access},
                     raw => 'rating=4', type => 'application/x-www-form-urlencoded');
    ok t_cmp(verdict($res, $d), '415 unsupported_media_type ', 'a form body: 415');
    ($res, $d) = post_review($info, $bob, content => 'x' x 70000);
    ok t_cmp(verdict($res, $d), '413 payload_too_large ', 'a body over the size limit: 413');
    ($res, $d) = post_review($info, $bob, content => '가' x 2000);
    ok t_cmp($res->code, 201, 'content of exactly 2000 characters: 201');
    ok t_cmp(aggregate($info), '2 4.0', 'after all that only the valid review counts: 2 reviews, 4.0');
    delete_review($d->{id}, $bob);
    ok t_cmp(aggregate($info), '1 4.0', "... and deleting it brings the count back");
}

# --- editing -------------------------------------------------------------------------------

{
    my $id = $mine->{id};
    my ($res, $d) = patch_review($id, undef, { rating => 1 });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PATCH anonymously: 401');
    ($res, $d) = patch_review($id, $bob, { rating => 1 });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "PATCH someone else's review: 403");
    ($res, $d) = patch_review($id, $admin, { rating => 1 });
    ok t_cmp(verdict($res, $d), '403 permission_denied ', '... an admin may not edit it either: 403');
    ($res, $d) = patch_review($id, $alice, { rating => 9 });
    ok t_cmp(verdict($res, $d), '400 invalid rating', 'PATCH with rating 9: 400');
    ($res, $d) = patch_review($id, $alice, { rating => 2, content => 'x' x 70000 });
    ok t_cmp(verdict($res, $d), '413 payload_too_large ', 'PATCH with a body over the size limit: 413');
    ($res, $d) = api(PATCH => "/reviews/$id/", token => $alice->{access}, raw => '{"rating":', type => 'application/json');
    ok t_cmp(verdict($res, $d), '400 parse_error ', 'PATCH with malformed JSON: 400 parse_error');
    ($res, $d) = patch_review($id, $alice, { rating => 2, content => '' });
    ok t_cmp(verdict($res, $d), '400 invalid content', 'PATCH a good rating with blank content: 400');
    ok t_cmp(aggregate($info), '1 4.0', '... nothing changed (not even the rating)');
    ($res, $d) = list($info);
    ok t_cmp((results($d))[0]{content}, $text, '... the content is unchanged');

    ($res, $d) = patch_review($id, $alice, {});
    ok t_cmp($res->code . ' ' . $d->{rating} . ' ' . $d->{updated_at}, "200 4 $mine->{updated_at}",
             'PATCH {}: 200, nothing changes');
    ($res, $d) = patch_review($id, $alice, { rating => 2 });
    ok t_cmp($res->code . ' ' . $d->{rating} . ' ' . $d->{content}, "200 2 $text",
             'PATCH the rating only: 200, the content stays');
    ok t_cmp($d->{updated_at} gt $mine->{updated_at} ? 'later' : 'not later', 'later', '... updated_at moves');
    ok t_cmp(aggregate($info), '1 2.0', '... the average follows: 2.0');
    ($res, $d) = patch_review($id, $alice, { content => '다시 생각해보니 괜찮아요', semester => '2023-W' });
    ok t_cmp(join(' ', $res->code, $d->{rating}, $d->{semester}, $d->{content}),
             '200 2 2023-W 다시 생각해보니 괜찮아요', 'PATCH content and semester: 200');
    ok t_cmp(aggregate($info), '1 2.0', '... the aggregate is unchanged');
    ($res, $d) = patch_review($UNKNOWN, $alice, { rating => 3 });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH an unknown review: 404');
}

# --- deleting and posting again -----------------------------------------------------------

{
    my $id = $mine->{id};
    my ($res, $d) = delete_review($id, undef);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE anonymously: 401');
    ($res, $d) = delete_review($id, $bob);
    ok t_cmp(verdict($res, $d), '403 permission_denied ', "DELETE someone else's review: 403");
    ok t_cmp(aggregate($info), '1 2.0', '... nothing changed');
    ($res) = delete_review($id, $alice);
    ok t_cmp($res->code, 204, 'DELETE by its author: 204');
    ok t_cmp(aggregate($info), '0 null', '... review_count 0, average_rating null again');
    ($res, $d) = list($info);
    ok t_cmp(scalar(results($d)), 0, '... it left the list');
    ($res, $d) = delete_review($id, $alice);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE it again: 404');
    ($res, $d) = patch_review($id, $alice, { rating => 5 });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'PATCH a deleted review: 404');
    ok t_cmp(aggregate($info), '0 null', '... and the aggregate did not move');

    ($res, $d) = post_review($info, $bob, rating => 3);
    my $bobs = $d->{id};
    ($res, $d) = post_review($info, $alice, rating => 5, content => '다시 씁니다', semester => '2024-2');
    ok t_cmp($res->code . ' ' . ($d->{id} // ''), "201 $id",
             'posting again after deleting: 201, the deleted review revived (same id)');
    ok t_cmp(join(' ', $d->{rating}, $d->{content}, $d->{semester}), '5 다시 씁니다 2024-2',
             '... with the new rating, content and semester');
    ok t_cmp(aggregate($info), '2 4.0', '... counted again: 2 reviews, (3 + 5) / 2 = 4.0');
    ($res, $d) = list($info);
    ok t_cmp(join(',', map { $_->{id} } results($d)), "$id,$bobs", '... and listed as the newest');
    ($res, $d) = post_review($info, $alice, rating => 1);
    ok t_cmp(verdict($res, $d), '409 conflict ', '... a second review is 409 again');

    ($res) = delete_review($bobs, $admin);
    ok t_cmp($res->code, 204, 'an admin may delete a review: 204');
    ok t_cmp(aggregate($info), '1 5.0', '... the aggregate follows: 1 review, 5.0');
}

# --- rounding ---------------------------------------------------------------------------------

{
    my $subject = new_subject();
    my @users = map { new_user() } 1 .. 3;
    post_review($subject, $users[$_], rating => (5, 4, 4)[$_]) for 0 .. 2;
    ok t_cmp(aggregate($subject), '3 4.3', '(5 + 4 + 4) / 3 = 4.333... shows as 4.3');
    patch_review(list_first_id($subject, $users[0]), $users[0], { rating => 3 });
    ok t_cmp(aggregate($subject), '3 3.7', '(3 + 4 + 4) / 3 = 3.666... shows as 3.7');
}

sub list_first_id {
    my ($subject, $who) = @_;
    my ($res, $d) = list($subject, who => $who, limit => 100);
    my ($r) = grep { $_->{is_mine} } results($d);
    return $r ? $r->{id} : 0;
}

# --- concurrency ------------------------------------------------------------------------------

{
    my $subject = new_subject();
    my @users = map { new_user() } 1 .. 10;
    my @ratings = (5, 5, 4, 4, 4, 3, 5, 2, 4, 5);          # 41 / 10 = 4.1
    my @codes = together(10, sub {
        my $i = $_[0] - 1;
        return (post_review($subject, $users[$i], rating => $ratings[$i], content => "동시에 $i"))[0]->code;
    });
    ok t_cmp(join(',', @codes), join(',', (201) x 10), '10 users review one subject at once: every one 201');
    ok t_cmp(aggregate($subject), '10 4.1', '... review_count exactly 10, average exactly 4.1');

    # every review exactly once over the pages, newest first
    my (@seen, $cursor, $pages);
    do {
        my ($res, $d) = list($subject, limit => 4, $cursor ? (cursor => $cursor) : ());
        push @seen, results($d);
        $cursor = $d->{next};
        $pages++;
    } while ($cursor && $pages < 10);
    my %ids = map { $_->{id} => 1 } @seen;
    ok t_cmp(scalar(@seen) . ' ' . scalar(keys %ids) . " $pages", '10 10 3',
             'pages of 4: all 10 reviews once each, over 3 pages');
    my @created = map { $_->{created_at} } @seen;
    ok t_cmp(join(',', @created), join(',', sort { $b cmp $a } @created), '... newest first');

    my %id_of = map { $_->{author}{id} => $_->{id} } @seen;
    my @new = (1, 2, 3, 4, 5, 1, 2, 3, 4, 5);              # 30 / 10 = 3.0
    @codes = together(10, sub {
        my $i = $_[0] - 1;
        return (patch_review($id_of{ $users[$i]{id} }, $users[$i], { rating => $new[$i] }))[0]->code;
    });
    ok t_cmp(join(',', @codes), join(',', (200) x 10), '10 authors change their ratings at once: every one 200');
    ok t_cmp(aggregate($subject), '10 3.0', '... the average follows exactly: 3.0');

    @codes = together(5, sub {
        my $i = $_[0] - 1;                                 # ratings 1..5 leave
        return (delete_review($id_of{ $users[$i]{id} }, $users[$i]))[0]->code;
    });
    ok t_cmp(join(',', @codes), join(',', (204) x 5), 'five authors delete at once: every one 204');
    ok t_cmp(aggregate($subject), '5 3.0', '... 5 reviews left, (1+2+3+4+5) / 5 = 3.0');

    # the same author, many edits at once: the aggregate equals the last one written
    my $u = $users[9];
    my $rid = $id_of{ $u->{id} };
    @codes = together(8, sub { (patch_review($rid, $u, { rating => 1 + $_[0] % 5 }))[0]->code });
    ok t_cmp(join(',', @codes), join(',', (200) x 8), 'one author edits one review 8 times at once: every one 200');
    my ($res, $d) = list($subject, limit => 100);
    my $sum = 0;
    $sum += $_->{rating} for results($d);
    ok t_cmp(aggregate($subject), '5 ' . expected_average($sum, 5),
             '... the average is the mean of the ratings as stored');

    # the same author posting at once: one review, however many tries
    my $eager = new_user();
    @codes = together(8, sub { (post_review($subject, $eager, rating => 5))[0]->code });
    ok t_cmp(join(',', sort @codes), join(',', 201, (409) x 7), 'one user posts 8 times at once: one 201, seven 409');
    ok t_cmp((split / /, aggregate($subject))[0], 6, '... review_count 6');

    # a review and its deletion racing other users' posts and deletes
    my @more = map { new_user() } 1 .. 6;
    my @own = map { (post_review($subject, $more[$_], rating => 2))[1]{id} } 0 .. 2;
    @codes = together(6, sub {
        my $i = $_[0] - 1;
        return $i < 3 ? (delete_review($own[$i], $more[$i]))[0]->code
                      : (post_review($subject, $more[$i], rating => 4))[0]->code;
    });
    ok t_cmp(join(',', @codes), '204,204,204,201,201,201', 'three deletes and three posts at once');
    ($res, $d) = list($subject, limit => 100);
    my @live = results($d);
    $sum = 0;
    $sum += $_->{rating} for @live;
    my $count = scalar @live;
    ok t_cmp(aggregate($subject), "$count " . expected_average($sum, $count),
             "... review_count and average match the $count reviews listed");
}

# --- a deactivated author --------------------------------------------------------------------

{
    my $subject = new_subject();
    my $gone = new_user();
    my ($res, $d) = post_review($subject, $gone, rating => 2);
    ($res) = api(DELETE => '/accounts/me/', token => $gone->{access}, body => { password => $gone->{password} });
    ok t_cmp($res->code, 204, 'the author deactivates their account');
    ($res, $d) = list($subject);
    my ($r) = results($d);
    ok t_cmp($JSON->encode($r->{author} // {}), $JSON->encode({ id => undef, nickname => 'deleted-user' }),
             '... their review stays, by deleted-user');
    ok t_cmp(json_has_value($d, $gone->{id}) ? 'leaks' : 'hidden', 'hidden', '... their id appears nowhere');
    ok t_cmp(aggregate($subject), '1 2.0', '... and it still counts');
}
