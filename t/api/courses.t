# t/api/courses.t: the course catalogue, per API.md "Courses, timetables,
# reviews": GET /courses/ (search by semester, q, day, department, with
# cursors), POST /courses/ (admin; a section with its subject), GET
# /courses/{id}/, and the demo catalogue that build/migrate --seed loads.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape results keys_of);

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 101;

my $admin = admin_login();
my $user = new_user();

sub status_code { my ($res, $d) = @_; return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-') }
sub error_fields { my ($d) = @_; return ref $d eq 'HASH' && ref $d->{errors} eq 'HASH' ? join(',', sort keys %{ $d->{errors} }) : '-' }

sub create {
    my ($body, $token) = @_;
    return api(POST => '/courses/', body => $body, token => $token // $admin->{access});
}

# GET /courses/ with these query parameters (a list of pairs, in order).
sub search {
    my (@pairs) = @_;
    my @q;
    while (my ($k, $v) = splice(@pairs, 0, 2)) { push @q, "$k=" . query_escape($v) }
    return api(GET => '/courses/' . (@q ? '?' . join('&', @q) : ''));
}
sub ids_of { my ($d) = @_; return join ',', map { $_->{id} } results($d) }

# A unique ASCII tag for codes, and a Korean one for titles and professors.
my $tag = uc unique('C');
$tag = substr($tag, -10);
my $ko = hangul(3);

sub section {
    my (%o) = @_;
    return {
        course_info => { code => $o{code} // "${tag}A", title => $o{title} // "자료구조$ko",
                         credits => $o{credits} // 3, department => $o{department} // '컴퓨터공학부' },
        section => $o{section} // '01', semester => $o{semester} // '2030-1',
        professor => $o{professor} // "김교수$ko", capacity => $o{capacity} // 60,
        slots => $o{slots} // [ { day => 'MON', start => '09:00', end => '10:15', room => '공학관301' },
                                { day => 'WED', start => '09:00', end => '10:15', room => '공학관302' } ],
    };
}

# --- creating a section ------------------------------------------------------------

my $first;
{
    my ($res, $d) = create(section());
    ok t_cmp($res->code, 201, 'POST /courses/ as admin: 201');
    $first = $d;
    ok t_cmp(keys_of($d), 'capacity,course_info,id,professor,section,semester,slots',
             'POST /courses/: a Course {id, course_info, section, semester, professor, slots, capacity}');
    ok t_cmp(keys_of($d->{course_info}), 'code,credits,department,id,title',
             'POST /courses/: course_info is {id, code, title, credits, department}');
    ok t_cmp([ @{ $d->{course_info} }{qw(code title credits department)} ],
             [ "${tag}A", "자료구조$ko", 3, '컴퓨터공학부' ], 'POST /courses/: the subject, Korean intact');
    ok t_cmp([ @$d{qw(section semester professor capacity)} ], [ '01', '2030-1', "김교수$ko", 60 ],
             'POST /courses/: section, semester, professor and capacity echoed');
    ok t_cmp($d->{slots}, [ { day => 'MON', start => '09:00', end => '10:15', room => '공학관301' },
                            { day => 'WED', start => '09:00', end => '10:15', room => '공학관302' } ],
             'POST /courses/: structured slots, a room per day');
    ok t_cmp($res->content =~ /"credits":\s*3[,}]/ && $res->content =~ /"capacity":\s*60[,}]/ ? 'numbers' : 'strings',
             'numbers', 'POST /courses/: credits and capacity are JSON numbers');

    my ($r2, $g) = api(GET => "/courses/$d->{id}/");
    ok t_cmp($r2->code, 200, 'GET /courses/{id}/ anonymously: 200');
    ok t_cmp($g, $d, 'GET /courses/{id}/: the same Course as created');
    ($r2, $g) = api(GET => "/courses/$d->{id}/", token => $user->{access});
    ok t_cmp($r2->code, 200, 'GET /courses/{id}/ as a user: 200');
    ($r2, $g) = api(GET => '/courses/999999999/');
    ok t_cmp(status_code($r2, $g), '404 not_found', 'GET /courses/{unknown}/: 404 not_found');
}

# the subject is made once and reused; a code names one subject
{
    my ($res, $d) = create(section(section => '02', slots => [ { day => 'tue', start => '13:00', end => '14:15' } ]));
    ok t_cmp($res->code, 201, 'POST /courses/ with a known code, same subject: 201');
    ok t_cmp($d->{course_info}{id}, $first->{course_info}{id}, 'POST /courses/: the existing subject is reused');
    ok t_cmp($d->{slots}, [ { day => 'TUE', start => '13:00', end => '14:15', room => '' } ],
             'POST /courses/: a lower-case day is accepted and answered in capitals; room defaults to ""');

    my $body = section(section => '03', slots => []);
    delete $body->{course_info};
    $body->{course_info_id} = $first->{course_info}{id};
    ($res, $d) = create($body);
    ok t_cmp($res->code . ' ' . ($d->{course_info}{id} // '-'), "201 $first->{course_info}{id}",
             'POST /courses/ with course_info_id: 201 on that subject');
    ok t_cmp($d->{slots}, [], 'POST /courses/ with no slots: a section without meetings');

    ($res, $d) = create(section(section => '04', title => "다른제목$ko"));
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /courses/: a known code with another title is 409');
    ok t_cmp($d->{detail} // '', qr/\Q${tag}A\E.*자료구조/, 'the 409 names the code and the stored title');
    ($res, $d) = create(section(section => '04', credits => 2));
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /courses/: a known code with other credits is 409');
    ($res, $d) = create(section(section => '04', department => '경영학과'));
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /courses/: a known code with another department is 409');

    ($res, $d) = create(section());
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /courses/: the same (subject, semester, section) again is 409');
    ($res, $d) = create(section(semester => '2030-2'));
    ok t_cmp($res->code, 201, 'POST /courses/: the same section number in another semester is a new section');

    my (undef, $l) = search(q => "${tag}A", limit => 100);
    ok t_cmp(scalar(results($l)), 4, 'the refused creations left no section behind');
}

# slots: overlap within a section is 400, touching ends are fine
{
    my ($res, $d) = create(section(code => "${tag}B", slots => [
        { day => 'MON', start => '09:00', end => '10:15' }, { day => 'MON', start => '10:00', end => '11:00' } ]));
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid slots',
             'POST /courses/ whose own slots overlap: 400 naming slots');
    ok t_cmp($d->{errors}{slots}[0] // '', qr/1.*2.*MON 09:00-10:15.*MON 10:00-11:00/,
             'the 400 names the two slots');
    my (undef, $l) = search(q => "${tag}B");
    ok t_cmp(scalar(results($l)), 0, '... and neither the subject nor the section was made');

    ($res, $d) = create(section(code => "${tag}B", slots => [
        { day => 'MON', start => '09:00', end => '10:15' }, { day => 'MON', start => '10:15', end => '11:30' },
        { day => 'FRI', start => '00:00', end => '24:00', room => '온라인' } ]));
    ok t_cmp($res->code, 201, 'POST /courses/ with touching slots and a 00:00-24:00 slot: 201');
    ok t_cmp(join(' ', map { "$_->{day} $_->{start}-$_->{end}" } @{ $d->{slots} // [] }),
             'MON 09:00-10:15 MON 10:15-11:30 FRI 00:00-24:00', 'the slots, ordered by day and start');
}

# --- who may create ------------------------------------------------------------------

{
    my $body = section(code => "${tag}Z");
    my ($res, $d) = create($body, '');
    ok t_cmp(status_code($res, $d), '401 not_authenticated', 'POST /courses/ anonymously: 401');
    ($res, $d) = create($body, $user->{access});
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'POST /courses/ as a normal user: 403');
    ($res, $d) = create($body, 'garbage.token.value');
    ok t_cmp(status_code($res, $d), '401 token_not_valid', 'POST /courses/ with a garbage token: 401');
    my (undef, $l) = search(q => "${tag}Z");
    ok t_cmp(scalar(results($l)), 0, 'refused creations made nothing');
}

# --- bad input -----------------------------------------------------------------------

{
    my $code = "${tag}X";
    my @cases = (
        [ 'no course_info', sub { delete $_[0]{course_info} }, 'course_info' ],
        [ 'course_info null', sub { $_[0]{course_info} = undef }, 'course_info' ],
        [ 'course_info a string', sub { $_[0]{course_info} = 'CS101' }, 'course_info' ],
        [ 'course_info without code', sub { delete $_[0]{course_info}{code} }, 'course_info' ],
        [ 'credits not a number', sub { $_[0]{course_info}{credits} = 'three' }, 'course_info' ],
        [ 'credits 31', sub { $_[0]{course_info}{credits} = 31 }, 'course_info' ],
        [ 'a 21-character code', sub { $_[0]{course_info}{code} = 'C' x 21 }, 'course_info' ],
        [ 'both course_info and course_info_id', sub { $_[0]{course_info_id} = $first->{course_info}{id} }, 'non_field_errors' ],
        [ 'an unknown course_info_id', sub { delete $_[0]{course_info}; $_[0]{course_info_id} = 999999999 }, 'course_info_id' ],
        [ 'course_info_id a word', sub { delete $_[0]{course_info}; $_[0]{course_info_id} = 'one' }, 'course_info_id' ],
        [ 'no section', sub { delete $_[0]{section} }, 'section' ],
        [ 'a blank section', sub { $_[0]{section} = '  ' }, 'section' ],
        [ 'semester 2030-3', sub { $_[0]{semester} = '2030-3' }, 'semester' ],
        [ 'semester 2030 1', sub { $_[0]{semester} = '2030 1' }, 'semester' ],
        [ 'semester a number', sub { $_[0]{semester} = 20301 }, 'semester' ],
        [ 'no professor', sub { delete $_[0]{professor} }, 'professor' ],
        [ 'capacity -1', sub { $_[0]{capacity} = -1 }, 'capacity' ],
        [ 'capacity a list', sub { $_[0]{capacity} = [60] }, 'capacity' ],
        [ 'no slots', sub { delete $_[0]{slots} }, 'slots' ],
        [ 'slots an object', sub { $_[0]{slots} = { day => 'MON' } }, 'slots' ],
        [ 'a slot that is a string', sub { $_[0]{slots} = [ 'MON 09:00-10:15' ] }, 'slots' ],
        [ 'day XYZ', sub { $_[0]{slots}[0]{day} = 'XYZ' }, 'slots' ],
        [ 'day 월', sub { $_[0]{slots}[0]{day} = '월' }, 'slots' ],
        [ 'start 9:00', sub { $_[0]{slots}[0]{start} = '9:00' }, 'slots' ],
        [ 'end 24:01', sub { $_[0]{slots}[0]{end} = '24:01' }, 'slots' ],
        [ 'end 12:60', sub { $_[0]{slots}[0]{end} = '12:60' }, 'slots' ],
        [ 'start ab:cd', sub { $_[0]{slots}[0]{start} = 'ab:cd' }, 'slots' ],
        [ 'start after end', sub { $_[0]{slots}[0]{start} = '11:00' }, 'slots' ],
        [ 'start equal to end', sub { $_[0]{slots}[0]{start} = '10:15' }, 'slots' ],
        [ 'start a number', sub { $_[0]{slots}[0]{start} = 900 }, 'slots' ],
        [ 'a 51-character room', sub { $_[0]{slots}[0]{room} = 'r' x 51 }, 'slots' ],
        [ '21 slots', sub { $_[0]{slots} = [ map { { day => 'MON', start => sprintf('%02d:00', $_), end => sprintf('%02d:30', $_) } } 0 .. 20 ] }, 'slots' ],
    );
    for my $c (@cases) {
        my ($what, $change, $field) = @$c;
        my $body = section(code => $code);
        $change->($body);
        my ($res, $d) = create($body);
        ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), "400 invalid $field",
                 "POST /courses/ with $what: 400 naming $field");
    }

    # nested errors keep DRF's shape
    my $body = section(code => $code);
    $body->{slots}[1]{day} = 'XYZ';
    my ($res, $d) = create($body);
    ok t_cmp(ref $d->{errors}{slots} eq 'ARRAY' ? scalar(@{ $d->{errors}{slots} }) . ' ' . keys_of($d->{errors}{slots}[0]) . ' ' . keys_of($d->{errors}{slots}[1]) : '-',
             '2  day', 'slot errors are a list with one object per slot: {} for the good one');
    $body = section(code => $code);
    delete $body->{course_info}{title};
    ($res, $d) = create($body);
    ok t_cmp(keys_of($d->{errors}{course_info}), 'title', 'course_info errors nest by field');

    ($res, $d) = api(POST => '/courses/', raw => '{"section": "01",', type => 'application/json',
                     token => $admin->{access});
    ok t_cmp(status_code($res, $d), '400 parse_error', 'POST /courses/ with malformed JSON: 400 parse_error');
    ($res, $d) = api(POST => '/courses/', raw => '[1, 2]', type => 'application/json', token => $admin->{access});
    ok t_cmp(status_code($res, $d), '400 invalid', 'POST /courses/ with a JSON list: 400');
    ($res, $d) = api(POST => '/courses/', raw => 'section=01', type => 'application/x-www-form-urlencoded',
                     token => $admin->{access});
    ok t_cmp($res->code, 415, 'POST /courses/ with a form body: 415');
    $body = section(code => $code);
    $body->{course_info}{title} = 'x' x 70000;
    ($res, $d) = create($body);
    ok t_cmp(status_code($res, $d), '413 payload_too_large', 'POST /courses/ with an oversized body: 413');

    my (undef, $l) = search(q => $code);
    ok t_cmp(scalar(results($l)), 0, 'no bad request made a section or a subject');
}

# --- searching ---------------------------------------------------------------------

# Six sections of three subjects over two semesters, each findable by $stag.
my $stag = substr(uc unique('S'), -10);
my $sko = hangul(3);
my %made;
{
    my @defs = (
        [ k1 => code => "${stag}1", title => "운영체제$sko", professor => '이순신', department => "전자공학부$sko",
          semester => '2030-1', section => '01', slots => [ { day => 'MON', start => '09:00', end => '10:30' } ] ],
        [ k2 => code => "${stag}1", title => "운영체제$sko", professor => '강감찬', department => "전자공학부$sko",
          semester => '2030-1', section => '02', slots => [ { day => 'TUE', start => '09:00', end => '10:30' },
                                                            { day => 'THU', start => '09:00', end => '10:30' } ] ],
        [ k3 => code => "${stag}2", title => "Database Systems $sko", professor => "홍길동$sko", department => "경영학과$sko",
          semester => '2030-1', section => '01', slots => [ { day => 'MON', start => '13:00', end => '14:30' } ] ],
        [ k4 => code => "${stag}2", title => "Database Systems $sko", professor => 'Kim', department => "경영학과$sko",
          semester => '2030-2', section => '01', slots => [ { day => 'FRI', start => '13:00', end => '14:30' } ] ],
        [ k5 => code => "${stag}3", title => "선형대수$sko", professor => '이순신', department => "전자공학부$sko",
          semester => '2030-2', section => '01', slots => [] ],
        [ k6 => code => "${stag}3", title => "선형대수$sko", professor => '을지문덕', department => "전자공학부$sko",
          semester => '2030-2', section => '02', slots => [ { day => 'MON', start => '18:00', end => '21:00' } ] ],
    );
    my $ok = 0;
    for my $def (@defs) {
        my ($key, %o) = @$def;
        my ($res, $d) = create(section(%o));
        $ok++ if $res->code == 201;
        $made{$key} = $d->{id} // 0;
    }
    ok t_cmp($ok, 6, 'six sections to search made');
}
sub made { return join ',', map { $made{$_} } @_ }

{
    my ($res, $d) = search(q => $stag);
    ok t_cmp($res->code, 200, 'GET /courses/ anonymously: 200');
    ok t_cmp(keys_of($d), 'next,results', 'GET /courses/: {"results", "next"}');
    ok t_cmp(ids_of($d), made(qw(k1 k2 k3 k4 k5 k6)), '?q=<code prefix>: all six, by id');
    ok t_cmp(ref $d->{results}[1] eq 'HASH' ? scalar(@{ $d->{results}[1]{slots} }) : -1, 2,
             'a listed section carries all its slots');
    ($res, $d) = search(q => lc "${stag}2");
    ok t_cmp(ids_of($d), made(qw(k3 k4)), '?q= matches the code case-insensitively');
    ($res, $d) = search(q => "운영체제$sko");
    ok t_cmp(ids_of($d), made(qw(k1 k2)), '?q= matches a Korean title');
    ($res, $d) = search(q => "database systems $sko");
    ok t_cmp(ids_of($d), made(qw(k3 k4)), '?q= matches an English title case-insensitively');
    ($res, $d) = search(q => "홍길동$sko");
    ok t_cmp(ids_of($d), made(qw(k3)), '?q= matches a Korean professor');
    ($res, $d) = search(q => $sko, semester => '2030-2');
    ok t_cmp(ids_of($d), made(qw(k4 k5 k6)), '?semester= keeps that semester only');
    ($res, $d) = search(q => $stag, day => 'MON');
    ok t_cmp(ids_of($d), made(qw(k1 k3 k6)), '?day=MON: sections with any slot on Monday');
    ($res, $d) = search(q => $stag, day => 'thu');
    ok t_cmp(ids_of($d), made(qw(k2)), '?day=thu: a second slot counts, any letter case');
    ($res, $d) = search(q => $stag, day => 'SUN');
    ok t_cmp(ids_of($d), '', '?day=SUN: none');
    ($res, $d) = search(department => "전자공학부$sko");
    ok t_cmp(ids_of($d), made(qw(k1 k2 k5 k6)), '?department= (Korean): that department only');
    ($res, $d) = search(department => "전자공학부$sko", semester => '2030-2', day => 'MON', q => '을지');
    ok t_cmp(ids_of($d), made(qw(k6)), 'all four filters together');
    ($res, $d) = search(q => "${stag}%");
    ok t_cmp(ids_of($d), '', '?q= treats % literally');
    ($res, $d) = search(q => $stag, semester => '', day => '', department => '');
    ok t_cmp(ids_of($d), made(qw(k1 k2 k3 k4 k5 k6)), 'empty filters are ignored');

    # pages of two, by cursor
    my (@seen, $next, $pages);
    my @query = (q => $stag, limit => 2);
    do {
        ($res, $d) = search(@query, defined $next ? (cursor => $next) : ());
        push @seen, map { $_->{id} } results($d);
        $next = $d->{next};
        $pages++;
    } while (defined $next && $pages < 10 && $res->code == 200);
    ok t_cmp(join(',', @seen) . " in $pages", made(qw(k1 k2 k3 k4 k5 k6)) . ' in 3',
             '?limit=2: three pages by cursor, each section once, in order');

    ($res, $d) = search(q => $stag, cursor => 'garbage');
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid cursor', 'a garbage cursor: 400');
    ($res, $d) = search(limit => 0);
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid limit', '?limit=0: 400');
    ($res, $d) = search(q => $stag, limit => 101);
    ok t_cmp($res->code . ' ' . ids_of($d), '200 ' . made(qw(k1 k2 k3 k4 k5 k6)),
             '?limit=101: read as 100 (t/api/pagination.t covers the clamp)');
    ($res, $d) = search(semester => '2030');
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid semester', '?semester=2030: 400');
    ($res, $d) = search(day => 'MONDAY');
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid day', '?day=MONDAY: 400');
    ($res, $d) = search(q => 'x' x 101);
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid q', 'a 101-character ?q=: 400');
    ($res, $d) = api(GET => '/courses/?q=%FF%FE');
    ok t_cmp(status_code($res, $d) . ' ' . error_fields($d), '400 invalid q', '?q= that is not UTF-8: 400');
}

# --- the demo catalogue ------------------------------------------------------------

{
    my ($res, $d) = search(semester => '2024-1', limit => 100);
    ok t_cmp(scalar(results($d)), 100, 'the demo catalogue has a full page of 2024-1 sections');
    ok t_cmp((grep { $_->{semester} ne '2024-1' } results($d)) ? 'stray' : 'all 2024-1', 'all 2024-1',
             '... all of 2024-1');
    ($res, $d) = search(semester => '2024-2', department => '컴퓨터공학부', limit => 100);
    ok t_cmp(scalar(results($d)) > 0 ? 'some' : 'none', 'some', 'the demo catalogue has 컴퓨터공학부 sections in 2024-2');
    my $count = 0;
    for my $semester ('2024-1', '2024-2') {
        my $next;
        my $guard = 0;
        do {
            ($res, $d) = search(semester => $semester, limit => 100, defined $next ? (cursor => $next) : ());
            $count += scalar(results($d));
            $next = $d->{next};
        } while (defined $next && ++$guard < 20);
    }
    ok t_cmp($count >= 280 && $count <= 340 ? 'about 300' : $count, 'about 300',
             'the demo catalogue holds about 300 sections over 2024-1 and 2024-2');
    ($res, $d) = search(q => '자료구조', semester => '2024-1');
    ok t_cmp(scalar(results($d)) > 0 ? 'found' : 'none', 'found', 'demo subjects are found by Korean title');
}
