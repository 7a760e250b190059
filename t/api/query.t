# t/api/query.t: query strings are application/x-www-form-urlencoded (API.md
# "Conventions"): '+' is a space in every search filter, as URLSearchParams,
# axios and Python requests send it; %2B is a plus; a '%' without two hex
# digits stays as it is (WHATWG, Django); a NUL in a parameter is 400 invalid
# naming it, never a filter cut short.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape verdict results);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 39;

my $admin = admin_login();
my $alice = new_user();

sub ids { return join ',', map { $_->{id} } results(@_) }
sub course_ids { return join ',', sort map { $_->{id} } results(@_) }

# "STATUS CODE field,field" of an answer.
# Words as a browser's URLSearchParams joins them: each escaped, '+' between.
sub plus { return join '+', map { query_escape($_) } @_ }
# The same words with %20, the spelling that always worked.
sub pct20 { return join '%20', map { query_escape($_) } @_ }

sub created {
    my ($what, $res, $d) = @_;
    die "$what: " . $res->code . ' ' . $res->content . "\n" unless $res->code == 201;
    return $d;
}

# A board, a post in it, a school and a course, each named with spaces.
my $tag = lc unique('q');    # ASCII, unique to this run
my $word = hangul(3);
my $board_name = "검색 게시판 $word";
my $board = created('board', api(POST => '/boards/', token => $alice->{access},
                                 body => { school => 1, category => 'free', name => $board_name }));
my $post = created('post', api(POST => '/posts/', token => $alice->{access},
                               body => { board => $board->{id}, title => "제목 $tag", content => "본문 첫 줄 $word $tag" }));
my $plus_post = created('post', api(POST => '/posts/', token => $alice->{access},
                                    body => { board => $board->{id}, title => "C++ 질문 $tag", content => '포인터' }));
my $pct_post = created('post', api(POST => '/posts/', token => $alice->{access},
                                   body => { board => $board->{id}, title => "100% 확실 $tag", content => '정말' }));
my $school_name = "테스트 대학교 $word";
my $school = created('school', api(POST => '/schools/', token => $admin->{access},
                                   body => { name => $school_name, domain => "$tag.ac.kr" }));
my $course = created('course', api(POST => '/courses/', token => $admin->{access}, body => {
    course_info => { code => 'Q' . substr($tag, -9), title => "자료 구조 $word", credits => 3, department => "컴퓨터 공학부 $word" },
    section => '01', semester => '2031-1', professor => "김 교수 $word", capacity => 40,
    slots => [ { day => 'TUE', start => '13:00', end => '14:15', room => '공학관 101' } ] }));

# --- '+' is a space ------------------------------------------------------------------

{
    my ($res, $d) = api(GET => '/posts/?title=' . plus('제목', $tag));
    ok t_cmp($res->code . ' ' . ids($d), "200 $post->{id}", "GET /posts/?title=제목+$tag finds the post");
    ($res, $d) = api(GET => '/posts/?title=' . pct20('제목', $tag));
    ok t_cmp(ids($d), $post->{id}, 'the same with %20 finds the same post');
    ($res, $d) = api(GET => '/posts/?q=' . plus('첫', '줄', $word));
    ok t_cmp(ids($d), $post->{id}, 'GET /posts/?q= with + between the words searches the content');
    ($res, $d) = api(GET => "/boards/$board->{id}/posts/?title=" . plus('제목', $tag));
    ok t_cmp(ids($d), $post->{id}, 'GET /boards/{id}/posts/?title= with +');
    ($res, $d) = api(GET => "/posts/?board=$board->{id}&q=" . plus('본문', '첫'));
    ok t_cmp(ids($d), $post->{id}, 'a + filter together with board=');

    ($res, $d) = api(GET => '/boards/?name=' . plus('검색', '게시판', $word));
    ok t_cmp($res->code . ' ' . ids($d), "200 $board->{id}", 'GET /boards/?name= with + finds the board');
    ($res, $d) = api(GET => '/boards/?school=1&name=' . plus('검색', '게시판', $word));
    ok t_cmp(ids($d), $board->{id}, 'GET /boards/?school=1&name= with +');

    ($res, $d) = api(GET => '/schools/?name=' . plus('테스트', '대학교', $word));
    ok t_cmp($res->code . ' ' . ids($d), "200 $school->{id}", 'GET /schools/?name= with + finds the school');
    ($res, $d) = api(GET => '/schools/?name=' . plus('대학교', $word) . '+');
    ok t_cmp(ids($d), '', 'a trailing + is a trailing space: nothing ends in "... "');

    ($res, $d) = api(GET => '/courses/?q=' . plus('자료', '구조', $word));
    ok t_cmp($res->code . ' ' . course_ids($d), "200 $course->{id}", 'GET /courses/?q= with + matches the title');
    ($res, $d) = api(GET => '/courses/?q=' . plus('김', '교수', $word));
    ok t_cmp(course_ids($d), $course->{id}, 'GET /courses/?q= with + matches the professor');
    ($res, $d) = api(GET => '/courses/?semester=2031-1&department=' . plus('컴퓨터', '공학부', $word));
    ok t_cmp(course_ids($d), $course->{id}, 'GET /courses/?department= with +');
}

# --- %2B is a plus, a stray '%' is itself ----------------------------------------------

{
    my ($res, $d) = api(GET => '/posts/?title=C%2B%2B+' . plus('질문', $tag));
    ok t_cmp(ids($d), $plus_post->{id}, 'title=C%2B%2B+질문: an encoded plus is a plus');
    ($res, $d) = api(GET => '/posts/?title=C++' . plus('질문', $tag));
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', 'title=C++질문 is "C  질문": the post is not found');

    ($res, $d) = api(GET => '/posts/?title=100%+' . plus('확실', $tag));
    ok t_cmp($res->code . ' ' . ids($d), "200 $pct_post->{id}",
             "title=100%+확실: a '%' without hex digits after it stays a '%'");
    ($res, $d) = api(GET => "/posts/?title=%zz$tag");
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', 'title=%zz...: searched literally, nothing found');
    ($res, $d) = api(GET => "/posts/?board=$board->{id}&q=%");
    ok t_cmp(ids($d), $pct_post->{id}, "q=% alone is a literal '%' (and matches only that post)");
    ($res, $d) = api(GET => "/posts/?board=$board->{id}&title=%4");
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', 'title=%4: a cut-short escape is literal text');

    ($res, $d) = api(GET => "/posts/?board=$board->{id}&q=%FF%FE");
    ok t_cmp(verdict($res, $d), '400 invalid q', 'bytes that are not UTF-8 are still 400 naming q');
}

# --- a NUL is 400 naming the parameter --------------------------------------------------

{
    my ($res, $d) = api(GET => "/posts/?board=$board->{id}&q=" . query_escape($tag) . '%00x');
    ok t_cmp(verdict($res, $d), '400 invalid q', 'q=...%00x: 400 invalid naming q');
    ok t_cmp($d->{errors}{q}[0] // '', 'Null characters are not allowed.', "DRF's message for a NUL");
    ($res, $d) = api(GET => '/posts/?q=%00');
    ok t_cmp(verdict($res, $d), '400 invalid q', 'q=%00: 400, not the unfiltered list');
    ($res, $d) = api(GET => "/boards/$board->{id}/posts/?title=%00");
    ok t_cmp(verdict($res, $d), '400 invalid title', 'GET /boards/{id}/posts/?title=%00: 400 naming title');
    ($res, $d) = api(GET => '/schools/?name=' . query_escape('테스트') . '%00');
    ok t_cmp(verdict($res, $d), '400 invalid name', 'GET /schools/?name=테스트%00: 400 naming name');
    ($res, $d) = api(GET => '/boards/?name=%00&school=1');
    ok t_cmp(verdict($res, $d), '400 invalid name', 'GET /boards/?name=%00: 400 naming name');
    ($res, $d) = api(GET => '/courses/?department=%00' . query_escape('컴퓨터'));
    ok t_cmp(verdict($res, $d), '400 invalid department', 'GET /courses/?department=%00...: 400 naming department');
    ($res, $d) = api(GET => '/courses/?q=a%00b&department=x%00');
    ok t_cmp(verdict($res, $d), '400 invalid department,q', 'two parameters with a NUL: both named');
    ($res, $d) = api(GET => '/posts/?limit=5%00');
    ok t_cmp(verdict($res, $d), '400 invalid limit', 'limit=5%00: 400 naming limit');
    ($res, $d) = api(GET => '/posts/?q%00x=1');
    ok t_cmp(verdict($res, $d), '400 invalid q', 'a NUL in a parameter name: 400, not read as q');
    ($res, $d) = api(GET => '/posts/?x=%00');
    ok t_cmp(verdict($res, $d), '400 invalid x', 'a NUL in a parameter the route does not read: 400 too');

    ($res, $d) = api(GET => '/posts/?q=%00', headers => [ 'Accept-Language' => 'ko' ]);
    ok t_cmp(verdict($res, $d) . ' ' . ($d->{errors}{q}[0] // ''), '400 invalid q 널 문자는 허용되지 않습니다.',
             'Accept-Language: ko: the same error in Korean');

    # the order of checks: the route and the credentials come first
    ($res, $d) = api(GET => '/no/such/route/?q=%00');
    ok t_cmp(verdict($res, $d), '404 not_found ', 'an unknown route with a NUL: 404');
    ($res, $d) = api(GET => '/me/posts/?q=%00');
    ok t_cmp(verdict($res, $d), '401 not_authenticated ', 'a protected route with a NUL, anonymously: 401');
    ($res, $d) = api(GET => '/me/posts/?q=%00', token => $alice->{access});
    ok t_cmp(verdict($res, $d), '400 invalid q', 'a protected route with a NUL, signed in: 400 naming q');

    # refused before anything is done
    my $title = "널 $tag " . hangul(2);
    ($res, $d) = api(POST => '/posts/?x=%00', token => $alice->{access},
                     body => { board => $board->{id}, title => $title, content => '본문' });
    ok t_cmp(verdict($res, $d), '400 invalid x', 'POST /posts/?x=%00: 400');
    ($res, $d) = api(GET => '/posts/?title=' . plus(split / /, $title));
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', 'POST /posts/?x=%00 created nothing');
}

# --- repeated names, bare names --------------------------------------------------------

{
    my ($res, $d) = api(GET => "/posts/?title=nothing-$tag&title=" . plus('제목', $tag));
    ok t_cmp(ids($d), $post->{id}, 'a repeated parameter: the last one counts (QueryDict.get)');
    ($res, $d) = api(GET => "/posts/?board=$board->{id}&title");
    ok t_cmp($res->code . ' ' . scalar(results($d)), '200 3', 'a bare ?title is "" (no filter), as in Django');
    ($res, $d) = api(GET => "/posts/?board=$board->{id}&&&title=" . plus('제목', $tag) . '&');
    ok t_cmp(ids($d), $post->{id}, 'empty pairs between & are skipped');
}
