# t/api/http_errors.t: what httpd itself refuses under the API location
# answers the API's {"detail", "code"} (API.md "Conventions"), in English or
# Korean: a header over LimitRequestFieldSize, a request line over
# LimitRequestLine, %2F in the path, a body over LimitRequestBody, bad
# chunking; other locations keep httpd's own pages. And a refused body is not
# read: a declared 500 MB body gets its 413 at once, on a closed connection.
# Every request here is sent as raw bytes, since LWP would not send them.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul vhost_hostport);
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use Time::HiRes ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 48;

my $WAIT = 15;   # seconds a test waits for an answer; httpd's Timeout is longer
my $JPEG = "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";

# Sends the bytes, then reads until the server closes the connection or $WAIT
# seconds pass. Returns {status, headers (lower-case names), body, seconds,
# closed}. With half_close, the client's side is shut after sending.
sub exchange {
    my ($bytes, %o) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => vhost_hostport($o{vhost}), Timeout => $WAIT)
        or die "connect: $!";
    binmode $sock;
    local $SIG{PIPE} = 'IGNORE';
    my $t0 = Time::HiRes::time();
    syswrite($sock, $bytes);
    shutdown($sock, 1) if $o{half_close};
    my ($answer, $closed, $sel) = ('', 0, IO::Select->new($sock));
    while ((my $left = $t0 + $WAIT - Time::HiRes::time()) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($sock, my $buf, 65536);
        if (!$n) {   # 0: the server closed; undef: it reset
            $closed = 1;
            last;
        }
        $answer .= $buf;
    }
    my $seconds = Time::HiRes::time() - $t0;
    close $sock;
    my ($head, $body) = split /\r\n\r\n/, $answer, 2;
    my %h;
    for my $line (split /\r\n/, $head // '') {
        $h{ lc $1 } = $2 if $line =~ /^([^:\s]+):\s*(.*)$/;
    }
    my ($status) = ($head // '') =~ m{^HTTP/\d\.\d (\d{3})};
    return { status => $status // 0, headers => \%h, body => $body // '', seconds => $seconds,
             closed => $closed };
}

# "STATUS TYPE CODE": what a client sees of an answer. The body must be
# exactly one JSON object (no HTML before or after it) to have a CODE.
sub seen {
    my ($a) = @_;
    my $d = eval { JSON::PP->new->utf8->decode($a->{body}) };
    my $code = ref $d eq 'HASH' && join(',', sort keys %$d) eq 'code,detail' ? $d->{code} : '-';
    my ($type) = split /;/, $a->{headers}{'content-type'} // '-';
    return "$a->{status} $type $code";
}

sub detail {
    my ($a) = @_;
    my $d = eval { JSON::PP->new->utf8->decode($a->{body}) };
    return ref $d eq 'HASH' ? $d->{detail} // '' : '';
}
sub is_korean { return $_[0] =~ /\p{Hangul}/ ? 'Korean' : 'not Korean' }

# request(LINE, HEADER, ..., {vhost => NAME, body => BYTES}): the bytes of a
# request, and the vhost to send them to, as exchange() takes them.
sub request {
    my ($line, @headers) = @_;
    my %o = ref $headers[-1] eq 'HASH' ? %{ pop @headers } : ();
    my $hostport = vhost_hostport($o{vhost});
    return (join("\r\n", $line, "Host: $hostport", @headers, '') . "\r\n" . ($o{body} // ''),
            vhost => $o{vhost});
}

my $user = new_user();
my $auth = "Authorization: Bearer $user->{access}";
my ($r0, $p0) = api(POST => '/posts/', token => $user->{access},
                    body => { board => 1, title => '사진 ' . hangul(3), content => '미디어 시험' });
die 'post: ' . $r0->content unless $r0->code == 201;
my $post = $p0->{id};

# --- a header over LimitRequestFieldSize (8 KB): 400 ------------------------------------

{
    my $big = 'Authorization: Bearer ' . ('a' x 9000);
    my $a = exchange(request('GET /api/accounts/me/ HTTP/1.1', $big, 'Connection: close'));
    ok t_cmp(seen($a), '400 application/json parse_error', 'a 9 KB token: 400 JSON parse_error');
    ok t_cmp(detail($a), 'Malformed request.', 'a 9 KB token: the English detail');
    ok t_cmp($a->{headers}{vary} // '', qr/Accept-Language/i, 'a 9 KB token: Vary: Accept-Language');
    # httpd keeps a header once it has read the next one: Accept-Language
    # must come before another header to be known when the big one fails
    $a = exchange(request('GET /api/accounts/me/ HTTP/1.1', 'Accept-Language: ko', 'X-Pad: 1', $big,
                          'Connection: close'));
    ok t_cmp(seen($a), '400 application/json parse_error', 'a 9 KB token, Accept-Language: ko: same code');
    ok t_cmp(detail($a), '잘못된 요청입니다.', 'a 9 KB token, Accept-Language: ko: the Korean detail');
    $a = exchange(request('POST /api/posts/ HTTP/1.1', 'X-Big: ' . ('b' x 9000), 'Connection: close'));
    ok t_cmp(seen($a), '400 application/json parse_error', 'any header over the limit, on a POST: JSON');
}

# --- a request line over LimitRequestLine (8 KB): 414 -----------------------------------

{
    my $a = exchange(request('GET /api/posts/?q=' . ('a' x 9000) . ' HTTP/1.1', 'Connection: close'));
    ok t_cmp(seen($a), '414 application/json uri_too_long', 'a 9 KB query string: 414 JSON uri_too_long');
    ok t_cmp(detail($a), 'Request URI is too long.', 'a 9 KB query string: the detail');
    $a = exchange(request('GET /api/' . ('x' x 9000) . ' HTTP/1.1', 'Connection: close'));
    ok t_cmp(seen($a), '414 application/json uri_too_long', 'a 9 KB path under /api: 414 JSON');
    $a = exchange(request('GET /api HTTP/1.1', 'Connection: close'));   # the mount itself
    ok t_cmp($a->{headers}{'content-type'} // '', qr{^application/json}, 'GET /api (sanity): JSON');
}

# --- %2F and bad escapes in the path: 404 and 400 --------------------------------------

{
    my $a = exchange(request("GET /api/posts%2F$post/ HTTP/1.1", 'Connection: close'));
    ok t_cmp(seen($a), '404 application/json not_found', '%2F in the path: 404 JSON not_found');
    ok t_cmp(detail($a), 'Not found.', '%2F in the path: the English detail');
    $a = exchange(request("GET /api/posts%2F$post/ HTTP/1.1", 'Accept-Language: ko', 'Connection: close'));
    ok t_cmp(seen($a) . ' ' . is_korean(detail($a)), '404 application/json not_found Korean',
             '%2F in the path, Accept-Language: ko: the Korean detail, same code');
    ok t_cmp(detail($a), '찾을 수 없습니다.', '%2F, Accept-Language: ko: "찾을 수 없습니다."');
    $a = exchange(request('DELETE /api/media%2F1/ HTTP/1.1', $auth, 'Connection: close'));
    ok t_cmp(seen($a), '404 application/json not_found', '%2F on a DELETE: 404 JSON');
    $a = exchange(request('GET /api/posts%zz/ HTTP/1.1', 'Connection: close'));
    ok t_cmp(seen($a), '400 application/json parse_error', 'a bad escape in the path: 400 JSON parse_error');
    $a = exchange(request('HEAD /api/posts%2F1/ HTTP/1.1', 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-') . " [$a->{body}]",
             '404 application/json []', 'HEAD with %2F: 404, JSON type, no body');
}

# --- LimitRequestBody (4096 on et_smallbody): 413 ---------------------------------------

{
    my $body = '{"login_id":"x","password":"' . ('p' x 5000) . '"}';
    my $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                             'Content-Length: ' . length($body), 'Connection: close',
                             { vhost => 'et_smallbody', body => $body }));
    ok t_cmp(seen($a), '413 application/json payload_too_large',
             'Content-Length over LimitRequestBody: 413 JSON payload_too_large, one answer');
    $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                          'Content-Length: ' . length($body), 'Accept-Language: ko', 'Connection: close',
                          { vhost => 'et_smallbody', body => $body }));
    ok t_cmp(seen($a) . ' ' . detail($a), '413 application/json payload_too_large 요청 본문이 너무 큽니다.',
             'over LimitRequestBody, Accept-Language: ko: the Korean detail');

    my $chunks = join('', map { sprintf("%x\r\n%s\r\n", 1500, 'c' x 1500) } 1 .. 4) . "0\r\n\r\n";
    $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                          'Transfer-Encoding: chunked', 'Connection: close',
                          { vhost => 'et_smallbody', body => $chunks }));
    ok t_cmp(seen($a), '413 application/json payload_too_large',
             'a chunked body over LimitRequestBody: 413 JSON payload_too_large');

    my $img = $JPEG . ("\0" x 6000);
    $a = exchange(request("POST /api/posts/$post/media/ HTTP/1.1", $auth, 'Content-Type: image/jpeg',
                          'Content-Length: ' . length($img), 'Connection: close',
                          { vhost => 'et_smallbody', body => $img }));
    ok t_cmp(seen($a), '413 application/json payload_too_large', 'a media upload over LimitRequestBody: 413 JSON');
    $a = exchange(request("POST /api/posts/$post/media/ HTTP/1.1", $auth, 'Content-Type: image/jpeg',
                          'Transfer-Encoding: chunked', 'Connection: close',
                          { vhost => 'et_smallbody', body => sprintf("%x\r\n", length $img) . "$img\r\n0\r\n\r\n" }));
    ok t_cmp(seen($a), '413 application/json payload_too_large', 'a chunked media upload over LimitRequestBody: 413 JSON');
    my ($res, $d) = api(GET => "/posts/$post/");
    ok t_cmp(scalar @{ $d->{media} // [] }, 0, 'no upload refused by httpd was stored');
}

# --- bad chunking: 400, not 413 ----------------------------------------------------------

{
    my %bad = (
        'a chunk size that is not hex' => "zz\r\n{}\r\n0\r\n\r\n",
        'a chunk longer than its size'  => "2\r\n{}xx\r\n0\r\n\r\n",
        'a size line without CRLF'      => "2\n{}\r\n0\r\n\r\n",
    );
    for my $what (sort keys %bad) {
        my $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                                 'Transfer-Encoding: chunked', 'Connection: close', { body => $bad{$what} }));
        ok t_cmp(seen($a), '400 application/json parse_error', "$what: 400 JSON parse_error, one answer");
    }
    my $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                             'Transfer-Encoding: chunked', 'Accept-Language: ko', 'Connection: close',
                             { body => "zz\r\n{}\r\n0\r\n\r\n" }));
    ok t_cmp(seen($a) . ' ' . is_korean(detail($a)), '400 application/json parse_error Korean',
             'bad chunking, Accept-Language: ko: Korean');
    $a = exchange(request("POST /api/posts/$post/media/ HTTP/1.1", $auth, 'Content-Type: image/jpeg',
                          'Transfer-Encoding: chunked', 'Connection: close',
                          { body => "1x\r\n$JPEG\r\n0\r\n\r\n" }));
    ok t_cmp(seen($a), '400 application/json parse_error', 'a badly chunked media upload: 400 JSON, not 413');
    $a = exchange(request('GET /api/health/ HTTP/1.1', 'Transfer-Encoding: chunked', 'Connection: close',
                          { body => "zz\r\n" }));
    ok t_cmp(seen($a), '400 application/json parse_error',
             'a route that reads no body, sent a badly chunked one: 400 JSON, one answer');
    $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Transfer-Encoding: gzip', 'Connection: close'));
    ok t_cmp(seen($a), '400 application/json parse_error', 'an unknown Transfer-Encoding: 400 JSON');
    my ($res, $d) = api(GET => "/posts/$post/");
    ok t_cmp(scalar @{ $d->{media} // [] }, 0, 'no badly chunked upload was stored');
}

# --- a body cut short --------------------------------------------------------------------

{
    my $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                             'Content-Length: 100', 'Connection: close', { body => '{"login_id":' }),
                     half_close => 1);
    ok t_cmp(seen($a), '400 application/json parse_error', 'a body shorter than its Content-Length: 400 JSON');
    ok t_cmp(detail($a), 'The request body could not be read.', 'a body cut short: the detail says so');
}

# --- a declared 500 MB body is not read after its 413 ---------------------------------------

{
    my $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                             'Content-Length: 500000000', { body => '{"login_id":"x",' }));
    ok t_cmp(seen($a), '413 application/json payload_too_large',
             'Content-Length: 500000000 with a few bytes sent: 413 JSON');
    ok t_cmp($a->{seconds} < 5 ? 'at once' : sprintf('after %.1f s', $a->{seconds}), 'at once',
             'Content-Length: 500000000: the 413 comes at once, the body is not waited for');
    ok t_cmp(($a->{closed} ? 'closed' : 'open') . ' ' . lc($a->{headers}{connection} // ''), 'closed close',
             'Content-Length: 500000000: Connection: close, and the server closes it');

    $a = exchange(request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                          'Content-Length: 500000000', 'Accept-Language: ko', { body => '{' }));
    ok t_cmp(seen($a) . ' ' . is_korean(detail($a)) . ' ' . ($a->{seconds} < 5 ? 'at once' : 'late'),
             '413 application/json payload_too_large Korean at once', 'the same in Korean, at once');

    $a = exchange(request("POST /api/posts/$post/media/ HTTP/1.1", $auth, 'Content-Type: image/jpeg',
                          'Content-Length: 500000000', { body => $JPEG }));
    ok t_cmp(seen($a), '413 application/json payload_too_large', 'a 500 MB media upload declared: 413 JSON');
    ok t_cmp(($a->{seconds} < 5 ? 'at once' : 'late') . ' ' . ($a->{closed} ? 'closed' : 'open'),
             'at once closed', 'a 500 MB media upload declared: at once, connection closed');

    # keep-alive is not confused after a body that was read whole
    my $ok = '{"login_id":"nobody-' . unique('k') . '","password":"whatever 12"}';
    my ($first) = request('POST /api/accounts/login/ HTTP/1.1', 'Content-Type: application/json',
                          'Content-Length: ' . length($ok), { body => $ok });
    my ($second) = request('GET /api/health/ HTTP/1.1', 'Connection: close');
    my $two = $first . $second;
    $a = exchange($two);
    my @statuses = ($a->{status}, $a->{body} =~ m{HTTP/1\.1 (\d{3})}g);
    ok t_cmp(join(' ', @statuses), '401 200', 'two requests on one connection: both answered');
}

# --- other locations keep httpd's own answers --------------------------------------------

{
    my $a = exchange(request('GET /not-the-api%2Fx HTTP/1.1', 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-'), qr{^404 text/html},
             '%2F outside the API: httpd\'s HTML 404');
    $a = exchange(request('GET /not-the-api/' . ('x' x 9000) . ' HTTP/1.1', 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-'), qr{^414 text/html},
             'an over-long URI outside the API: httpd\'s HTML 414');
    $a = exchange(request('GET /apiary%2Fx HTTP/1.1', 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-'), qr{^404 text/html},
             '/apiary is not under /api: HTML');
    $a = exchange(request('GET /protected/x HTTP/1.1', 'X-Big: ' . ('b' x 9000), 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-'), qr{^400 text/html},
             'a header over the limit outside the API: HTML');
    $a = exchange(request('GET /media/none.jpg HTTP/1.1', 'Connection: close'));
    ok t_cmp("$a->{status} " . ($a->{headers}{'content-type'} // '-'), qr{^404 text/html},
             'a missing media file (httpd serves /media/): HTML');
}

# --- the API's own answers are untouched ----------------------------------------------------

{
    my $a = exchange(request('GET /api/no/such/route/ HTTP/1.1', 'Connection: close'));
    ok t_cmp(seen($a), '404 application/json not_found', 'an unknown route: the router\'s 404');
    $a = exchange(request('GET /api/accounts/me/ HTTP/1.1', 'Connection: close'));
    ok t_cmp(seen($a) . ' ' . ($a->{headers}{'www-authenticate'} // '-'),
             '401 application/json not_authenticated Bearer realm="api"', 'a 401 keeps its WWW-Authenticate');
    $a = exchange(request('GET /api/health/ HTTP/1.1', 'Connection: close'));
    ok t_cmp($a->{status}, 200, 'GET /api/health/: 200');
}
