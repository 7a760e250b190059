# t/api/import_courses.t: build/import-courses against the suite's own
# database (SQLite, PostgreSQL or MariaDB): a good CSV is imported whole and
# served by GET /courses/; running it again imports nothing twice; a file
# with one bad line, or a subject that the database spells otherwise,
# imports nothing and names the line; --check changes nothing; --sql prints
# SQL that the database's own client loads as the importer would have, and
# refuses what no portable literal can hold.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use File::Temp ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape);

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 23;

my $script = Apache::Test::vars('t_dir') . '/../build/import-courses';
my $driver = $ENV{ET_TEST_DBDRIVER} // '';
my $params = $ENV{ET_TEST_DBPARAMS} // '';

# Writes a CSV file; answers its path.
my @keep;
sub csv_file {
    my ($text) = @_;
    my $tmp = File::Temp->new(SUFFIX => '.csv');
    binmode $tmp, ':encoding(UTF-8)';
    print {$tmp} $text;
    close $tmp;
    push @keep, $tmp;
    return $tmp->filename;
}

# Runs the importer; answers (exit status, what it printed).
sub import_courses {
    my (@args) = @_;
    my $pid = open(my $out, '-|') // die "fork: $!";
    if (!$pid) {
        open STDERR, '>&', \*STDOUT or die "dup: $!";
        exec $script, @args or die "exec $script: $!";
    }
    binmode $out, ':encoding(UTF-8)';
    my $text = do { local $/; <$out> } // '';
    close $out;
    return ($? >> 8, $text);
}

# Runs SQL text through the database's command-line client, as build/migrate
# --seed runs sql/demo_courses.sql; answers the client's exit status.
sub load_sql {
    my ($sql) = @_;
    my @cmd;
    local $ENV{MYSQL_PWD};
    if ($driver eq 'sqlite3') {
        @cmd = ('sqlite3', '-batch', '-bail', $params);
    } elsif ($driver eq 'pgsql') {
        @cmd = ('psql', '-X', '-q', '-o', '/dev/null', '-v', 'ON_ERROR_STOP=1', '--single-transaction', $params, '-f', '-');
    } else {
        my %my = (host => '127.0.0.1', port => 3306, user => 'everytime', pass => '', dbname => 'everytime');
        $my{$1} = $2 while $params =~ /(\w+)=(\S*)/g;
        $ENV{MYSQL_PWD} = $my{pass};
        @cmd = ('mariadb', '--no-defaults', '--default-character-set=utf8mb4', '-u', $my{user}, '--protocol=tcp',
                '-h', $my{host}, '-P', $my{port}, $my{dbname});
    }
    open my $in, '|-', @cmd or die "load_sql: $cmd[0]: $!";
    binmode $in, ':encoding(UTF-8)';
    print {$in} $sql;
    close $in;
    return $? >> 8;
}

sub search {
    my ($q) = @_;
    my ($res, $d) = api(GET => '/courses/?limit=100&q=' . query_escape($q));
    return ref $d eq 'HASH' && ref $d->{results} eq 'ARRAY' ? @{ $d->{results} } : ();
}

my $tag = substr(uc unique('I'), -9);
my $ko = hangul(3);
my $header = "code,title,credits,department,semester,section,professor,capacity,slots\n";

# --- a good file ------------------------------------------------------------------------

my $good = csv_file($header
    . qq{${tag}A,"자료구조, 심화$ko",3,컴퓨터공학부,2032-1,01,"김""민수""",60,"MON 09:00-10:15 공학관301;wed 09:00-10:15 공학관 302"\n}
    . qq{${tag}A,"자료구조, 심화$ko",3,컴퓨터공학부,2032-1,02,이서연,40,\n}
    . qq{${tag}B,Back\\slash 'quote' $ko,2,경영학과,2032-S,01,박교수,30,FRI 00:00-24:00\n});
{
    my ($status, $out) = import_courses('--check', $good, $driver, $params);
    ok t_cmp($status, 0, '--check of a good file: exit 0');
    ok t_cmp(scalar(search($tag)), 0, '--check imports nothing');

    ($status, $out) = import_courses($good, $driver, $params);
    ok t_cmp($status, 0, "importing a good file into $driver: exit 0");
    ok t_cmp($out, qr/imported 3 section\(s\) of 2 subject\(s\)/, 'it reports what it imported');
    my @found = search($tag);
    ok t_cmp(join(' ', map { "$_->{course_info}{code}-$_->{section}" } @found),
             "${tag}A-01 ${tag}A-02 ${tag}B-01", 'GET /courses/ serves the three sections');
    ok t_cmp($found[0]{course_info}{title} // '', "자료구조, 심화$ko", 'a quoted title with a comma, Korean intact');
    ok t_cmp($found[0]{professor} // '', '김"민수"', 'doubled quotes read as one');
    ok t_cmp($found[0]{slots}, [ { day => 'MON', start => '09:00', end => '10:15', room => '공학관301' },
                                 { day => 'WED', start => '09:00', end => '10:15', room => '공학관 302' } ],
             'the slots, with a room holding a space');
    ok t_cmp($found[0]{course_info}{id}, $found[1]{course_info}{id}, 'two sections of one code share one subject');
    ok t_cmp($found[1]{slots}, [], 'an empty slots column: a section without meetings');
    ok t_cmp($found[2]{course_info}{title} // '', "Back\\slash 'quote' $ko", 'a backslash and quotes survive the SQL');
    ok t_cmp(join(' ', map { "$_->{day} $_->{start}-$_->{end}" } @{ $found[2]{slots} // [] }), 'FRI 00:00-24:00',
             'a whole-day slot');

    ($status, $out) = import_courses($good, $driver, $params);
    ok t_cmp($status . ' ' . scalar(search($tag)), '0 3', 'importing the same file again: exit 0, still three sections');
    ok t_cmp($out, qr/skipped 3/, '... each existing section reported as skipped');
}

# --- --sql ------------------------------------------------------------------------------------

{
    # stdout alone: the summary goes to stderr
    my $file = csv_file($header . qq{${tag}S,"It's ""SQL"", $ko",3,컴퓨터공학부,2032-1,01,O'Brien,60,TUE 13:00-14:15 N'12\n});
    open my $out, '-|', $script, '--sql', $file or die "$script: $!";
    binmode $out, ':encoding(UTF-8)';
    my $sql = do { local $/; <$out> } // '';
    close $out;
    ok t_cmp($? >> 8, 0, '--sql of a file with quotes: exit 0');
    ok t_cmp(load_sql($sql), 0, "... and the ${driver} client loads the SQL it prints");
    my ($found) = search("${tag}S");
    ok t_cmp(join(' | ', $found ? ($found->{course_info}{title}, $found->{professor}, $found->{slots}[0]{room}) : ()),
             qq{It's "SQL", $ko | O'Brien | N'12}, '... and the quotes arrive as they were written');

    my $slash = csv_file($header . qq{${tag}T,Back\\slash,3,컴퓨터공학부,2032-1,01,김교수,60,\n});
    my ($status, $text) = import_courses('--sql', $slash);
    ok t_cmp("$status " . ($text =~ /\Q$slash\E:2: title: a backslash is not portable SQL/ ? 'named' : $text), '1 named',
             '--sql refuses a backslash, naming the line');
}

# --- bad files ------------------------------------------------------------------------------

{
    my $bad = csv_file($header
        . qq{${tag}C,좋은 줄,3,컴퓨터공학부,2032-1,01,김교수,60,MON 09:00-10:15 A\n}
        . qq{${tag}D,나쁜 줄,3,컴퓨터공학부,2032-1,01,김교수,60,MON 09:00-10:15 A;MON 10:00-11:00 B\n}
        . qq{${tag}E,나쁜 시간,3,컴퓨터공학부,2032-1,01,김교수,60,MON 9:00-10:15 A\n});
    my ($status, $out) = import_courses($bad, $driver, $params);
    ok t_cmp($status, 1, 'a file with bad lines: exit 1');
    ok t_cmp($out, qr/\Q$bad\E:3: slots: slot 1 and slot 2 overlap.*\Q$bad\E:4: slots: '9:00-10:15'/s,
             'each bad line is named as FILE:LINE with what is wrong');
    ok t_cmp(scalar(search("${tag}C")), 0, '... and not even its good line was imported');

    my $clash = csv_file($header . qq{${tag}A,다른 제목,3,컴퓨터공학부,2032-2,01,김교수,60,\n});
    ($status, $out) = import_courses($clash, $driver, $params);
    ok t_cmp($status . ' ' . ($out =~ /:2: code \Q${tag}A\E: the database has it as/ ? 'named' : $out), '1 named',
             'a code the database has with another title: exit 1, the line named');
    my @found = search($tag);
    ok t_cmp(scalar(grep { $_->{semester} eq '2032-2' } @found), 0, '... and nothing imported');
}
