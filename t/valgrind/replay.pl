#!/usr/bin/perl
# t/valgrind/replay.pl: the requests of the valgrind stage (t/valgrind/run).
#
#   perl t/valgrind/replay.pl [--rounds N] [--cookies URL] [--rs256 URL]
#                             [--es256 URL] BASE_URL
#
# BASE_URL is the API's root, e.g. http://127.0.0.1:8080/api; the options
# name the roots of servers in cookie mode (EverytimeTokenCookies On) and
# signing with RS256 and ES256 keys, each visited once a round. Each round
# walks every route group with fresh users, through its success paths and
# its error paths (400 field errors, malformed JSON, 401, 403, 404, 405, 409,
# 413, 415, 429), so that every kind of answer is built and released many
# times over while memcheck watches. Social login needs the mock providers
# (t/mock/providers.pl) behind the configured provider URLs.
#
# Each request names the status it must get; one that gets another is
# printed to stderr. The last line on stdout is
#   replay: N requests, M unexpected
# and the exit status is 0 when M is 0.
use strict;
use warnings;
use utf8;

use Getopt::Long qw(GetOptions);
use HTTP::Tiny ();
use JSON::PP ();

my ($ROUNDS, %VHOST) = (2);
GetOptions('rounds=i' => \$ROUNDS, 'cookies=s' => \$VHOST{cookies}, 'rs256=s' => \$VHOST{rs256},
           'es256=s' => \$VHOST{es256})
    && @ARGV == 1 or die "usage: $0 [--rounds N] [--cookies URL] [--rs256 URL] [--es256 URL] BASE_URL\n";
my $BASE = $ARGV[0] =~ s{/+$}{}r;

my $JSON = JSON::PP->new->utf8->canonical;
my $T = JSON::PP::true;
my $F = JSON::PP::false;
# keep-alive, as clients do; under valgrind a request may take seconds
my $http = HTTP::Tiny->new(timeout => 90, keep_alive => 1, agent => 'et-valgrind-replay');
my ($requests, $unexpected, $last) = (0, 0);
my $tag = sprintf('%d%d', $$ % 10000, time % 100000);

# req(METHOD, PATH, EXPECTED_STATUS, body => REF, raw => BYTES, type => CT,
#     token => JWT, headers => {...}, base => ROOT): the decoded JSON answer
#     (or undef). $last holds the response (HTTP::Tiny's hash).
sub req {
    my ($method, $path, $want, %o) = @_;
    my %h = %{ $o{headers} || {} };
    my %opt;
    if (exists $o{body}) {
        $opt{content} = $JSON->encode($o{body});
        $h{'Content-Type'} = $o{type} // 'application/json';
    } elsif (defined $o{raw}) {
        $opt{content} = $o{raw};
        $h{'Content-Type'} = $o{type} if defined $o{type};
    }
    $h{Authorization} = "Bearer $o{token}" if $o{token};
    $h{'Accept-Language'} = 'ko' if $o{ko};
    $opt{headers} = \%h;
    my $res = $http->request($method, ($o{base} // $BASE) . $path, \%opt);
    $requests++;
    if ($res->{status} != $want) {
        $unexpected++;
        my $body = $res->{content} // '';
        $body = substr($body, 0, 300) . '...' if length $body > 300;
        printf STDERR "unexpected: %s %s: %s, wanted %s: %s\n", $method, $path, $res->{status},
            $want, $body;
    }
    my $d = eval { $JSON->decode($res->{content}) };
    $last = $res;
    return $d;
}

sub id_of { my ($d, $k) = @_; return ref $d eq 'HASH' && defined $d->{ $k // 'id' } ? $d->{ $k // 'id' } : 0 }
sub next_of { my ($d) = @_; return ref $d eq 'HASH' ? $d->{next} : undef }

# A PNG of one pixel: what the magic bytes check looks at.
my $PNG = "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        . "\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0DIDATx\x9Cc\xF8\x0F\x00\x00\x01\x01\x00"
        . "\x05\x18\xD8N\x00\x00\x00\x00IEND\xAEB`\x82";

sub signup {
    my ($login, %o) = @_;
    my $d = req(POST => '/accounts/signup/', 201, body => {
        login_id => $login, password => 'correct horse 1', email => "$login\@example.com",
        nickname => "닉$login", school_id => 1, admission_year => 2022, %o });
    return { login_id => $login, id => ref $d eq 'HASH' ? $d->{user}{id} : '',
             access => ref $d eq 'HASH' ? $d->{token}{access} : '',
             refresh => ref $d eq 'HASH' ? $d->{token}{refresh} : '' };
}

sub accounts {
    my ($r) = @_;
    my $a = signup("vga$r$tag");
    my $b = signup("vgb$r$tag");
    my $c = signup("vgc$r$tag");
    # 400: fields missing, wrong types, a bad email, a short password
    req(POST => '/accounts/signup/', 400, body => {});
    req(POST => '/accounts/signup/', 400, ko => 1, body => {
        login_id => "vgx$r$tag", password => '123', email => 'not-an-email', nickname => 7,
        school_id => 'one', admission_year => 2022 });
    req(POST => '/accounts/signup/', 400, body => [1, 2]);
    req(POST => '/accounts/signup/', 400, raw => '{"login_id": ', type => 'application/json');
    req(POST => '/accounts/signup/', 415, raw => 'login_id=x', type => 'text/plain');
    req(POST => '/accounts/signup/', 413, raw => '{"pad": "' . ('x' x 70000) . '"}',
        type => 'application/json');
    # 409: the login_id, email and nickname of a
    req(POST => '/accounts/signup/', 409, body => {
        login_id => $a->{login_id}, password => 'correct horse 1',
        email => "$a->{login_id}\@example.com", nickname => "닉$a->{login_id}", school_id => 1,
        admission_year => 2022 });

    my $d = req(POST => '/accounts/login/', 200, body => { login_id => $a->{login_id},
                                                           password => 'correct horse 1' });
    my $refresh = ref $d eq 'HASH' ? $d->{token}{refresh} : '';
    req(POST => '/accounts/login/', 401, body => { login_id => $a->{login_id}, password => 'wrong one 1' });
    req(POST => '/accounts/login/', 400, body => { login_id => $a->{login_id} });
    # the throttle (EverytimeLoginThrottle 3 300): the fourth failure is 429
    req(POST => '/accounts/login/', 401, body => { login_id => "ghost$r$tag", password => 'nope nope 1' })
        for 1 .. 3;
    req(POST => '/accounts/login/', 429, body => { login_id => "ghost$r$tag", password => 'nope nope 1' });

    $d = req(POST => '/accounts/token_refresh/', 200, body => { refresh => $refresh });
    my $refresh2 = ref $d eq 'HASH' ? $d->{refresh} : '';
    # the spent token again: its family is revoked
    req(POST => '/accounts/token_refresh/', 401, body => { refresh => $refresh });
    req(POST => '/accounts/token_refresh/', 401, body => { refresh => $refresh2 });
    req(POST => '/accounts/token_refresh/', 400, body => { refresh => 5 });
    req(POST => '/accounts/token_refresh/', 401, body => { refresh => 'a.b.c' });
    req(POST => '/accounts/token_verify/', 200, body => { token => $a->{access} });
    req(POST => '/accounts/token_verify/', 401, body => { token => 'not a token' });
    req(POST => '/accounts/token_verify/', 400, body => {});

    req(GET => '/accounts/me/', 200, token => $a->{access});
    req(GET => '/accounts/me/', 401);
    req(GET => '/accounts/me/', 401, token => 'x.y.z');
    req(GET => '/accounts/me/', 401, headers => { Authorization => 'Bearer' });
    req(PATCH => '/accounts/me/', 200, token => $a->{access}, body => { nickname => "새닉$r$tag" });
    req(PATCH => '/accounts/me/', 400, token => $a->{access}, body => { email => 'bad' });
    req(PATCH => '/accounts/me/', 400, token => $a->{access}, body => { password => 'another pass 2' });
    # a password change (and back) revokes the other tokens: b's own stay
    req(PATCH => '/accounts/me/', 200, token => $b->{access},
        body => { password => 'another pass 2', current_password => 'correct horse 1' });
    my $bd = req(POST => '/accounts/login/', 200, body => { login_id => $b->{login_id},
                                                            password => 'another pass 2' });
    $b->{access} = ref $bd eq 'HASH' ? $bd->{token}{access} : '';
    req(PATCH => '/accounts/me/', 200, token => $b->{access},
        body => { password => 'correct horse 1', current_password => 'another pass 2' });
    $bd = req(POST => '/accounts/login/', 200, body => { login_id => $b->{login_id},
                                                         password => 'correct horse 1' });
    $b->{access} = ref $bd eq 'HASH' ? $bd->{token}{access} : '';
    req(PATCH => '/accounts/me/', 409, token => $a->{access},
        body => { nickname => "닉$b->{login_id}" });
    req(PUT => '/accounts/me/', 405, token => $a->{access}, body => {});

    # c: logged out, then out everywhere, then deleted
    $d = req(POST => '/accounts/login/', 200, body => { login_id => $c->{login_id},
                                                        password => 'correct horse 1' });
    my $c2 = ref $d eq 'HASH' ? $d->{token} : {};
    req(POST => '/accounts/logout/', 204, token => $c2->{access}, body => { refresh => $c2->{refresh} });
    req(GET => '/accounts/me/', 401, token => $c2->{access});
    req(POST => '/accounts/logout_all/', 204, token => $c->{access});
    req(GET => '/accounts/me/', 401, token => $c->{access});
    $d = req(POST => '/accounts/login/', 200, body => { login_id => $c->{login_id},
                                                        password => 'correct horse 1' });
    my $c3 = ref $d eq 'HASH' ? $d->{token}{access} : '';
    req(DELETE => '/accounts/me/', 400, token => $c3, body => { password => 'wrong one 1' });
    req(DELETE => '/accounts/me/', 204, token => $c3, body => { password => 'correct horse 1' });
    req(POST => '/accounts/login/', 401, body => { login_id => $c->{login_id},
                                                   password => 'correct horse 1' });
    return ($a, $b);
}

sub social {
    my ($r) = @_;
    my $kakao = sprintf('8%04d%03d', $$ % 10000, $r);
    my $d = req(POST => '/auth/login', 404, body => { socialType => 'KAKAO', oauthAccessToken => "ok.$kakao",
                                                      fcmToken => "fcm-$r-$tag" });
    my $sign = ref $d eq 'HASH' && ref $d->{data} eq 'HASH' ? $d->{data}{signToken} : '';
    req(POST => '/auth/signup', 400, headers => { 'X-ACCESS-TOKEN' => $sign }, body => { nickname => undef });
    req(POST => '/auth/signup', 401, body => { nickname => "소셜$r$tag", school_id => 1, admission_year => 2023 });
    req(POST => '/auth/signup', 201, headers => { 'X-ACCESS-TOKEN' => $sign },
        body => { nickname => "소셜$r$tag", school_id => 1, admission_year => 2023 });
    req(POST => '/auth/login', 200, body => { socialType => 'KAKAO', oauthAccessToken => "ok.$kakao" });
    req(POST => '/auth/login', 401, body => { socialType => 'KAKAO', oauthAccessToken => 'reject' });
    req(POST => '/auth/login', 404, body => { socialType => 'GOOGLE', authorizationCode => "ok.g$r$tag" });
    req(POST => '/auth/login', 401, body => { socialType => 'GOOGLE', authorizationCode => "badsig.g$r$tag" });
    req(POST => '/auth/login', 404, body => { socialType => 'APPLE', authorizationCode => "ok.a$r$tag",
                                              nickname => '사과' });
    req(POST => '/auth/login', 401, body => { socialType => 'APPLE', authorizationCode => "expired.a$r$tag" });
    req(POST => '/auth/login', 400, body => { socialType => 'NAVER', oauthAccessToken => 'ok.1' });
    req(POST => '/auth/login', 400, raw => '{"socialType": "KAKAO",', type => 'application/json');
    req(POST => '/accounts/kakao/', 200, headers => { Authorization => "Bearer ok.9$kakao" });
    req(POST => '/accounts/kakao/', 400);
    req(POST => '/accounts/kakao/', 404, headers => { Authorization => 'Bearer reject' });
}

sub schools_boards {
    my ($r, $a, $b, $admin) = @_;
    req(GET => '/schools/', 200);
    req(GET => '/schools/?name=%EC%84%9C%EC%9A%B8', 200);
    req(POST => '/schools/', 201, token => $admin, body => { name => "발그린드대학교$r$tag", domain => "vg$r$tag.ac.kr" });
    req(POST => '/schools/', 403, token => $a->{access}, body => { name => "권한없음$r$tag" });
    req(POST => '/schools/', 400, token => $admin, body => { name => '' });
    req(POST => '/schools/', 401, body => { name => 'x' });
    req(DELETE => '/schools/', 405, token => $admin);
    req(GET => '/boards/?school=1', 200);
    req(GET => '/boards/?school=1&category=free&name=%EC%9E%90%EC%9C%A0', 200);
    req(GET => '/boards/?school=abc', 400);
    my $board = id_of(req(POST => '/boards/', 201, token => $a->{access}, body => {
        school => 1, category => 'club', name => "발그린드$r$tag", description => '누수 찾기' }));
    req(POST => '/boards/', 400, token => $a->{access}, body => { school => 1, category => 'nope', name => '' });
    req(GET => "/boards/$board/", 200, token => $a->{access});
    req(GET => '/boards/99999999/', 404);
    req(PATCH => "/boards/$board/", 200, token => $a->{access}, body => { description => '설명' });
    req(PATCH => "/boards/$board/", 403, token => $b->{access}, body => { description => '남의 것' });
    req(POST => "/boards/$board/favorite/", 201, token => $b->{access});
    req(POST => "/boards/$board/favorite/", 409, token => $b->{access});
    req(GET => '/me/boards/', 200, token => $b->{access});
    req(DELETE => "/boards/$board/favorite/", 204, token => $b->{access});
    req(DELETE => "/boards/$board/favorite/", 404, token => $b->{access});
    req(GET => "/boards/$board/posts/", 200);
    req(DELETE => "/boards/$board/", 403, token => $b->{access});
    req(DELETE => "/boards/$board/", 204, token => $a->{access});
    req(GET => "/boards/$board/", 404);
}

sub posts {
    my ($r, $a, $b, $admin) = @_;
    my %post = (board => 1, title => "누수 없는 글 $r$tag", content => "본문 $r", is_anonymous => $F,
                is_question => $F);
    my $p1 = id_of(req(POST => '/posts/', 201, token => $a->{access}, body => \%post));
    my $p2 = id_of(req(POST => '/posts/', 201, token => $a->{access}, body => { %post, is_anonymous => $T,
                                                                               title => "익명 글 $r$tag" }));
    req(POST => '/posts/', 400, token => $a->{access}, body => { %post, title => '' });
    req(POST => '/posts/', 400, token => $a->{access}, body => { %post, board => 99999999 });
    req(POST => '/posts/', 400, token => $a->{access}, raw => '{"board": 1, ', type => 'application/json');
    req(POST => '/posts/', 415, token => $a->{access}, raw => 'title=x', type => 'application/x-www-form-urlencoded');
    req(POST => '/posts/', 401, body => \%post);
    req(GET => '/posts/', 200);
    my $d = req(GET => '/posts/?board=1&limit=3', 200, token => $b->{access});
    req(GET => '/posts/?limit=3&cursor=' . next_of($d), 200) if next_of($d);
    req(GET => '/posts/?title=%EB%88%84%EC%88%98', 200);
    req(GET => '/posts/?q=%EB%B3%B8%EB%AC%B8', 200, token => $a->{access});
    req(GET => "/posts/?user=$a->{id}", 200);
    req(GET => '/posts/?limit=0', 400);
    req(GET => '/posts/?cursor=garbage', 400);
    req(GET => '/posts/hot/', 200);
    req(GET => '/posts/hot/?limit=2', 200, token => $a->{access});
    req(GET => "/posts/$p1/", 200, token => $b->{access});
    req(GET => "/posts/$p2/", 200);
    req(GET => '/posts/99999999/', 404);
    req(PUT => "/posts/$p1/", 200, token => $a->{access}, body => { %post, title => "고친 글 $r$tag" });
    req(PUT => "/posts/$p1/", 400, token => $a->{access}, body => { title => 'only a title' });
    req(PATCH => "/posts/$p1/", 200, token => $a->{access}, body => { content => '고친 본문' });
    req(PATCH => "/posts/$p1/", 403, token => $b->{access}, body => { content => '남의 글' });
    req(PATCH => "/posts/$p1/", 400, token => $a->{access}, body => { is_question => 'maybe' });
    req(POST => "/posts/$p1/like/", 201, token => $b->{access});
    req(POST => "/posts/$p1/like/", 409, token => $b->{access});
    req(POST => "/posts/$p1/like/", 403, token => $a->{access});
    req(DELETE => "/posts/$p1/like/", 204, token => $b->{access});
    req(DELETE => "/posts/$p1/like/", 404, token => $b->{access});
    req(POST => "/posts/$p1/scrap/", 201, token => $b->{access});
    req(GET => '/me/scraps/', 200, token => $b->{access});
    req(DELETE => "/posts/$p1/scrap/", 204, token => $b->{access});
    req(GET => '/me/posts/?limit=1', 200, token => $a->{access});
    req(GET => '/me/posts/', 401);
    req(POST => "/posts/$p1/", 405, token => $a->{access}, body => {});
    return ($p1, $p2);
}

sub comments {
    my ($r, $a, $b, $p1, $p2) = @_;
    # top-level comments, replies, a reply to a reply, anonymous ones
    my $c1 = id_of(req(POST => "/posts/$p1/comments/", 201, token => $b->{access},
                       body => { content => "첫 댓글 $r" }));
    my $c2 = id_of(req(POST => "/posts/$p1/comments/", 201, token => $a->{access},
                       body => { content => '답글', parent => $c1 }));
    req(POST => "/posts/$p1/comments/", 201, token => $b->{access}, body => { content => '답글의 답글', parent => $c2 });
    my $c3 = id_of(req(POST => "/posts/$p2/comments/", 201, token => $b->{access},
                       body => { content => '익명 댓글', is_anonymous => $T }));
    req(POST => "/posts/$p2/comments/", 201, token => $a->{access},
        body => { content => '글쓴이 답글', is_anonymous => $T, parent => $c3 });
    for my $i (1 .. 3) {
        req(POST => "/posts/$p1/comments/", 201, token => $i % 2 ? $a->{access} : $b->{access},
            body => { content => "댓글 $i" });
    }
    req(POST => "/posts/$p1/comments/", 400, token => $b->{access}, body => { content => '' });
    req(POST => "/posts/$p1/comments/", 400, token => $b->{access}, body => { content => 'x', parent => 99999999 });
    req(POST => "/posts/$p1/comments/", 400, token => $b->{access}, body => { content => 'x' x 3001 });
    req(POST => "/posts/$p1/comments/", 400, token => $b->{access}, raw => '{"content"', type => 'application/json');
    req(POST => "/posts/$p1/comments/", 401, body => { content => 'x' });
    req(POST => '/posts/99999999/comments/', 404, token => $b->{access}, body => { content => 'x' });
    my $d = req(GET => "/posts/$p1/comments/", 200, token => $a->{access});
    $d = req(GET => "/posts/$p1/comments/?limit=2", 200);
    req(GET => "/posts/$p1/comments/?limit=2&cursor=" . next_of($d), 200) if next_of($d);
    req(GET => "/posts/$p2/comments/", 200);
    # editing: a top-level comment (with its replies) and a reply
    req(PATCH => "/comments/$c1/", 200, token => $b->{access}, body => { content => "고친 댓글 $r" });
    req(PATCH => "/comments/$c1/", 200, token => $b->{access}, body => { content => "또 고친 댓글 $r" });
    req(PATCH => "/comments/$c2/", 200, token => $a->{access}, body => { content => '고친 답글' });
    req(PATCH => "/comments/$c1/", 403, token => $a->{access}, body => { content => '남의 댓글' });
    req(PATCH => "/comments/$c1/", 400, token => $b->{access}, body => { content => 5 });
    req(PATCH => '/comments/99999999/', 404, token => $b->{access}, body => { content => 'x' });
    req(POST => "/comments/$c1/like/", 201, token => $a->{access});
    req(POST => "/comments/$c1/like/", 409, token => $a->{access});
    req(DELETE => "/comments/$c1/like/", 204, token => $a->{access});
    req(GET => '/me/comments/', 200, token => $b->{access});
    req(GET => '/me/comments/?limit=1', 200, token => $a->{access});
    # a deleted comment with replies stays as a placeholder
    req(DELETE => "/comments/$c1/", 204, token => $b->{access});
    req(DELETE => "/comments/$c1/", 404, token => $b->{access});
    req(GET => "/posts/$p1/comments/", 200);
    return $c3;
}

sub messages {
    my ($r, $a, $b, $p1, $c3) = @_;
    my $m = req(POST => '/messages/', 201, token => $b->{access}, body => { post => $p1, content => "쪽지 $r" });
    my $conv = id_of($m, 'conversation');
    req(POST => '/messages/', 201, token => $a->{access}, body => { comment => $c3, content => '익명에게' });
    req(POST => '/messages/', 400, token => $b->{access}, body => { content => '대상 없음' });
    req(POST => '/messages/', 400, token => $a->{access}, body => { post => $p1, content => '나에게' });
    req(GET => '/messages/', 200, token => $a->{access});
    req(GET => "/messages/$conv/", 200, token => $a->{access});
    req(POST => "/messages/$conv/", 201, token => $a->{access}, body => { content => '답장' });
    req(POST => "/messages/$conv/", 400, token => $a->{access}, body => { content => '' });
    req(GET => '/messages/99999999/', 404, token => $a->{access});
    req(GET => '/messages/', 401);
}

sub media {
    my ($r, $a, $b, $p1) = @_;
    my $m = id_of(req(POST => "/posts/$p1/media/", 201, token => $a->{access}, raw => $PNG, type => 'image/png'));
    my $boundary = "vg$r$tag";
    my $form = "--$boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
             . "Content-Type: application/octet-stream\r\n\r\n$PNG\r\n--$boundary--\r\n";
    req(POST => "/posts/$p1/media/", 201, token => $a->{access}, raw => $form,
        type => "multipart/form-data; boundary=$boundary");
    req(POST => "/posts/$p1/media/", 400, token => $a->{access}, raw => "--$boundary\r\nbroken",
        type => "multipart/form-data; boundary=$boundary");
    req(POST => "/posts/$p1/media/", 415, token => $a->{access}, raw => 'not an image', type => 'text/plain');
    req(POST => "/posts/$p1/media/", 413, token => $a->{access}, raw => $PNG . ("\0" x 70000),
        type => 'image/png');
    req(POST => "/posts/$p1/media/", 403, token => $b->{access}, raw => $PNG, type => 'image/png');
    req(POST => "/posts/$p1/media/", 401, raw => $PNG, type => 'image/png');
    req(GET => "/posts/$p1/", 200);
    req(DELETE => "/media/$m/", 403, token => $b->{access});
    req(DELETE => "/media/$m/", 204, token => $a->{access});
    req(DELETE => "/media/$m/", 404, token => $a->{access});
}

sub courses_timetables_reviews {
    my ($r, $a, $b, $admin) = @_;
    my $code = sprintf('VG%d%s', $r, substr($tag, -5));
    my $semester = sprintf('20%02d-1', 40 + $r);
    my %course = (
        course_info => { code => $code, title => "자료구조 $r", credits => 3, department => '컴퓨터공학부' },
        section => '01', semester => $semester, professor => '김교수', capacity => 60,
        slots => [ { day => 'MON', start => '09:00', end => '10:15', room => '공학관301' },
                   { day => 'WED', start => '09:00', end => '10:15', room => '공학관302' } ]);
    my $d = req(POST => '/courses/', 201, token => $admin, body => \%course);
    my $course = id_of($d);
    my $info = ref $d eq 'HASH' && ref $d->{course_info} eq 'HASH' ? $d->{course_info}{id} : 0;
    my $clash = id_of(req(POST => '/courses/', 201, token => $admin, body => { %course, section => '02',
        slots => [ { day => 'MON', start => '10:00', end => '11:00', room => '' } ] }));
    req(POST => '/courses/', 409, token => $admin, body => \%course);
    req(POST => '/courses/', 400, token => $admin, body => { %course, section => '03', slots => [
        { day => 'MON', start => '09:00', end => '10:00' }, { day => 'MON', start => '09:30', end => '11:00' } ] });
    req(POST => '/courses/', 400, token => $admin, body => { %course, section => '04', slots => [ { day => 'XYZ' }, 5 ] });
    req(POST => '/courses/', 403, token => $a->{access}, body => \%course);
    req(GET => "/courses/?semester=$semester&q=$code", 200);
    $d = req(GET => '/courses/?limit=2&day=MON', 200);
    req(GET => '/courses/?limit=2&cursor=' . next_of($d), 200) if next_of($d);
    req(GET => '/courses/?department=%EC%BB%B4%ED%93%A8%ED%84%B0', 200);
    req(GET => "/courses/$course/", 200);
    req(GET => '/courses/99999999/', 404);

    my $tt = id_of(req(POST => '/timetables/', 201, token => $a->{access}, body => { semester => $semester, name => '기본' }));
    my $tt2 = id_of(req(POST => '/timetables/', 201, token => $a->{access}, body => { semester => $semester, name => '두번째' }));
    req(POST => '/timetables/', 400, token => $a->{access}, body => { semester => '2024-9', name => 'x' });
    req(POST => "/timetables/$tt/courses/", 201, token => $a->{access}, body => { course => $course });
    req(POST => "/timetables/$tt/courses/", 409, token => $a->{access}, body => { course => $clash });
    req(POST => "/timetables/$tt/courses/", 404, token => $a->{access}, body => { course => 99999999 });
    req(POST => "/timetables/$tt/courses/", 400, token => $a->{access}, body => { course => 'one' });
    req(GET => '/timetables/', 200, token => $a->{access});
    req(GET => "/timetables/?semester=$semester", 200, token => $a->{access});
    req(GET => "/timetables/$tt/", 200, token => $a->{access});
    req(GET => "/timetables/$tt/", 403, token => $b->{access});
    req(PATCH => "/timetables/$tt/", 200, token => $a->{access}, body => { name => '고친 이름' });
    req(PATCH => "/timetables/$tt/", 400, token => $a->{access}, body => { name => '' });
    req(GET => '/me/courses/', 200, token => $a->{access});
    req(POST => "/timetables/$tt2/courses/", 201, token => $a->{access}, body => { course => $clash });
    req(DELETE => "/timetables/$tt2/courses/$clash/", 204, token => $a->{access});
    req(DELETE => "/timetables/$tt2/courses/$clash/", 404, token => $a->{access});
    req(DELETE => "/timetables/$tt2/", 204, token => $a->{access});
    req(GET => "/timetables/$tt2/", 404, token => $a->{access});

    my $rev = id_of(req(POST => "/course-infos/$info/reviews/", 201, token => $a->{access},
                        body => { rating => 4, content => '좋은 강의', semester => $semester }));
    req(POST => "/course-infos/$info/reviews/", 409, token => $a->{access},
        body => { rating => 4, content => '두번째', semester => $semester });
    req(POST => "/course-infos/$info/reviews/", 400, token => $b->{access},
        body => { rating => 9, content => '', semester => 'x' });
    req(POST => '/course-infos/99999999/reviews/', 404, token => $b->{access},
        body => { rating => 4, content => 'x', semester => $semester });
    req(GET => "/course-infos/$info/reviews/", 200);
    req(GET => "/course-infos/$info/reviews/?limit=1", 200, token => $b->{access});
    req(PATCH => "/reviews/$rev/", 200, token => $a->{access}, body => { rating => 5 });
    req(PATCH => "/reviews/$rev/", 403, token => $b->{access}, body => { rating => 1 });
    req(DELETE => "/reviews/$rev/", 204, token => $a->{access});
    req(DELETE => "/reviews/$rev/", 404, token => $a->{access});
    return $semester;
}

sub friends {
    my ($r, $a, $b, $semester) = @_;
    my $fr = id_of(req(POST => '/friends/requests/', 201, token => $a->{access}, body => { login_id => $b->{login_id} }));
    req(POST => '/friends/requests/', 409, token => $a->{access}, body => { login_id => $b->{login_id} });
    req(POST => '/friends/requests/', 400, token => $a->{access}, body => { login_id => $a->{login_id} });
    req(POST => '/friends/requests/', 404, token => $a->{access}, body => { login_id => "nobody$r$tag" });
    req(GET => '/friends/requests/', 200, token => $b->{access});
    req(POST => "/friends/requests/$fr/accept/", 403, token => $a->{access});
    req(POST => "/friends/requests/$fr/accept/", 200, token => $b->{access});
    req(GET => '/friends/', 200, token => $a->{access});
    req(GET => "/friends/$a->{id}/timetable/?semester=$semester", 200, token => $b->{access});
    req(GET => "/friends/$a->{id}/timetable/?semester=1999-1", 404, token => $b->{access});
    req(DELETE => "/friends/$b->{id}/", 204, token => $a->{access});
    req(GET => "/friends/$a->{id}/timetable/?semester=$semester", 403, token => $b->{access});
    my $fr2 = id_of(req(POST => '/friends/requests/', 201, token => $b->{access}, body => { login_id => $a->{login_id} }));
    req(POST => "/friends/requests/$fr2/reject/", 200, token => $a->{access});
    req(POST => '/friends/requests/99999999/accept/', 404, token => $a->{access});
    req(DELETE => '/friends/not-a-uuid/', 404, token => $a->{access});
}

# 알림 that the rounds' comments, 쪽지 and friend requests wrote, and devices.
sub notifications {
    my ($r, $a, $b) = @_;
    my $d = req(GET => '/notifications/?limit=2', 200, token => $a->{access});
    my $n = ref $d eq 'HASH' && ref $d->{results} eq 'ARRAY' && @{ $d->{results} } ? $d->{results}[0]{id} : 0;
    req(GET => "/notifications/?limit=2&cursor=$d->{next}", 200, token => $a->{access})
        if ref $d eq 'HASH' && defined $d->{next};
    req(GET => '/notifications/?cursor=garbage', 400, token => $a->{access});
    req(POST => "/notifications/$n/read/", 204, token => $a->{access}) if $n;
    req(POST => "/notifications/$n/read/", 404, token => $b->{access}) if $n;
    req(POST => '/notifications/99999999/read/', 404, token => $a->{access});
    req(POST => '/notifications/read_all/', 204, token => $b->{access});
    req(GET => '/notifications/', 401);
    my $t = "vg$r$tag:APA91b-device";
    req(POST => '/me/devices/', 201, token => $a->{access}, body => { fcm_token => $t, platform => 'ios' });
    req(POST => '/me/devices/', 201, token => $b->{access}, body => { fcm_token => $t });
    req(POST => '/me/devices/', 400, token => $a->{access}, body => { fcm_token => 'a b', platform => 'pc' });
    req(POST => '/me/devices/', 400, token => $a->{access}, raw => '{"fcm_token":', type => 'application/json');
    req(DELETE => "/me/devices/$t/", 404, token => $a->{access});
    req(DELETE => "/me/devices/$t/", 204, token => $b->{access});
}

# Cookie mode: login sets the cookies, which then authenticate alone.
sub cookies {
    my ($r, $a) = @_;
    my $base = $VHOST{cookies} or return;
    req(POST => '/accounts/login/', 200, base => $base,
        body => { login_id => $a->{login_id}, password => 'correct horse 1' });
    my $sc = $last->{headers}{'set-cookie'} // [];
    my %c = map { /^(\w+)=([^;]*)/ ? ($1 => $2) : () } ref $sc ? @$sc : ($sc);
    req(GET => '/accounts/me/', 200, base => $base, headers => { Cookie => "access_token=$c{access_token}" });
    req(GET => '/accounts/me/', 401, base => $base, headers => { Cookie => 'access_token=garbage' });
    req(POST => '/accounts/token_refresh/', 200, base => $base, body => { refresh => $c{refresh_token} });
    req(GET => '/posts/?limit=2', 200, base => $base, headers => { Cookie => "access_token=$c{access_token}" });
}

# Tokens signed and verified with RSA and EC keys.
sub key_algorithms {
    my ($r, $a) = @_;
    for my $base (grep {defined} @VHOST{qw(rs256 es256)}) {
        my $d = req(POST => '/accounts/login/', 200, base => $base,
                    body => { login_id => $a->{login_id}, password => 'correct horse 1' });
        my $t = ref $d eq 'HASH' ? $d->{token} : {};
        req(GET => '/accounts/me/', 200, base => $base, token => $t->{access});
        req(GET => '/accounts/me/', 401, base => $base, token => $a->{access});
        req(POST => '/accounts/token_verify/', 200, base => $base, body => { token => $t->{access} });
        $d = req(POST => '/accounts/token_refresh/', 200, base => $base, body => { refresh => $t->{refresh} });
        req(POST => '/accounts/logout/', 204, base => $base, token => ref $d eq 'HASH' ? $d->{access} : '',
            body => { refresh => ref $d eq 'HASH' ? $d->{refresh} : '' });
    }
}

sub operations {
    req(GET => '/health/', 200);
    req(GET => '/schema/', 200);
    req(GET => '/nowhere/', 404);
    req(GET => '/posts/abc/', 404);
    req(DELETE => '/health/', 405);
    req(PATCH => '/schools/', 405, body => {});
}

my $admin_d = req(POST => '/accounts/login/', 200, body => { login_id => 'admin', password => 'adminpass123!' });
my $admin = ref $admin_d eq 'HASH' ? $admin_d->{token}{access} : '';
for my $r (1 .. $ROUNDS) {
    my ($a, $b) = accounts($r);
    social($r);
    cookies($r, $a);
    key_algorithms($r, $a);
    schools_boards($r, $a, $b, $admin);
    my ($p1, $p2) = posts($r, $a, $b, $admin);
    my $c3 = comments($r, $a, $b, $p1, $p2);
    messages($r, $a, $b, $p1, $c3);
    media($r, $a, $b, $p1);
    my $semester = courses_timetables_reviews($r, $a, $b, $admin);
    friends($r, $a, $b, $semester);
    notifications($r, $a, $b);
    operations();
    req(DELETE => "/posts/$p1/", 403, token => $b->{access});
    req(DELETE => "/posts/$p1/", 204, token => $a->{access});
    req(GET => "/posts/$p1/comments/", 404);
}

print "replay: $requests requests, $unexpected unexpected\n";
exit($unexpected ? 1 : 0);
