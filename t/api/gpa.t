# t/api/gpa.t: the 학점계산기 per API.md: PUT / DELETE
# /me/courses/{course_id}/grade/ for a course of the caller's primary
# timetables (else 404, for another user and an admin alike), the grades and
# minus grades each scale allows, bad input that changes nothing, grades in
# GET /me/courses/, and GET /me/gpa/ for realistic transcripts on the 4.5
# and 4.3 scales (weights, F, P/NP, ungraded, a semester with nothing graded,
# major, rounding half up), and the demo's student3.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul keys_of verdict results);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 52;

my $admin = admin_login();
my $alice = new_user();                  # 서울대학교: 4.5
my $yuna = new_user(school_id => 2);     # 연세대학교: 4.3
my $bob = new_user();

# --- sections, each at an hour of its own so that none clash ----------------------------

my $tag = substr(uc unique('G'), -9);
my $n = 0;
my @DAYS = qw(MON TUE WED THU FRI);
sub section {
    my ($semester, $credits) = @_;
    my $i = $n++;
    my $hour = sprintf('%02d', 9 + int($i / 5) % 12);
    my ($res, $d) = api(POST => '/courses/', token => $admin->{access}, body => {
        course_info => { code => "$tag$i", title => "과목$i" . hangul(2), credits => $credits,
                         department => '컴퓨터공학부' },
        section => '01', semester => $semester, professor => '김교수', capacity => 50,
        slots => [ { day => $DAYS[ $i % 5 ], start => "$hour:00", end => "$hour:50", room => '공학관' } ] });
    die 'course: ' . $res->content unless $res->code == 201;
    return $d->{id};
}
# A timetable of $who for $semester holding @courses; its id.
sub timetable {
    my ($who, $semester, @courses) = @_;
    my ($res, $t) = api(POST => '/timetables/', token => $who->{access},
                        body => { semester => $semester, name => "시간표 $semester" });
    die 'timetable: ' . $res->content unless $res->code == 201;
    for my $c (@courses) {
        my ($r2) = api(POST => "/timetables/$t->{id}/courses/", token => $who->{access}, body => { course => $c });
        die 'add: ' . $r2->content unless $r2->code == 201;
    }
    return $t->{id};
}
sub put_grade {
    my ($who, $course, $body, %o) = @_;
    return api(PUT => "/me/courses/$course/grade/", token => $who ? $who->{access} : undef,
               (defined $o{raw} ? (raw => $o{raw}, type => 'application/json') : (body => $body)));
}
sub del_grade { my ($who, $course) = @_; return api(DELETE => "/me/courses/$course/grade/", token => $who ? $who->{access} : undef) }
# course id => "grade/major" from GET /me/courses/
sub grades_of {
    my ($who) = @_;
    my (undef, $d) = api(GET => '/me/courses/', token => $who->{access});
    my %g;
    for my $s (results($d)) {
        $g{ $_->{id} } = ($_->{grade} // 'null') . '/' . ($_->{is_major} ? 'major' : '-') for @{ $s->{courses} };
    }
    return \%g;
}
sub fmt { my ($v) = @_; return defined $v ? sprintf('%.2f', $v) : 'null' }
sub sums { my ($o) = @_; return join ' ', fmt($o->{gpa}), fmt($o->{major_gpa}), $o->{credits}, $o->{graded_credits} }

# alice, 4.5: 2032-1 and 2032-2 graded, 2032-S not; one section on a
# timetable that is not primary
my @s1 = map { section('2032-1', $_) } 3, 3, 2, 1;
my @ss = (section('2032-S', 2));
my @s2 = map { section('2032-2', $_) } 3, 3, 1, 3;
my $aside = section('2032-1', 3);
timetable($alice, '2032-1', @s1);
timetable($alice, '2032-S', @ss);
timetable($alice, '2032-2', @s2);
timetable($alice, '2032-1', $aside);    # the second of 2032-1: not primary

# --- PUT ---------------------------------------------------------------------------------

{
    my ($res, $d) = put_grade($alice, $s1[0], { grade => 'A+', is_major => JSON::PP::true });
    ok t_cmp($res->code, 200, 'PUT /me/courses/{id}/grade/: 200');
    ok t_cmp(keys_of($d), 'course,grade,is_major', '{course, grade, is_major}');
    ok t_cmp(join(' ', $d->{course}, $d->{grade}, $d->{is_major} ? 'true' : 'false'), "$s1[0] A+ true", 'the grade as stored');
    ($res, $d) = put_grade($alice, $s1[1], { grade => 'C0' });
    ok t_cmp(($d->{is_major} // '') eq '0' || ($d->{is_major} // 1) == 0 ? 'false' : 'true', 'false', 'is_major absent: false');
    ($res, $d) = put_grade($alice, $s1[1], { grade => 'B+', is_major => JSON::PP::true });
    ok t_cmp($res->code . ' ' . $d->{grade}, '200 B+', 'a second PUT replaces the grade');
    my $g = grades_of($alice);
    ok t_cmp(join(' ', map { $g->{$_} // 'absent' } $s1[0], $s1[1], $s1[2]), 'A+/major B+/major null/-',
             'GET /me/courses/: each course with its grade (null when none) and is_major');
    ok t_cmp(exists $g->{$aside} ? 'listed' : 'not listed', 'not listed', 'a non-primary timetable is not in /me/courses/');
}

# --- who may -------------------------------------------------------------------------

{
    my $before = grades_of($alice);
    my ($res, $d) = put_grade(undef, $s1[0], { grade => 'F' });
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'PUT anonymously: 401');
    ($res, $d) = del_grade(undef, $s1[0]);
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'DELETE anonymously: 401');
    ($res, $d) = api(GET => '/me/gpa/');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'GET /me/gpa/ anonymously: 401');
    ($res, $d) = put_grade($bob, $s1[0], { grade => 'F' });
    ok t_cmp(verdict($res, $d), '404 not_found ', "PUT on another user's course: 404");
    ($res, $d) = del_grade($bob, $s1[0]);
    ok t_cmp(verdict($res, $d), '404 not_found ', "DELETE of another user's grade: 404");
    ($res, $d) = put_grade($admin, $s1[0], { grade => 'F' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an admin has no power over the grades of others: 404');
    ($res, $d) = del_grade($admin, $s1[0]);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'nor to delete them: 404');
    ok t_cmp(join(',', map { "$_=" . grades_of($alice)->{$_} } sort keys %$before),
             join(',', map { "$_=$before->{$_}" } sort keys %$before), "nothing of alice's changed");
}

# --- bad input -----------------------------------------------------------------------

{
    my $before = grades_of($alice);
    my @cases = (
        [ { raw => '{"grade": "A+"' }, '400 parse_error ', 'malformed JSON' ],
        [ { raw => '["A+"]' }, '400 invalid non_field_errors', 'an array, not an object' ],
        [ {}, '400 invalid grade', 'no grade' ],
        [ { grade => 4.5 }, '400 invalid grade', 'a number as grade' ],
        [ { grade => undef }, '400 invalid grade', 'grade null' ],
        [ { grade => 'A' }, '400 invalid grade', 'unknown grade A' ],
        [ { grade => 'a+' }, '400 invalid grade', 'lower case a+' ],
        [ { grade => 'E' }, '400 invalid grade', 'unknown grade E' ],
        [ { grade => 'A+' x 3000 }, '400 invalid grade', 'a grade of 6000 characters' ],
        [ { grade => 'A-' }, '400 invalid grade', 'a minus grade on a 4.5 school' ],
        [ { grade => 'B0', is_major => 'maybe' }, '400 invalid is_major', 'is_major "maybe"' ],
        [ { grade => 'Z', is_major => [] }, '400 invalid grade,is_major', 'both wrong: both named' ],
    );
    for my $c (@cases) {
        my ($body, $want, $name) = @$c;
        my ($res, $d) = put_grade($alice, $s1[2], $body, raw => $body->{raw});
        ok t_cmp(verdict($res, $d), $want, "PUT with $name: $want");
    }
    my ($res, $d) = put_grade($alice, $aside, { grade => 'A0' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'a course on a timetable that is not primary: 404');
    ($res, $d) = put_grade($alice, 999999999, { grade => 'A0' });
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown course id: 404');
    ok t_cmp(join(',', map { "$_=" . grades_of($alice)->{$_} } sort keys %$before),
             join(',', map { "$_=$before->{$_}" } sort keys %$before), 'no bad request changed a grade');
}

# --- DELETE --------------------------------------------------------------------------

{
    put_grade($alice, $s1[3], { grade => 'B0' });
    my ($res, $d) = del_grade($alice, $s1[3]);
    ok t_cmp($res->code, 204, 'DELETE /me/courses/{id}/grade/: 204');
    ok t_cmp(grades_of($alice)->{ $s1[3] }, 'null/-', 'the grade is gone');
    ($res, $d) = del_grade($alice, $s1[3]);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE of no grade: 404');
    ($res, $d) = del_grade($alice, $aside);
    ok t_cmp(verdict($res, $d), '404 not_found ', 'DELETE on a course not on a primary timetable: 404');
}

# --- GET /me/gpa/ on the 4.5 scale ------------------------------------------------------

{
    my ($res, $d) = api(GET => '/me/gpa/', token => $bob->{access});
    ok t_cmp($res->code . ' ' . keys_of($d), '200 credits,gpa,graded_credits,major_gpa,scale,semesters',
             'GET /me/gpa/: {scale, gpa, major_gpa, credits, graded_credits, semesters}');
    ok t_cmp(sums($d) . ' ' . scalar(@{ $d->{semesters} }) . ' ' . $d->{scale}, 'null null 0 0 0 4.5',
             'no course: gpa null, no semesters, the 4.5 scale');

    # 2032-1: A+ 3 major, B+ 3 major, C0 2, P 1; 2032-2: A0 3, F 3 major, NP 1, none 3
    put_grade($alice, $s1[2], { grade => 'C0' });
    put_grade($alice, $s1[3], { grade => 'P' });
    put_grade($alice, $s2[0], { grade => 'A0' });
    put_grade($alice, $s2[1], { grade => 'F', is_major => JSON::PP::true });
    put_grade($alice, $s2[2], { grade => 'NP' });
    ($res, $d) = api(GET => '/me/gpa/', token => $alice->{access});
    my %sem = map { $_->{semester} => $_ } @{ $d->{semesters} };
    ok t_cmp(join(',', map { $_->{semester} } @{ $d->{semesters} }), '2032-1,2032-S,2032-2',
             'semesters in calendar order, summer between');
    ok t_cmp(keys_of($d->{semesters}[0]), 'credits,gpa,graded_credits,major_gpa,semester', 'each {semester, gpa, major_gpa, credits, graded_credits}');
    ok t_cmp(sums($sem{'2032-1'}), '3.50 4.00 9 8',
             '2032-1: (13.5 + 10.5 + 4) / 8 = 3.50, major 24 / 6 = 4.00; P earns its credit outside the GPA');
    ok t_cmp(sums($sem{'2032-S'}), 'null null 0 0', '2032-S: nothing graded, gpa null');
    ok t_cmp(sums($sem{'2032-2'}), '2.00 0.00 3 6',
             '2032-2: (12 + 0) / 6 = 2.00, major only the F: 0.00; F and NP earn nothing, ungraded not counted');
    ok t_cmp(sums($d), '2.86 2.67 12 14', 'overall: 40 / 14 = 2.857 -> 2.86, major 24 / 9 = 2.67');
    ok t_cmp($res->content =~ /"gpa":\s*2\.86[,}]/ ? 'number' : $res->content, 'number', 'the GPA is the JSON number 2.86');
}

# --- the 4.3 scale ------------------------------------------------------------------------

{
    my @y1 = map { section('2033-1', $_) } 3, 3, 3, 3, 3, 3, 2;
    my @y2 = map { section('2033-2', $_) } 3, 3;
    timetable($yuna, '2033-1', @y1);
    timetable($yuna, '2033-2', @y2);
    my @g1 = qw(A+ A+ A+ A+ A+ A0 A0);
    put_grade($yuna, $y1[$_], { grade => $g1[$_] }) for 0 .. $#y1;
    my ($res, $d) = put_grade($yuna, $y2[0], { grade => 'A-' });
    ok t_cmp($res->code . ' ' . $d->{grade}, '200 A-', 'a minus grade on a 4.3 school: 200');
    ($res, $d) = put_grade($yuna, $y2[1], { grade => 'B-', is_major => JSON::PP::true });
    ok t_cmp($res->code . ' ' . $d->{grade}, '200 B-', 'B- too');
    ($res, $d) = put_grade($yuna, $y2[1], { grade => 'X-' });
    ok t_cmp(verdict($res, $d), '400 invalid grade', 'an unknown minus grade on a 4.3 school: 400');
    ($res, $d) = api(GET => '/me/gpa/', token => $yuna->{access});
    my %sem = map { $_->{semester} => $_ } @{ $d->{semesters} };
    ok t_cmp($res->content =~ /"scale":\s*4\.3[,}]/ ? '4.3' : $res->content, '4.3', 'scale 4.3');
    ok t_cmp(sums($sem{'2033-1'}), '4.23 null 20 20',
             '2033-1: 84.5 / 20 = 4.225 rounds half up to 4.23 (a double would give 4.22); no major');
    ok t_cmp(sums($sem{'2033-2'}), '3.20 2.70 6 6', '2033-2: A- 3.7 and B- 2.7: 3.20, major 2.70');
    ok t_cmp(sums($d), '3.99 2.70 26 26', 'overall: 103.7 / 26 = 3.988 -> 3.99');
}

# --- the demo's student3 -------------------------------------------------------------

{
    my ($res, $d) = login('student3', 'everytime123!');
    my $s3 = { access => $d->{token}{access} };
    ok t_cmp($res->code . ' ' . ($d->{user}{school}{gpa_scale} // '-'), '200 4.3', 'demo student3 of a 4.3 school');
    ($res, $d) = api(GET => '/me/gpa/', token => $s3->{access});
    ok t_cmp(join(' | ', map { "$_->{semester} " . sums($_) } @{ $d->{semesters} }) . ' | ' . sums($d),
             '2024-1 3.58 3.67 12 12 | 2024-2 2.10 2.00 8 9 | 2.94 3.00 20 21',
             'the demo transcript of sql/demo_grades.sql');
}
