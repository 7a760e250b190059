# t/api/popular.t: 실시간 인기 글 (GET /posts/popular/) and BEST
# (GET /posts/best/) per API.md "Popular and BEST": the score's order with
# posts of controlled age and counts (set through the suite's database),
# the 48-hour window, ?school=, at most 20; BEST's periods, its order (likes,
# then newest), its cursor pages; deleted posts and posts without likes left
# out; bad query parameters.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul results keys_of verdict new_post db_query);
use JSON::PP ();
use Time::HiRes ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 42;

my $admin = admin_login();
my $writer = new_user();
my $reader = new_user();

# A school of our own with one board, so that other tests' posts stay out.
sub school_with_board {
    my ($res, $s) = api(POST => '/schools/', token => $admin->{access},
                        body => { name => 'Popular ' . unique('s') . hangul(3) });
    die 'school: ' . $res->content unless $res->code == 201;
    my ($r2, $b) = api(POST => '/boards/', token => $writer->{access},
                       body => { school => $s->{id}, category => 'free', name => '인기' . hangul(3) });
    die 'board: ' . $r2->content unless $r2->code == 201;
    return ($s->{id}, $b->{id});
}

my $HOUR = 3600 * 1_000_000;
my $DAY = 24 * $HOUR;
sub now_us { return int(Time::HiRes::time() * 1e6) }

# Posts on $board, oldest id first, each [name, likes, comments, age in
# microseconds, deleted?]: made through the API, then given their counters
# and age in one go through the database.
sub posts_of {
    my ($board, @specs) = @_;
    my (%id, @sql);
    my $now = now_us();
    for my $s (@specs) {
        my ($name, $likes, $comments, $age, $deleted) = @$s;
        my $p = new_post($writer, board => $board, title => "$name " . hangul(2));
        $id{$name} = $p->{id};
        push @sql, sprintf('UPDATE posts SET like_count = %d, comment_count = %d, created_at = %d, '
                           . 'is_deleted = %d WHERE id = %d', $likes, $comments, $now - $age,
                           $deleted ? 1 : 0, $p->{id});
    }
    db_query(join(";\n", @sql) . ';');
    return %id;
}

sub names_of {
    my ($ids, $d) = @_;
    my %name = reverse %$ids;
    return join ' ', map { $name{ $_->{id} } // "other:$_->{id}" } results($d);
}

# --- popular: the score ------------------------------------------------------------------

my ($school1, $board1) = school_with_board();
my ($school2, $board2) = school_with_board();
# score = (2 likes + comments) / (hours + 2)^1.5:
#   fresh 16/2^1.5 = 5.66, hour 20/3^1.5 = 3.85, old 100/42^1.5 = 0.367,
#   mid 15/12^1.5 = 0.361, twin_a = twin_b 2/7^1.5 = 0.108, zero 0
my %p = posts_of($board1,
    [ old => 50, 0, 40 * $HOUR ],
    [ outside => 100, 0, 49 * $HOUR ],
    [ mid => 5, 5, 10 * $HOUR ],
    [ twin_a => 1, 0, 5 * $HOUR ],
    [ twin_b => 1, 0, 5 * $HOUR ],
    [ hour => 10, 0, 1 * $HOUR ],
    [ zero => 0, 0, 2 * $HOUR ],
    [ deleted => 90, 90, 1 * $HOUR, 1 ],
    [ future => 90, 90, -1 * $HOUR ],
    [ fresh => 3, 10, 0 ],
);
{
    my ($res, $d) = api(GET => "/posts/popular/?school=$school1");
    ok t_cmp($res->code, 200, 'GET /posts/popular/ anonymously: 200');
    ok t_cmp(keys_of($d), 'next,results', '{"results", "next"}');
    ok t_cmp(names_of(\%p, $d), 'fresh hour old mid twin_b twin_a zero',
             'by score, highest first: neither by likes nor by age; equal scores newest first');
    ok t_cmp(defined $d->{next} ? 'set' : 'null', 'null', 'next is null');
    my ($first) = results($d);
    ok t_cmp(keys_of($first),
             'author,board,comment_count,content,created_at,hot_at,id,is_anonymous,is_liked,is_mine,'
             . 'is_question,is_scrapped,like_count,media,scrap_count,title,updated_at',
             'each result is a Post');
    ok t_cmp(join(' ', @{$first}{qw(like_count comment_count)}), '3 10', 'the Post carries its counters');

    ($res, $d) = api(GET => "/posts/popular/?school=$school1", token => $writer->{access});
    ok t_cmp(join(',', map { $_->{is_mine} ? 1 : 0 } results($d)), '1,1,1,1,1,1,1',
             'signed in: is_mine for the writer');
    ($res, $d) = api(GET => "/posts/popular/?school=$school2");
    ok t_cmp($res->code . ' [' . names_of(\%p, $d) . ']', '200 []', "?school= another school's: none of these");

    ($res, $d) = api(GET => '/posts/popular/');
    my @all = map { $_->{id} } results($d);
    ok t_cmp(scalar(@all) <= 20 ? 'at most 20' : scalar(@all), 'at most 20', 'without ?school=: at most 20');
    my %pos;
    @pos{@all} = (0 .. $#all);
    ok t_cmp(defined $pos{ $p{fresh} } && defined $pos{ $p{hour} } && $pos{ $p{fresh} } < $pos{ $p{hour} }
             ? 'ordered' : 'missing', 'ordered', 'without ?school=: every school, fresh before hour');
    ok t_cmp(join(',', grep { defined $pos{ $p{$_} } } qw(outside deleted future)), '',
             'never: older than 48 hours, deleted, created after now');
}

# moving a post's age or counters moves it: the order is computed, not stored
{
    db_query(sprintf('UPDATE posts SET created_at = %d WHERE id = %d', now_us() - 47 * $HOUR, $p{outside}));
    my ($res, $d) = api(GET => "/posts/popular/?school=$school1");
    ok t_cmp(names_of(\%p, $d), 'fresh hour outside old mid twin_b twin_a zero',
             '47 hours old with 100 likes (200/49^1.5 = 0.58): back in the window, third');
    db_query(sprintf('UPDATE posts SET like_count = 0, comment_count = 40 WHERE id = %d', $p{zero}));
    ($res, $d) = api(GET => "/posts/popular/?school=$school1");
    ok t_cmp(names_of(\%p, $d), 'fresh zero hour outside old mid twin_b twin_a',
             '40 comments, 2 hours old: 40/4^1.5 = 5.0, between fresh and hour');
}

# at most 20
{
    my ($school3, $board3) = school_with_board();
    my %many = posts_of($board3, map { [ "m$_" => $_, 0, $HOUR ] } 1 .. 22);
    my ($res, $d) = api(GET => "/posts/popular/?school=$school3");
    my @got = split ' ', names_of(\%many, $d);
    ok t_cmp(scalar(@got) . ' ' . $got[0] . ' ' . $got[-1], '20 m22 m3', '22 posts: the best 20, m22 first');
}

# bad input
for my $q ('school=abc', 'school=0', 'school=-1', 'school=1.5', 'school=') {
    my ($res, $d) = api(GET => "/posts/popular/?$q");
    ok t_cmp(verdict($res, $d), '400 invalid school', "GET /posts/popular/?$q: 400 naming school");
}

# --- popular through the cache ----------------------------------------------------------
# The main server ranks on every request (EverytimePopularCacheSeconds 0, so the
# tests above see each change at once); et_popular_cache keeps each process's
# ranking for 2 s. Processes rank on their own, so what one answers depends on
# when that process last ranked: pid_log says which process answered.

my $pid_log = Apache::Test::vars('t_logs') . '/pid_log';
# The pid that answered the request whose line holds $tag (its log line may
# come a little after the answer).
sub pid_of {
    my ($tag) = @_;
    for my $try (1 .. 50) {
        if (open my $fh, '<', $pid_log) {
            while (my $line = <$fh>) {
                return $1 if index($line, $tag) >= 0 && $line =~ /^(\d+) /;
            }
            close $fh;
        }
        Time::HiRes::sleep(0.1);
    }
    die "no pid_log line for $tag";
}

# the different answers among these, sorted, joined by commas
sub distinct {
    my %seen;
    return join ',', sort grep { !$seen{$_}++ } @_;
}

{
    my $TTL = 2;
    my ($school5, $board5) = school_with_board();
    # first and second the same age: one more like on second ties their scores, and
    # the tie goes to the newer, second
    my %c = posts_of($board5, [ first => 3, 0, $HOUR ], [ second => 2, 0, $HOUR ],
                     [ gone => 1, 0, $HOUR ]);
    # [answer's names, tag, time sent, time answered, second's like_count and is_liked]
    my $get = sub {
        my $tag = unique('pc');
        my $sent = Time::HiRes::time();
        my ($res, $d) = api(GET => "/posts/popular/?school=$school5&tag=$tag", vhost => 'et_popular_cache',
                            token => $reader->{access});
        my ($sec) = grep { $_->{id} == $c{second} } results($d);
        return [ $res->code . ' ' . names_of(\%c, $d), $tag, $sent, Time::HiRes::time(),
                 $sec ? "$sec->{like_count} " . ($sec->{is_liked} ? 'liked' : 'not liked') : 'absent' ];
    };
    # each process that answers ranks once; its ranking lasts until at least $TTL
    # after the first of these requests it answered was sent
    my @warm = map { $get->() } 1 .. 6;
    my ($res, $d) = api(POST => "/posts/$c{second}/like/", token => $reader->{access});
    die 'like: ' . $res->content unless $res->code =~ /^20/;
    my @after = map { $get->() } 1 .. 6;
    ok t_cmp(distinct(map { $_->[0] } @warm), '200 first second gone',
             'et_popular_cache: GET /posts/popular/ ranks as without the cache');
    my %since;
    for my $w (@warm) {
        my $pid = pid_of($w->[1]);
        $since{$pid} = $w->[2] if !defined $since{$pid} || $w->[2] < $since{$pid};
    }
    # answered before the ranking of their process could expire: the old order, with
    # the post itself (its counter, the caller's like) read again
    my @held = grep { my $s = $since{ pid_of($_->[1]) }; defined $s && $_->[3] < $s + $TTL - 0.1 } @after;
    ok t_cmp(scalar(@held) > 0 ? 'some' : 'none', 'some',
             'a like that ties second with first: some answers came within the ranking\'s 2 s');
    ok t_cmp(distinct(map { "$_->[0] ($_->[4])" } @held),
             '200 first second gone (3 liked)',
             'within the 2 s: the ranking held (first still first), second\'s 3 likes and is_liked current');

    ($res, $d) = api(DELETE => "/posts/$c{gone}/", token => $writer->{access});
    die 'delete: ' . $res->content unless $res->code =~ /^20/;
    my @deleted = map { $get->() } 1 .. 4;
    ok t_cmp(join(',', grep { /gone/ } map { $_->[0] } @deleted), '', 'a deleted post leaves the cached list at once');

    Time::HiRes::sleep($TTL + 0.3);
    my @later = map { $get->() } 1 .. 4;
    ok t_cmp(distinct(map { $_->[0] } @later), '200 second first',
             'after the 2 s: every process ranks again, second (the newer of two equal scores) first');
}

# --- BEST -------------------------------------------------------------------------------

my ($school4, $board4) = school_with_board();
my %b = posts_of($board4,
    [ b3_all => 9, 0, 400 * $DAY ],
    [ b1_year => 7, 0, 300 * $DAY ],
    [ b2_month => 2, 0, 20 * $DAY ],
    [ b4_week => 3, 0, 3 * $DAY ],
    [ b8_week => 1, 0, 6 * $DAY ],
    [ b5_week => 3, 0, 1 * $DAY ],
    [ no_likes => 0, 5, 1 * $DAY ],
    [ deleted => 8, 0, 2 * $DAY, 1 ],
);
sub best { my ($q) = @_; return api(GET => "/posts/best/?school=$school4$q") }
{
    my ($res, $d) = best('');
    ok t_cmp($res->code, 200, 'GET /posts/best/ anonymously: 200');
    ok t_cmp(names_of(\%b, $d), 'b5_week b4_week b8_week',
             'default period week: most liked first, equal likes newest first');
    ($res, $d) = best('&period=week');
    ok t_cmp(names_of(\%b, $d), 'b5_week b4_week b8_week', 'period=week');
    ($res, $d) = best('&period=month');
    ok t_cmp(names_of(\%b, $d), 'b5_week b4_week b2_month b8_week', 'period=month (30 days)');
    ($res, $d) = best('&period=year');
    ok t_cmp(names_of(\%b, $d), 'b1_year b5_week b4_week b2_month b8_week', 'period=year (365 days)');
    ($res, $d) = best('&period=all');
    ok t_cmp(names_of(\%b, $d), 'b3_all b1_year b5_week b4_week b2_month b8_week',
             'period=all; never a post without likes, never a deleted one');
    ok t_cmp(defined $d->{next} ? 'set' : 'null', 'null', 'one page: next is null');
    ($res, $d) = api(GET => "/posts/best/?school=$school1&period=week");
    ok t_cmp(join(' ', map { $_->{like_count} } results($d)), '100 50 10 5 3 1 1',
             "another school's: its own posts, by likes");
}

# cursor pages
{
    my @pages;
    my ($res, $d) = best('&period=all&limit=2');
    push @pages, names_of(\%b, $d);
    my $first_next = $d->{next};
    while (defined $d->{next} && @pages < 5) {
        ($res, $d) = best('&period=all&limit=2&cursor=' . $d->{next});
        push @pages, names_of(\%b, $d) . ($res->code == 200 ? '' : " ($res->code)");
    }
    ok t_cmp(join(' | ', @pages), 'b3_all b1_year | b5_week b4_week | b2_month b8_week',
             'limit=2: three pages by (like_count, id), the last with next null');
    ($res, $d) = best('&period=week&limit=2&cursor=' . $first_next);
    ok t_cmp(verdict($res, $d), '400 invalid cursor', "a cursor of period=all refused by period=week");
    ($res, $d) = api(GET => '/posts/hot/?cursor=' . $first_next);
    ok t_cmp(verdict($res, $d), '400 invalid cursor', "BEST's cursor refused by another list");
    # a like added between pages moves nothing already shown
    ($res, $d) = best('&period=all&limit=3');
    db_query(sprintf('UPDATE posts SET like_count = 10 WHERE id = %d', $b{b8_week}));
    ($res, $d) = best('&period=all&limit=3&cursor=' . $d->{next});
    ok t_cmp(names_of(\%b, $d), 'b4_week b2_month', 'the next page continues after the cursor');
    db_query(sprintf('UPDATE posts SET like_count = 1 WHERE id = %d', $b{b8_week}));
}

# bad input
for my $case ([ 'period=day', 'period' ], [ 'period=WEEK', 'period' ], [ 'period=', 'period' ],
              [ 'limit=0', 'limit' ], [ 'cursor=garbage', 'cursor' ], [ 'school=x&period=decade', 'period,school' ]) {
    my ($res, $d) = api(GET => "/posts/best/?$case->[0]");
    ok t_cmp(verdict($res, $d), "400 invalid $case->[1]", "GET /posts/best/?$case->[0]: 400 naming $case->[1]");
}
