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

my $JSON = JSON::PP->new->utf8->canonical;
my $counter = 0;

# A value unique to this run and test file, for login ids and nicknames.
sub unique {
    my ($prefix) = @_;
    $counter++;
    return sprintf('%s%d%d%d', $prefix // 'u', $$ % 100000, time() % 100000, $counter);
}

# The absolute URL of an API path on a vhost ('' or undef: the main server).
sub api_url {
    my ($path, $vhost) = @_;
    my $hostport = Apache::TestRequest::hostport(Apache::Test::config(), $vhost || undef);
    $hostport = Apache::TestRequest::hostport() unless $vhost;
    return "http://$hostport/api$path";
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

1;
