package ETest;
# Helpers shared by the Apache::Test suite: JSON requests against the API
# (on the main server or a named <VirtualHost>), users, and hand-made JWTs.
use strict;
use warnings;
use Apache::Test ();
use Apache::TestRequest ();
use LWP::UserAgent ();
use HTTP::Request ();
use JSON::PP ();
use MIME::Base64 qw(encode_base64);
use Digest::SHA qw(hmac_sha256);
use Exporter 'import';

our @EXPORT = qw(api api_url new_user login admin_login jwt_encode b64url hs256_secret
                 keyfile json_has_value unique);
our @EXPORT_OK = qw(hangul raw_http query_escape);

my $JSON = JSON::PP->new->utf8->canonical;
my $counter = 0;

# A value unique to this run and test file, for login ids and nicknames.
sub unique {
    my ($prefix) = @_;
    $counter++;
    return sprintf('%s%d%d%d', $prefix // 'u', $$ % 100000, time() % 100000, $counter);
}

# host:port of a <VirtualHost> by its name ('' or undef: the main server).
# Apache::TestRequest::hostport() takes no vhost argument: it reads the
# vhost from $Apache::TestRequest::Module.
sub vhost_hostport {
    my ($vhost) = @_;
    local $Apache::TestRequest::Module = $vhost || 'default';
    my $hostport = Apache::TestRequest::hostport(Apache::Test::config());
    die "no such vhost '$vhost' in the test configuration\n"
        if $vhost && !Apache::Test::config()->{vhosts}{$vhost};
    return $hostport;
}

# The absolute URL of an API path on a vhost ('' or undef: the main server).
sub api_url {
    my ($path, $vhost) = @_;
    return "http://" . vhost_hostport($vhost) . "/api$path";
}

# api(METHOD, PATH, body => REF|undef, raw => STRING, token => JWT,
#     headers => [name => value, ...], vhost => NAME, type => CONTENT-TYPE)
# Returns (HTTP::Response, decoded JSON or undef).
sub api {
    my ($method, $path, %o) = @_;
    my $req = HTTP::Request->new($method => api_url($path, $o{vhost}));
    if (exists $o{body}) {
        $req->content($JSON->encode($o{body}));
        $req->header('Content-Type' => $o{type} // 'application/json');
    } elsif (defined $o{raw}) {
        $req->content($o{raw});
        $req->header('Content-Type' => $o{type}) if defined $o{type};
    }
    $req->header('Authorization' => "Bearer $o{token}") if $o{token};
    my @h = @{ $o{headers} || [] };
    while (my ($k, $v) = splice(@h, 0, 2)) {
        $req->push_header($k => $v);
    }
    $req->header('Content-Length' => length($req->content // ''));
    my $ua = LWP::UserAgent->new(keep_alive => 0, timeout => 30);
    my $res = $ua->request($req);
    my $data = eval { $JSON->decode($res->content) };
    return ($res, $data);
}

# Signs up a fresh user; returns {login_id, password, id, access, refresh, user}.
sub new_user {
    my (%o) = @_;
    my $login = $o{login_id} // unique('user');
    my $pw = $o{password} // 'correct horse 1';
    my ($res, $d) = api(POST => '/accounts/signup/', vhost => $o{vhost}, body => {
        login_id => $login, password => $pw, email => "$login\@example.com",
        nickname => $o{nickname} // $login, school_id => $o{school_id} // 1,
        admission_year => 2022 });
    die "signup failed: " . $res->status_line . ' ' . $res->content unless $res->code == 201;
    return { login_id => $login, password => $pw, id => $d->{user}{id},
             access => $d->{token}{access}, refresh => $d->{token}{refresh}, user => $d->{user} };
}

# Logs in; returns (HTTP::Response, decoded JSON).
sub login {
    my ($login, $pw, %o) = @_;
    return api(POST => '/accounts/login/', vhost => $o{vhost},
               body => { login_id => $login, password => $pw });
}

# The seeded administrator's tokens.
sub admin_login {
    my (%o) = @_;
    my ($res, $d) = login('admin', 'adminpass123!', %o);
    die 'admin login failed: ' . $res->content unless $res->code == 200;
    return { access => $d->{token}{access}, refresh => $d->{token}{refresh},
             id => $d->{user}{id} };
}

sub b64url {
    my ($bytes) = @_;
    my $s = encode_base64($bytes, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

# A JWT from a header and payload (hashes or raw JSON strings), signed with
# HS256 over the key unless a signature string is given.
sub jwt_encode {
    my ($header, $payload, %o) = @_;
    my $h = ref $header ? $JSON->encode($header) : $header;
    my $p = ref $payload ? $JSON->encode($payload) : $payload;
    my $input = b64url($h) . '.' . b64url($p);
    my $sig = exists $o{signature} ? $o{signature}
            : b64url(hmac_sha256($input, $o{key} // hs256_secret()));
    return "$input.$sig";
}

sub keyfile {
    my ($name) = @_;
    return Apache::Test::vars('t_dir') . "/keys/$name";
}

sub hs256_secret {
    open my $fh, '<', keyfile('hs256_secret') or die "hs256_secret: $!";
    local $/;
    my $s = <$fh>;
    $s =~ s/[\r\n]+$//;
    return $s;
}

# True when the value appears anywhere (as a string) inside a decoded JSON tree.
sub json_has_value {
    my ($tree, $value) = @_;
    return 0 unless defined $tree;
    if (ref $tree eq 'HASH') {
        return 1 if grep { json_has_value($_, $value) } values %$tree;
        return 1 if grep { $_ eq $value } keys %$tree;
        return 0;
    }
    if (ref $tree eq 'ARRAY') {
        return (grep { json_has_value($_, $value) } @$tree) ? 1 : 0;
    }
    return !ref($tree) && $tree eq $value ? 1 : 0;
}

# $n random Hangul syllables (U+AC00..U+D7A3) as a Perl character string:
# Korean text that is unique enough for nicknames and names.
sub hangul {
    my ($n) = @_;
    return join '', map { chr(0xAC00 + int(rand(11172))) } 1 .. ($n // 4);
}

# A query-string value: the UTF-8 bytes of a character string, percent-encoded.
sub query_escape {
    my ($s) = @_;
    my $b = $s;
    utf8::encode($b) if utf8::is_utf8($b);
    $b =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $b;
}

# Sends REQUEST (the bytes of a whole HTTP/1.1 request, "Connection: close"
# is up to the caller) to the server (or a vhost) over a plain socket, for
# what LWP cannot send (chunked bodies, odd framing). Returns (status,
# {lower-case header => value}, body bytes); status is 0 when nothing came back.
sub raw_http {
    my ($request, %o) = @_;
    require IO::Socket::INET;
    my $hostport = vhost_hostport($o{vhost});
    my $sock = IO::Socket::INET->new(PeerAddr => $hostport, Timeout => 30)
        or die "raw_http: connect $hostport: $!";
    binmode $sock;
    local $SIG{PIPE} = 'IGNORE';
    print {$sock} $request;
    local $/;
    my $answer = <$sock> // '';
    close $sock;
    my ($head, $body) = split /\r\n\r\n/, $answer, 2;
    return (0, {}, '') unless defined $head && $head =~ m{^HTTP/\d\.\d (\d{3})};
    my $status = $1;
    my %h;
    for my $line (split /\r\n/, $head) {
        $h{ lc $1 } = $2 if $line =~ /^([^:\s]+):\s*(.*)$/;
    }
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    return ($status, \%h, $body // '');
}

# --- tokens, outcomes and concurrency (token_security.t, revocation.t, ...) ---

push @EXPORT_OK, qw(vhost_hostport b64url_decode jwt_decode jwt_sign_pem openssl_genkey outcome
                    error_outcome server_url together);

sub b64url_decode {
    my ($s) = @_;
    return undef unless defined $s && $s =~ /^[A-Za-z0-9_-]*$/;
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return MIME::Base64::decode_base64($s);
}

# (header, payload, signature text) of a JWT; the JSON parts decoded, undef
# where a part does not decode.
sub jwt_decode {
    my ($token) = @_;
    my ($h, $p, $s) = split /\./, $token // '', 3;
    my $dec = sub { my $b = b64url_decode($_[0]); defined $b ? eval { $JSON->decode($b) } : undef };
    return ($dec->($h), $dec->($p), $s);
}

# The DER ECDSA signature (SEQUENCE of INTEGER r, INTEGER s) as the JOSE
# form: r and s, each left-padded to $n bytes.
sub _der_to_raw {
    my ($der, $n) = @_;
    my @b = unpack 'C*', $der;
    my $i = 0;
    my $len = sub {
        my $l = $b[$i++];
        return $l if $l < 0x80;
        my $k = $l & 0x7f;
        $l = 0;
        $l = ($l << 8) | $b[$i++] for 1 .. $k;
        return $l;
    };
    die "ES signature is not a DER SEQUENCE\n" unless $b[$i++] == 0x30;
    $len->();
    my $out = '';
    for (1, 2) {
        die "ES signature: INTEGER expected\n" unless $b[$i++] == 0x02;
        my $l = $len->();
        my $int = pack 'C*', @b[$i .. $i + $l - 1];
        $i += $l;
        $int =~ s/^\x00+//;
        die "ES signature: integer too long\n" if length($int) > $n;
        $out .= ("\x00" x ($n - length $int)) . $int;
    }
    return $out;
}

# A JWT signed by the openssl command line with a PEM private key: RS256 or
# ES256, taken from the header (a hash) unless alg => is given. The header
# and payload may be hashes or raw JSON strings, as for jwt_encode. An ES256
# signature is converted to JOSE's r||s unless der => 1 asks for openssl's DER.
sub jwt_sign_pem {
    my ($header, $payload, $keyfile, %o) = @_;
    my $alg = $o{alg} // (ref $header ? $header->{alg} : undef) // 'RS256';
    my $h = ref $header ? $JSON->encode($header) : $header;
    my $p = ref $payload ? $JSON->encode($payload) : $payload;
    my $input = b64url($h) . '.' . b64url($p);
    require File::Temp;
    my $tmp = File::Temp->new;
    binmode $tmp;
    print {$tmp} $input;
    close $tmp;
    open my $fh, '-|', 'openssl', 'dgst', '-sha256', '-sign', $keyfile, '-binary', $tmp->filename
        or die "openssl: $!";
    binmode $fh;
    local $/;
    my $sig = <$fh>;
    close $fh or die "openssl dgst -sign $keyfile failed\n";
    $sig = _der_to_raw($sig, 32) if $alg =~ /^ES256$/i && !$o{der};
    return "$input." . b64url($sig);
}

# Generates a private key (type RSA or EC P-256) in $dir; returns its path.
sub openssl_genkey {
    my ($type, $dir) = @_;
    my $path = "$dir/" . lc($type) . "_" . unique('k') . ".pem";
    my @opt = $type eq 'EC' ? ('-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256')
                            : ('-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048');
    system('openssl', 'genpkey', @opt, '-out', $path) == 0 or die "openssl genpkey $type failed\n";
    return $path;
}

# "STATUS BODY" of an answer, the body as canonical JSON when it is JSON:
# one string to compare with t_cmp.
sub outcome {
    my ($res, $data) = @_;
    return $res->code . ' ' . (defined $data ? $JSON->encode($data) : $res->content);
}

# The outcome() string of the standard authentication errors.
my %AUTH_ERRORS = (
    token_not_valid => { detail => 'Given token not valid for any token type',
                         code => 'token_not_valid',
                         messages => [{ token_class => 'AccessToken', token_type => 'access',
                                        message => 'Token is invalid or expired' }] },
    token_invalid => { detail => 'Token is invalid or expired', code => 'token_not_valid' },
    not_authenticated => { detail => 'Authentication credentials were not provided.',
                           code => 'not_authenticated' },
    bad_authorization_header => {
        detail => 'Authorization header must contain two space-delimited values',
        code => 'bad_authorization_header' },
    authentication_failed => { detail => 'No active account found with the given credentials',
                               code => 'authentication_failed' },
);
sub error_outcome {
    my ($name) = @_;
    die "error_outcome: unknown $name" unless $AUTH_ERRORS{$name};
    return '401 ' . $JSON->encode($AUTH_ERRORS{$name});
}

# The absolute URL of a path outside the API (e.g. '/protected/').
sub server_url {
    my ($path, $vhost) = @_;
    return 'http://' . vhost_hostport($vhost) . $path;
}

# Runs $code in $n forked children that start together (each waits for the
# same pipe to close), and returns what each returned (a string, one line),
# in child order. Children that die return "died: <message>". Options:
#   prepare => sub { my ($i) = @_; ... }   runs in each child before it says
#               it is ready (e.g. connect and send all but the last byte);
#               what it returns is $code's second argument
#   settle => SECONDS   waited after every child is ready, before the start
sub together {
    my ($n, $code, %o) = @_;
    require File::Temp;
    my $dir = File::Temp->newdir;
    pipe(my $go_r, my $go_w) or die "pipe: $!";
    pipe(my $ready_r, my $ready_w) or die "pipe: $!";
    my @pids;
    for my $i (1 .. $n) {
        defined(my $pid = fork) or die "fork: $!";
        if (!$pid) {
            close $go_w;
            close $ready_r;
            my $state = $o{prepare} ? eval { $o{prepare}->($i) } : undef;
            my $failed = $@;
            syswrite $ready_w, 'r';
            close $ready_w;
            sysread $go_r, my $x, 1;    # EOF when the parent closes its end
            $@ = $failed;
            my $out = $failed ? undef : eval { $code->($i, $state) };
            $out = 'died: ' . ($@ =~ s/\n.*//sr) unless defined $out;
            if (open my $fh, '>', "$dir/$i") {
                print {$fh} $out;
                close $fh;
            }
            require POSIX;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $go_r;
    close $ready_w;
    my $got = 0;
    while ($got < $n && sysread($ready_r, my $buf, $n)) { $got += length $buf }
    select(undef, undef, undef, $o{settle}) if $o{settle};
    close $go_w;                        # go
    waitpid($_, 0) for @pids;
    my @out;
    for my $i (1 .. $n) {
        my $s = '';
        if (open my $fh, '<', "$dir/$i") { local $/; $s = <$fh> // '' }
        push @out, $s;
    }
    return @out;
}

# --- the suite's database, directly (media.t) -------------------------------------
# build/test names it in ET_TEST_DBDRIVER and ET_TEST_DBPARAMS.

push @EXPORT_OK, qw(db_query db_session);

# The command line of the database's own client. root => 1: MariaDB's root
# account over the server's socket (build/test's throwaway server has no
# root password), for what the API's account may not do (BACKUP STAGE).
sub _db_client {
    my (%o) = @_;
    my $driver = $ENV{ET_TEST_DBDRIVER} // '';
    my $params = $ENV{ET_TEST_DBPARAMS} // '';
    # wait out a busy httpd (a drain thread, a write) instead of failing at once
    return ('sqlite3', '-batch', '-cmd', '.timeout 10000', $params) if $driver eq 'sqlite3';
    return ('psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', $params) if $driver eq 'pgsql';
    die "db: unknown driver '$driver'\n" unless $driver eq 'mysql';
    my %my = (host => '127.0.0.1', port => 3306, user => 'everytime', pass => '', dbname => 'everytime');
    $my{$1} = $2 while $params =~ /(\w+)=(\S*)/g;
    $ENV{MYSQL_PWD} = $my{pass};
    my @base = ('mariadb', '--no-defaults', '-N', '-B', '-n');
    if ($o{root}) {
        my ($socket) = db_query("SHOW VARIABLES LIKE 'socket'") =~ /^socket\s+(\S+)/
            or die "db: the server's socket is unknown\n";
        delete $ENV{MYSQL_PWD};    # root has none; the API account's would be refused
        return (@base, '-u', 'root', "--socket=$socket", $my{dbname});
    }
    return (@base, '-u', $my{user}, '--protocol=tcp', '-h', $my{host}, '-P', $my{port}, $my{dbname});
}

# Runs SQL with the database's client; its output, trailing space removed.
# Dies when the client fails.
sub db_query {
    my ($sql) = @_;
    my @cmd = _db_client();
    push @cmd, $cmd[0] eq 'mariadb' ? ('-e', $sql) : $cmd[0] eq 'psql' ? ('-c', $sql) : $sql;
    open my $fh, '-|', @cmd or die "db_query: $cmd[0]: $!\n";
    my $out = do { local $/; <$fh> } // '';
    close $fh or die "db_query: $cmd[0] failed on: $sql\n";
    $out =~ s/\s+$//;
    return $out;
}

# A client session that stays open, for what must hold across requests (a
# lock, a backup stage): $s->run(SQL) sends it and waits until it has run;
# $s->close ends the session (and so whatever it held).
sub db_session {
    my (%o) = @_;
    require IPC::Open2;
    my @cmd = _db_client(%o);
    my $pid = IPC::Open2::open2(my $out, my $in, @cmd);
    print {$in} ".timeout 10000\n" if $cmd[0] eq 'sqlite3';    # wait out a busy httpd
    return bless { pid => $pid, out => $out, in => $in }, 'ETest::DbSession';
}

package ETest::DbSession;

sub run {
    my ($s, $sql) = @_;
    my $mark = 'done' . int(rand(1e9));
    print { $s->{in} } "$sql\nSELECT '$mark';\n";
    $s->{in}->flush;
    while (defined(my $line = readline $s->{out})) {
        return 1 if $line =~ /\Q$mark\E/;
    }
    die "db_session: the client ended before running: $sql\n";
}

sub close {
    my ($s) = @_;
    return unless $s->{pid};
    close $s->{in};
    close $s->{out};
    waitpid $s->{pid}, 0;
    $s->{pid} = undef;
}

sub DESTROY { $_[0]->close }

package ETest;


# --- what many test files ask of an answer ------------------------------------------

push @EXPORT_OK, qw(verdict results keys_of new_post);

# "<status> <code or -> <sorted error fields>": one string a test compares,
# so a failure shows the whole answer's shape at once.
sub verdict {
    my ($res, $d) = @_;
    my $code = ref $d eq 'HASH' ? ($d->{code} // '-') : '-';
    my $fields = ref $d eq 'HASH' && ref $d->{errors} eq 'HASH'
               ? join(',', sort keys %{ $d->{errors} }) : '';
    return join ' ', $res->code, $code, $fields;
}

# The items of a list answer ({"results": [...]}), or () for anything else.
sub results { my ($d) = @_; return ref $d eq 'HASH' && ref $d->{results} eq 'ARRAY' ? @{ $d->{results} } : () }

# An object's keys, sorted and joined, or 'not an object'.
sub keys_of { my ($h) = @_; return ref $h eq 'HASH' ? join(',', sort keys %$h) : 'not an object' }

# A new post by $who (a user from new_user) on board 1 unless %fields say
# otherwise; returns the Post answered. Dies unless it was created.
sub new_post {
    my ($who, %fields) = @_;
    my ($res, $d) = api(POST => '/posts/', token => $who->{access}, body => {
        board => 1, title => '시험 글 ' . hangul(3), content => '본문입니다',
        is_anonymous => JSON::PP::false, is_question => JSON::PP::false, %fields });
    die 'post failed: ' . $res->content unless $res->code == 201;
    return $d;
}

1;
