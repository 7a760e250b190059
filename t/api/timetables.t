# t/api/timetables.t: timetables per API.md "Courses, timetables, reviews":
# several per user and semester with one primary, courses added only without
# a clash (409 naming the clashing course; touching ends are fine; another
# semester's course is 409), removal, soft delete with the primary handed
# on, owner-only access, and /me/courses/ (credits per semester and total).
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul together results keys_of);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 115;

my $admin = admin_login();
my $alice = new_user();
my $bob = new_user();

sub status_code { my ($res, $d) = @_; return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-') }
sub error_fields { my ($d) = @_; return ref $d eq 'HASH' && ref $d->{errors} eq 'HASH' ? join(',', sort keys %{ $d->{errors} }) : '-' }
sub course_ids { my ($t) = @_; return join ',', map { $_->{id} } @{ ref $t eq 'HASH' && ref $t->{courses} eq 'ARRAY' ? $t->{courses} : [] } }

# --- the sections used below (semesters of their own: 2031-*) -----------------------------

my $tag = substr(uc unique('T'), -10);
my $ko = hangul(2);
my %c;    # name => Course
{
    my @defs = (
        [ ds => "${tag}1", "자료구조$ko", 3, '2031-1', [ [ 'MON', '09:00', '10:15' ], [ 'WED', '09:00', '10:15' ] ] ],
        [ clash => "${tag}2", "운영체제$ko", 2, '2031-1', [ [ 'MON', '10:00', '11:00' ] ] ],
        [ touch => "${tag}3", "알고리즘$ko", 3, '2031-1', [ [ 'MON', '10:15', '11:30' ], [ 'FRI', '09:00', '10:15' ] ] ],
        [ wed => "${tag}4", "선형대수$ko", 3, '2031-1', [ [ 'TUE', '13:00', '14:00' ], [ 'WED', '10:00', '10:30' ] ] ],
        [ online => "${tag}5", "글쓰기$ko", 1, '2031-1', [] ],
        [ fall => "${tag}6", "데이터베이스$ko", 3, '2031-2', [ [ 'MON', '09:00', '10:15' ] ] ],
        [ summer => "${tag}7", "계절학기$ko", 2, '2031-S', [ [ 'THU', '09:00', '12:00' ] ] ],
        [ night => "${tag}8", "야간$ko", 2, '2031-1', [ [ 'SUN', '22:00', '24:00' ] ] ],
        [ morning => "${tag}9", "새벽$ko", 1, '2031-1', [ [ 'MON', '00:00', '01:00' ] ] ],
    );
    my $ok = 0;
    for my $def (@defs) {
        my ($name, $code, $title, $credits, $semester, $slots) = @$def;
        my ($res, $d) = api(POST => '/courses/', token => $admin->{access}, body => {
            course_info => { code => $code, title => $title, credits => $credits, department => '컴퓨터공학부' },
            section => '01', semester => $semester, professor => '김교수', capacity => 50,
            slots => [ map { { day => $_->[0], start => $_->[1], end => $_->[2], room => '공학관301' } } @$slots ] });
        $ok++ if $res->code == 201;
        $c{$name} = $d;
    }
    ok t_cmp($ok, 9, 'the sections for the timetables were made');
}

sub make_tt {
    my ($who, $semester, $name) = @_;
    return api(POST => '/timetables/', token => $who->{access}, body => { semester => $semester, name => $name });
}
sub get_tt { my ($who, $id) = @_; return api(GET => "/timetables/$id/", token => $who->{access}) }
sub add { my ($who, $id, $course) = @_; return api(POST => "/timetables/$id/courses/", token => $who->{access}, body => { course => $course }) }

# --- creating and reading ---------------------------------------------------------------

my ($t1, $t2);
{
    my $name = "시간표 $ko";
    my ($res, $d) = make_tt($alice, '2031-1', $name);
    ok t_cmp($res->code, 201, 'POST /timetables/: 201');
    $t1 = $d;
    ok t_cmp(keys_of($d), 'courses,created_at,id,is_primary,name,semester,total_credits,updated_at',
             'POST /timetables/: a Timetable {id, semester, name, is_primary, courses, total_credits, created_at, updated_at}');
    ok t_cmp([ @$d{qw(semester name total_credits)}, course_ids($d) ], [ '2031-1', $name, 0, '' ],
             'POST /timetables/: the semester, the Korean name, no courses, 0 credits');
    ok t_cmp($d->{is_primary} ? 'true' : 'false', 'true', 'the first timetable of a semester is primary');
    ok t_cmp($res->content =~ /"is_primary":\s*true/ ? 'boolean' : 'other', 'boolean', 'is_primary is a JSON boolean');
    ok t_cmp($d->{created_at} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'created_at is RFC 3339 with microseconds');

    ($res, $d) = make_tt($alice, '2031-1', '플랜 B');
    $t2 = $d;
    ok t_cmp($res->code . ' ' . ($d->{is_primary} ? 'primary' : 'not primary'), '201 not primary',
             'the second timetable of the semester is not primary');
    ($res, $d) = make_tt($alice, '2031-2', '가을');
    ok t_cmp($res->code . ' ' . ($d->{is_primary} ? 'primary' : 'not primary'), '201 primary',
             'the first timetable of another semester is primary there');

    ($res, $d) = api(GET => '/timetables/?semester=2031-1', token => $alice->{access});
    ok t_cmp($res->code . ' ' . keys_of($d), '200 next,results', 'GET /timetables/?semester=: 200 {"results", "next"}');
    ok t_cmp(join(',', map { $_->{id} } results($d)), "$t1->{id},$t2->{id}", '... the two of 2031-1, oldest first');
    ($res, $d) = api(GET => '/timetables/', token => $alice->{access});
    ok t_cmp(scalar(results($d)), 3, 'GET /timetables/ without semester: all three');
    ($res, $d) = get_tt($alice, $t1->{id});
    ok t_cmp($res->code, 200, 'GET /timetables/{id}/ by the owner: 200');
    ok t_cmp($d, $t1, '... the timetable as created');
}

# --- adding courses --------------------------------------------------------------------

{
    my ($res, $d) = add($alice, $t1->{id}, $c{ds}{id});
    ok t_cmp($res->code, 201, 'POST /timetables/{id}/courses/: 201');
    ok t_cmp(course_ids($d) . ' ' . ($d->{total_credits} // '-'), "$c{ds}{id} 3", 'the course is on it; total_credits 3');
    ok t_cmp($d->{courses}[0], $c{ds}, 'a timetable course is the whole Course, slots and all');

    ($res, $d) = add($alice, $t1->{id}, $c{ds}{id});
    ok t_cmp(status_code($res, $d), '409 conflict', 'adding the same course again: 409');

    ($res, $d) = add($alice, $t1->{id}, $c{clash}{id});
    ok t_cmp(status_code($res, $d), '409 conflict', 'a course overlapping on MON: 409 conflict');
    ok t_cmp($d->{detail} // '', "Conflicts with ${tag}1-01 자료구조$ko (MON 09:00-10:15).",
             'the 409 names the clashing course and its slot');
    ($res, $d) = api(POST => "/timetables/$t1->{id}/courses/", token => $alice->{access},
                     body => { course => $c{clash}{id} }, headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp($d->{detail} // '', qr/^\Q${tag}1-01 자료구조$ko (MON 09:00-10:15)\E.*겹칩니다/, '... and in Korean');

    ($res, $d) = add($alice, $t1->{id}, $c{wed}{id});
    ok t_cmp($res->code . ' ' . ($d->{detail} // ''), "409 Conflicts with ${tag}1-01 자료구조$ko (WED 09:00-10:15).",
             "a course clashing only with another slot of a course (WED): 409 naming that slot");

    ($res, $d) = add($alice, $t1->{id}, $c{touch}{id});
    ok t_cmp($res->code . ' ' . ($d->{total_credits} // '-'), '201 6', 'a course starting when another ends (10:15): 201, no clash');
    ($res, $d) = add($alice, $t1->{id}, $c{online}{id});
    ok t_cmp($res->code . ' ' . ($d->{total_credits} // '-'), '201 7', 'a course without slots never clashes');
    ($res, $d) = add($alice, $t1->{id}, $c{night}{id});
    ok t_cmp($res->code, 201, 'SUN 22:00-24:00: 201');
    ($res, $d) = add($alice, $t1->{id}, $c{morning}{id});
    ok t_cmp($res->code . ' ' . ($d->{total_credits} // '-'), '201 10', 'MON 00:00-01:00 after SUN 22:00-24:00: no clash');
    ok t_cmp(course_ids($d), join(',', sort { $a <=> $b } map { $c{$_}{id} } qw(ds touch online night morning)),
             'the timetable lists its courses by id');

    ($res, $d) = add($alice, $t1->{id}, $c{fall}{id});
    ok t_cmp(status_code($res, $d), '409 conflict', 'a course of another semester: 409 conflict');
    ok t_cmp($d->{detail} // '', qr/2031-2.*2031-1/, '... naming both semesters');
    ($res, $d) = add($alice, $t1->{id}, 999999999);
    ok t_cmp(status_code($res, $d), '404 not_found', 'an unknown course: 404');

    # the clash is only within one timetable: the plan B may hold the clashing course
    ($res, $d) = add($alice, $t2->{id}, $c{clash}{id});
    ok t_cmp($res->code, 201, 'the clashing course on another timetable of the same semester: 201');

    ($res, $d) = get_tt($alice, $t1->{id});
    ok t_cmp($d->{total_credits} . ' ' . course_ids($d),
             '10 ' . join(',', sort { $a <=> $b } map { $c{$_}{id} } qw(ds touch online night morning)),
             'the refused additions changed nothing');
}

# bad input to POST /timetables/{id}/courses/
{
    my $before = (get_tt($alice, $t1->{id}))[1];
    my @bodies = (
        [ 'no course', {}, 'course' ],
        [ 'course a word', { course => 'one' }, 'course' ],
        [ 'course 0', { course => 0 }, 'course' ],
        [ 'course null', { course => undef }, 'course' ],
        [ 'course a list', { course => [ $c{clash}{id} ] }, 'course' ],
    );
    for my $b (@bodies) {
        my ($res, $d) = api(POST => "/timetables/$t1->{id}/courses/", token => $alice->{access}, body => $b->[1]);
        ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), "400 invalid $b->[2]",
                 "POST /timetables/{id}/courses/ with $b->[0]: 400");
    }
    my ($res, $d) = api(POST => "/timetables/$t1->{id}/courses/", token => $alice->{access},
                        raw => '{"course": ', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 parse_error', 'POST /timetables/{id}/courses/ with malformed JSON: 400');
    ($res, $d) = api(POST => '/timetables/999999999/courses/', token => $alice->{access}, body => { course => $c{ds}{id} });
    ok t_cmp(status_code($res, $d), '404 not_found', 'POST to an unknown timetable: 404');
    ok t_cmp((get_tt($alice, $t1->{id}))[1], $before, 'bad additions changed nothing');
}

# --- removing courses ---------------------------------------------------------------------

{
    my ($res, $d) = api(DELETE => "/timetables/$t1->{id}/courses/$c{night}{id}/", token => $alice->{access});
    ok t_cmp($res->code, 204, 'DELETE /timetables/{id}/courses/{course_id}/: 204');
    ($res, $d) = api(DELETE => "/timetables/$t1->{id}/courses/$c{night}{id}/", token => $alice->{access});
    ok t_cmp(status_code($res, $d), '404 not_found', 'removing it again: 404');
    ($res, $d) = api(DELETE => "/timetables/$t1->{id}/courses/999999999/", token => $alice->{access});
    ok t_cmp(status_code($res, $d), '404 not_found', 'removing an unknown course: 404');
    ($res, $d) = api(DELETE => "/timetables/999999999/courses/$c{ds}{id}/", token => $alice->{access});
    ok t_cmp(status_code($res, $d), '404 not_found', 'removing from an unknown timetable: 404');
    ($res, $d) = get_tt($alice, $t1->{id});
    ok t_cmp($d->{total_credits} . ' ' . (grep({ $_->{id} == $c{night}{id} } @{ $d->{courses} }) ? 'still there' : 'gone'),
             '8 gone', 'the course is off the timetable; total_credits drops by its credits');
}

# --- another user, anonymous ------------------------------------------------------------

{
    my $before = (get_tt($alice, $t1->{id}))[1];
    my ($res, $d) = get_tt($bob, $t1->{id});
    ok t_cmp(status_code($res, $d), '403 permission_denied', "another user's GET /timetables/{id}/: 403");
    ok t_cmp(json_has_value($d, $t1->{name}) ? 'leaked' : 'hidden', 'hidden', '... showing nothing of it');
    ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $bob->{access}, body => { name => 'hacked' });
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'another user renaming it: 403');
    ($res, $d) = api(PATCH => "/timetables/$t2->{id}/", token => $bob->{access}, body => { is_primary => JSON::PP::true() });
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'another user making it primary: 403');
    ($res, $d) = add($bob, $t1->{id}, $c{clash}{id});
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'another user adding a course to it: 403');
    ($res, $d) = api(DELETE => "/timetables/$t1->{id}/courses/$c{ds}{id}/", token => $bob->{access});
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'another user removing a course from it: 403');
    ($res, $d) = api(DELETE => "/timetables/$t1->{id}/", token => $bob->{access});
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'another user deleting it: 403');
    ($res, $d) = api(GET => '/timetables/', token => $bob->{access});
    ok t_cmp(scalar(results($d)), 0, "another user's list does not hold it");
    ($res, $d) = get_tt($admin, $t1->{id});
    ok t_cmp(status_code($res, $d), '403 permission_denied', "an admin cannot read someone's timetable either");

    ok t_cmp((get_tt($alice, $t1->{id}))[1], $before, "after all that, alice's timetable is unchanged");
    ($res, $d) = get_tt($alice, $t2->{id});
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'not primary', '... and so is her plan B');

    for my $r ([ GET => '/timetables/' ], [ POST => '/timetables/' ], [ GET => "/timetables/$t1->{id}/" ],
               [ PATCH => "/timetables/$t1->{id}/" ], [ DELETE => "/timetables/$t1->{id}/" ],
               [ POST => "/timetables/$t1->{id}/courses/" ], [ DELETE => "/timetables/$t1->{id}/courses/$c{ds}{id}/" ],
               [ GET => '/me/courses/' ]) {
        ($res, $d) = api($r->[0], $r->[1], $r->[0] =~ /POST|PATCH/ ? (body => { course => $c{clash}{id}, name => 'x', semester => '2031-1' }) : ());
        ok t_cmp(status_code($res, $d), '401 not_authenticated', "$r->[0] $r->[1] anonymously: 401");
    }
    ok t_cmp((get_tt($alice, $t1->{id}))[1], $before, 'anonymous requests changed nothing');
}

# --- bad input to POST /timetables/ and PATCH ----------------------------------------------

{
    my @bodies = (
        [ 'no semester', { name => 'x' }, 'semester' ],
        [ 'semester 2031-3', { semester => '2031-3', name => 'x' }, 'semester' ],
        [ 'semester a number', { semester => 2031, name => 'x' }, 'semester' ],
        [ 'no name', { semester => '2031-1' }, 'name' ],
        [ 'a blank name', { semester => '2031-1', name => '   ' }, 'name' ],
        [ 'a 51-character name', { semester => '2031-1', name => hangul(51) }, 'name' ],
        [ 'name a list', { semester => '2031-1', name => [ 'x' ] }, 'name' ],
    );
    for my $b (@bodies) {
        my ($res, $d) = api(POST => '/timetables/', token => $bob->{access}, body => $b->[1]);
        ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), "400 invalid $b->[2]", "POST /timetables/ with $b->[0]: 400");
    }
    my ($res, $d) = api(POST => '/timetables/', token => $bob->{access}, raw => '{"semester": "2031-1"', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 parse_error', 'POST /timetables/ with malformed JSON: 400');
    ($res, $d) = api(POST => '/timetables/', token => $bob->{access}, raw => '["2031-1"]', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 invalid', 'POST /timetables/ with a JSON list: 400');
    ($res, $d) = api(GET => '/timetables/', token => $bob->{access});
    ok t_cmp(scalar(results($d)), 0, 'no bad request made a timetable');
    ($res, $d) = api(GET => '/timetables/?semester=2031', token => $bob->{access});
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid semester', 'GET /timetables/?semester=2031: 400');

    my $before = (get_tt($alice, $t1->{id}))[1];
    for my $b ([ 'is_primary false', { is_primary => JSON::PP::false() }, 'is_primary' ],
               [ 'is_primary a word', { is_primary => 'yes' }, 'is_primary' ],
               [ 'a blank name', { name => '' }, 'name' ],
               [ 'a 51-character name', { name => 'n' x 51 }, 'name' ],
               [ 'name a number', { name => 5 }, 'name' ]) {
        ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access}, body => $b->[1]);
        ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), "400 invalid $b->[2]", "PATCH /timetables/{id}/ with $b->[0]: 400");
    }
    ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access}, raw => '{"name":', type => 'application/json');
    ok t_cmp(status_code($res, $d), '400 parse_error', 'PATCH /timetables/{id}/ with malformed JSON: 400');
    ($res, $d) = api(PATCH => '/timetables/999999999/', token => $alice->{access}, body => { name => 'x' });
    ok t_cmp(status_code($res, $d), '404 not_found', 'PATCH of an unknown timetable: 404');
    ok t_cmp((get_tt($alice, $t1->{id}))[1], $before, 'bad PATCHes changed nothing');
}

# --- renaming and switching the primary ---------------------------------------------------

{
    my $name = "새 이름 $ko";
    my ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access}, body => { name => $name });
    ok t_cmp($res->code . ' ' . ($d->{name} // ''), "200 $name", 'PATCH {name}: 200, the Korean name stored');
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'primary', '... and still primary');
    ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access}, body => {});
    ok t_cmp($res->code . ' ' . ($d->{name} // ''), "200 $name", 'PATCH {}: 200, nothing changes');

    ($res, $d) = api(PATCH => "/timetables/$t2->{id}/", token => $alice->{access}, body => { is_primary => JSON::PP::true() });
    ok t_cmp($res->code . ' ' . ($d->{is_primary} ? 'primary' : 'not primary'), '200 primary', 'PATCH {is_primary: true}: 200, primary');
    ($res, $d) = get_tt($alice, $t1->{id});
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'not primary', 'the old primary is no longer primary');
    ($res, $d) = api(GET => '/timetables/', token => $alice->{access});
    ok t_cmp(join(',', map { "$_->{semester}:" . ($_->{is_primary} ? 1 : 0) } results($d)), '2031-1:0,2031-1:1,2031-2:1',
             'one primary per semester; the other semester untouched');

    ($res, $d) = api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access},
                     body => { is_primary => JSON::PP::true(), name => '본 시간표' });
    ok t_cmp($res->code . ' ' . ($d->{is_primary} ? 'primary' : 'not') . ' ' . ($d->{name} // ''), '200 primary 본 시간표',
             'PATCH {name, is_primary} together');
}

# concurrent switches leave exactly one primary
{
    my (undef, $t3) = make_tt($alice, '2031-1', 'C');
    my @ids = ($t1->{id}, $t2->{id}, $t3->{id});
    together(6, sub {
        my $i = shift;
        my ($res) = api(PATCH => "/timetables/$ids[$i % 3]/", token => $alice->{access}, body => { is_primary => JSON::PP::true() });
        return $res->code;
    });
    my (undef, $d) = api(GET => '/timetables/?semester=2031-1', token => $alice->{access});
    ok t_cmp(scalar(grep { $_->{is_primary} } results($d)), 1, 'after six concurrent switches, exactly one primary');
    api(DELETE => "/timetables/$t3->{id}/", token => $alice->{access});
    api(PATCH => "/timetables/$t1->{id}/", token => $alice->{access}, body => { is_primary => JSON::PP::true() });
}

# concurrent first timetables of a semester: one primary
{
    my $carol = new_user();
    together(5, sub {
        my ($res) = make_tt($carol, '2031-W', 'W' . shift);
        return $res->code;
    });
    my (undef, $d) = api(GET => '/timetables/?semester=2031-W', token => $carol->{access});
    ok t_cmp(scalar(results($d)) . ' ' . scalar(grep { $_->{is_primary} } results($d)), '5 1',
             'five concurrent creations: five timetables, exactly one primary');
}

# concurrent additions of two clashing courses: at most one lands
{
    my (undef, $t) = make_tt($bob, '2031-1', 'race');
    my @got = together(2, sub {
        my $i = shift;
        my ($res) = add($bob, $t->{id}, $i == 1 ? $c{ds}{id} : $c{clash}{id});
        return $res->code;
    });
    my (undef, $d) = get_tt($bob, $t->{id});
    ok t_cmp(join(',', sort @got) . ' ' . scalar(@{ $d->{courses} // [] }), '201,409 1',
             'two clashing courses added at once: one 201, one 409, one course on the timetable');
}

# --- deleting ------------------------------------------------------------------------------------

{
    my $dave = new_user();
    my (undef, $a) = make_tt($dave, '2031-1', 'A');
    my (undef, $b) = make_tt($dave, '2031-1', 'B');
    my (undef, $c) = make_tt($dave, '2031-1', 'C');
    my ($res, $d) = api(DELETE => "/timetables/$a->{id}/", token => $dave->{access});
    ok t_cmp($res->code, 204, 'DELETE /timetables/{id}/: 204');
    ($res, $d) = get_tt($dave, $a->{id});
    ok t_cmp(status_code($res, $d), '404 not_found', 'a deleted timetable reads as 404');
    ($res, $d) = get_tt($dave, $b->{id});
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'primary', 'deleting the primary makes the oldest one left primary');
    ($res, $d) = get_tt($dave, $c->{id});
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'not primary', '... and only that one');
    ($res, $d) = api(DELETE => "/timetables/$c->{id}/", token => $dave->{access});
    ($res, $d) = get_tt($dave, $b->{id});
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'primary', 'deleting a non-primary leaves the primary alone');
    ($res, $d) = api(DELETE => "/timetables/$a->{id}/", token => $dave->{access});
    ok t_cmp(status_code($res, $d), '404 not_found', 'deleting it again: 404');
    ($res, $d) = add($dave, $a->{id}, $c{ds}{id});
    ok t_cmp(status_code($res, $d), '404 not_found', 'adding to a deleted timetable: 404');
    ($res, $d) = api(PATCH => "/timetables/$a->{id}/", token => $dave->{access}, body => { name => 'x' });
    ok t_cmp(status_code($res, $d), '404 not_found', 'renaming a deleted timetable: 404');
    ($res, $d) = api(GET => '/timetables/', token => $dave->{access});
    ok t_cmp(join(',', map { $_->{id} } results($d)), $b->{id}, 'deleted timetables leave the list');
    ($res, $d) = api(DELETE => "/timetables/$b->{id}/", token => $dave->{access});
    ($res, $d) = make_tt($dave, '2031-1', 'D');
    ok t_cmp($d->{is_primary} ? 'primary' : 'not primary', 'primary', 'after deleting them all, a new one is primary again');
    ($res, $d) = api(DELETE => '/timetables/999999999/', token => $dave->{access});
    ok t_cmp(status_code($res, $d), '404 not_found', 'deleting an unknown timetable: 404');
}

# --- /me/courses/ ----------------------------------------------------------------------------

{
    my $erin = new_user();
    my ($res, $d) = api(GET => '/me/courses/', token => $erin->{access});
    ok t_cmp($res->code . ' ' . keys_of($d), '200 next,results,total_credits', 'GET /me/courses/: {"results", "total_credits", "next"}');
    ok t_cmp([ scalar(results($d)), $d->{total_credits}, $d->{next} ], [ 0, 0, undef ], 'a new user: no semesters, 0 credits');

    my (undef, $spring) = make_tt($erin, '2031-1', '봄');
    my (undef, $spring_b) = make_tt($erin, '2031-1', '봄 B');
    my (undef, $fall) = make_tt($erin, '2031-2', '가을');
    my (undef, $summer) = make_tt($erin, '2031-S', '여름');
    add($erin, $spring->{id}, $c{ds}{id});
    add($erin, $spring->{id}, $c{online}{id});
    add($erin, $spring_b->{id}, $c{clash}{id});
    add($erin, $fall->{id}, $c{fall}{id});
    add($erin, $summer->{id}, $c{summer}{id});

    ($res, $d) = api(GET => '/me/courses/', token => $erin->{access});
    ok t_cmp(join(' ', map { "$_->{semester}:$_->{credits}" } results($d)), '2031-1:4 2031-S:2 2031-2:3',
             'credits per semester, in calendar order (1, S, 2), only primary timetables');
    ok t_cmp($d->{total_credits}, 9, 'total_credits over all semesters');
    my ($spring_entry) = results($d);
    ok t_cmp(keys_of($spring_entry), 'courses,credits,semester', 'each entry is {semester, courses, credits}');
    ok t_cmp(join(',', map { $_->{id} } @{ $spring_entry->{courses} // [] }),
             join(',', sort { $a <=> $b } $c{ds}{id}, $c{online}{id}), "the primary's courses, whole Course objects");
    ok t_cmp($spring_entry->{courses}[0]{course_info}{title} // '', $c{ds}{course_info}{title}, '... Korean titles intact');

    api(PATCH => "/timetables/$spring_b->{id}/", token => $erin->{access}, body => { is_primary => JSON::PP::true() });
    ($res, $d) = api(GET => '/me/courses/', token => $erin->{access});
    ok t_cmp(join(' ', map { "$_->{semester}:$_->{credits}" } results($d)) . " total $d->{total_credits}",
             '2031-1:2 2031-S:2 2031-2:3 total 7', 'switching the primary changes the history');
    api(DELETE => "/timetables/$fall->{id}/", token => $erin->{access});
    ($res, $d) = api(GET => '/me/courses/', token => $erin->{access});
    ok t_cmp(join(' ', map { "$_->{semester}:$_->{credits}" } results($d)) . " total $d->{total_credits}",
             '2031-1:2 2031-S:2 total 4', 'a deleted timetable leaves the history');
    ($res, $d) = api(GET => '/me/courses/', token => $bob->{access});
    ok t_cmp(json_has_value($d, $c{summer}{course_info}{title}) ? 'leaked' : 'own only', 'own only',
             "another user's /me/courses/ shows nothing of erin's");
}
