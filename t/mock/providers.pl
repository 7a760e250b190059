#!/usr/bin/perl
# t/mock/providers.pl: Kakao, Google and Apple as far as mod_everytime talks
# to them, on 127.0.0.1, for the Apache::Test suite. t/TEST.PL starts it
# before httpd (the port is in httpd's configuration) and stops it after.
#
#   perl t/mock/providers.pl PORT APPLE_KEY_PEM STATE_DIR
#
# What a credential (Kakao access token, Google/Apple authorization code)
# makes the mock answer:
#   ok.<id>         the account <id> (Kakao: numeric id; Google/Apple: sub)
#   noemail.<id>    Kakao: the account without an email
#   reject          the provider says no (Kakao 401, Google/Apple 400 invalid_grant)
#   slow            sleeps 8 s, then answers as for ok.1
#   garbage         200 with a body that is not JSON
#   noid            Kakao: JSON without an id
#   badsig.<sub>    an id_token signed by a key the JWKS does not hold, under its kid
#   expired.<sub>   an id_token whose exp has passed
#   wrongaud.<sub>  an id_token for another client
#   wrongiss.<sub>  an id_token from another issuer
#   rotated.<sub>   an id_token under a new kid, which the JWKS serves from then on
#   hs256.<sub>     an id_token with alg HS256 (keyed with the public modulus)
# Apple's client_secret (an ES256 JWT) is verified with the public half of
# APPLE_KEY_PEM; a bad one answers 400 invalid_client.
#
# Each connection is served by its own child, so a slow answer holds up
# nobody else; a connection is kept alive (HTTP/1.1) until the client closes it
# or leaves it idle for 10 s, as a provider would. GET /_stats answers
# {"requests": N, "connections": M}: the provider requests served so far, and
# over how many connections (t/api/social.t proves that the calls of a login
# share one); /_stats itself is not counted. The mock exits when its parent
# does.
use strict;
use warnings;

use Crypt::JWT qw(encode_jwt decode_jwt);
use Crypt::PK::ECC ();
use Crypt::PK::RSA ();
use HTTP::Daemon ();
use HTTP::Response ();
use JSON::PP ();
use URI ();

my ($port, $apple_key_file, $state) = @ARGV;
die "usage: $0 PORT APPLE_KEY_PEM STATE_DIR\n" unless $port && $apple_key_file && $state;

# the client ids and Apple ids of t/conf/extra.conf.in
my %CONF = (
    google_client => 'test-google-client',
    google_secret => 'test-google-secret',
    apple_client  => 'test.apple.client',
    apple_team    => 'TESTTEAM01',
    apple_kid     => 'TESTKEY001',
);

my $JSON = JSON::PP->new->utf8->canonical;
my %KEY = map { $_ => Crypt::PK::RSA->new->generate_key(256, 65537) } qw(g1 g2 a1 a2 evil);
my $apple_pub = Crypt::PK::ECC->new($apple_key_file);

my $parent = getppid();
my $d = HTTP::Daemon->new(LocalAddr => '127.0.0.1', LocalPort => $port, ReuseAddr => 1,
                          Listen => 64, Timeout => 1)
    or die "mock providers: cannot listen on 127.0.0.1:$port: $!\n";
$SIG{CHLD} = 'IGNORE';
open my $ready, '>', "$state/ready" or die "$state/ready: $!";
close $ready;

while (getppid() == $parent) {
    my $c = $d->accept or next;
    my $pid = fork;
    if (defined $pid && $pid == 0) {
        serve($c);
        exit 0;
    }
    $c->close;
}
exit 0;

sub serve {
    my ($c) = @_;
    my $conn = "$$." . time . '.' . int(rand(1 << 30));
    $c->timeout(10);
    while (my $req = $c->get_request) {
        my $res;
        if ($req->uri->path eq '/_stats') {
            $res = stats();
        } else {
            count($conn);
            $res = eval { answer($req) } || json_res(500, { error => "mock: " . ($@ || 'no answer') });
        }
        $c->send_response($res);
    }
    $c->close;
}

# One line per request served, naming its connection; appends of one short
# line are atomic, so the children need no lock.
sub count {
    my ($conn) = @_;
    open my $fh, '>>', "$state/requests" or die "$state/requests: $!";
    syswrite $fh, "$conn\n";
    close $fh;
}

sub stats {
    my %conns;
    my $n = 0;
    if (open my $fh, '<', "$state/requests") {
        while (my $line = <$fh>) {
            chomp $line;
            $conns{$line} = 1;
            $n++;
        }
    }
    return json_res(200, { requests => $n, connections => scalar keys %conns });
}

sub json_res {
    my ($code, $data) = @_;
    my $r = HTTP::Response->new($code);
    $r->header('Content-Type' => 'application/json;charset=UTF-8');
    $r->content($JSON->encode($data));
    return $r;
}

sub garbage {
    my $r = HTTP::Response->new(200);
    $r->header('Content-Type' => 'text/html');
    $r->content('<html><body>502 upstream went fishing</body></html>');
    return $r;
}

sub form {
    my ($req) = @_;
    my $u = URI->new('http:');
    $u->query($req->content // '');
    return { $u->query_form };
}

sub answer {
    my ($req) = @_;
    my $path = $req->uri->path;
    my $m = $req->method;
    return kakao_me($req) if $m eq 'GET' && $path eq '/v2/user/me';
    return google_token($req) if $m eq 'POST' && $path eq '/token';
    return jwks('g') if $m eq 'GET' && $path eq '/certs';
    return apple_token($req) if $m eq 'POST' && $path eq '/auth/token';
    return jwks('a') if $m eq 'GET' && $path eq '/auth/keys';
    return json_res(404, { error => 'not_found' });
}

# --- Kakao ---------------------------------------------------------------------

sub kakao_me {
    my ($req) = @_;
    my ($token) = ($req->header('Authorization') // '') =~ /^Bearer (\S+)$/;
    $token //= '';
    if ($token eq 'slow') {
        sleep 8;
        $token = 'ok.1';
    }
    return garbage() if $token eq 'garbage';
    return json_res(200, { connected_at => '2024-01-01T00:00:00Z' }) if $token eq 'noid';
    my ($kind, $id) = $token =~ /^(ok|noemail)\.(\d{1,18})$/;
    return json_res(401, { msg => 'this access token does not exist', code => -401 }) unless $id;
    my $nick = "kakao$id";
    my %account = (profile => { nickname => $nick }, has_email => JSON::PP::true);
    if ($kind eq 'ok') {
        $account{email} = "k$id\@kakao.test";
        $account{is_email_valid} = JSON::PP::true;
        $account{is_email_verified} = JSON::PP::true;
    }
    return json_res(200, { id => $id + 0, connected_at => '2024-01-01T00:00:00Z',
                           properties => { nickname => $nick }, kakao_account => \%account });
}

# --- Google and Apple: code exchange, id_tokens, JWKS ---------------------------

sub rotated { return -e "$state/rotated_$_[0]" }

sub jwks {
    my ($p) = @_;
    my @kids = ("${p}1", rotated($p) ? ("${p}2") : ());
    my @keys = map {
        my $k = $KEY{$_}->export_key_jwk('public', 1);
        +{ %$k, kid => $_, alg => 'RS256', use => 'sig' }
    } @kids;
    return json_res(200, { keys => \@keys });
}

# The id_token a code stands for; undef for codes that are refused.
sub id_token {
    my ($p, $code, $iss, $aud) = @_;
    my ($kind, $sub) = $code =~ /^(ok|badsig|expired|wrongaud|wrongiss|rotated|hs256)\.([\w.-]{1,200})$/;
    return undef unless $kind;
    my $now = time;
    my %claims = (iss => $iss, aud => $aud, sub => $sub, iat => $now, exp => $now + 3600,
                  email => "$sub\@$p.test", email_verified => JSON::PP::true);
    $claims{email_verified} = 'true' if $p eq 'a';    # Apple sends a string at times
    $claims{exp} = $now - 600 if $kind eq 'expired';
    $claims{aud} = 'someone-else' if $kind eq 'wrongaud';
    $claims{iss} = 'https://evil.test' if $kind eq 'wrongiss';
    my ($kid, $key) = ("${p}1", $KEY{"${p}1"});
    ($key) = $KEY{evil} if $kind eq 'badsig';
    if ($kind eq 'rotated') {
        open my $fh, '>', "$state/rotated_$p" or die "rotated: $!";
        close $fh;
        ($kid, $key) = ("${p}2", $KEY{"${p}2"});
    }
    if ($kind eq 'hs256') {
        my $secret = $KEY{"${p}1"}->export_key_jwk('public', 1)->{n};
        return encode_jwt(payload => \%claims, alg => 'HS256', key => $secret,
                          extra_headers => { kid => $kid, typ => 'JWT' });
    }
    return encode_jwt(payload => \%claims, alg => 'RS256', key => $key,
                      extra_headers => { kid => $kid, typ => 'JWT' });
}

sub exchange {
    my ($p, $f, $iss, $aud) = @_;
    my $code = $f->{code} // '';
    if ($code eq 'slow') {
        sleep 8;
        $code = 'ok.slow';
    }
    return garbage() if $code eq 'garbage';
    return json_res(400, { error => 'invalid_request' })
        unless ($f->{grant_type} // '') eq 'authorization_code';
    my $tok = id_token($p, $code, $iss, $aud);
    return json_res(400, { error => 'invalid_grant' }) unless defined $tok;
    return json_res(200, { access_token => 'mock-access', token_type => 'Bearer',
                           expires_in => 3600, id_token => $tok });
}

sub google_token {
    my ($req) = @_;
    my $f = form($req);
    return json_res(401, { error => 'invalid_client' })
        unless ($f->{client_id} // '') eq $CONF{google_client}
        && ($f->{client_secret} // '') eq $CONF{google_secret} && exists $f->{redirect_uri};
    return exchange('g', $f, 'https://accounts.google.com', $CONF{google_client});
}

# Apple's client_secret: ES256 with our team's key, kid in the header.
sub apple_secret_ok {
    my ($secret) = @_;
    my ($h, $c) = eval {
        decode_jwt(token => $secret // '', key => $apple_pub, accepted_alg => 'ES256',
                   decode_header => 1, verify_exp => 1, verify_iat => 0)
    };
    return 0 unless $c && $h;
    my $aud = ref $c->{aud} ? $c->{aud}[0] : $c->{aud};
    return ($h->{kid} // '') eq $CONF{apple_kid} && ($c->{iss} // '') eq $CONF{apple_team}
        && ($c->{sub} // '') eq $CONF{apple_client} && ($aud // '') eq 'https://appleid.apple.com'
        && defined $c->{iat} && defined $c->{exp};
}

sub apple_token {
    my ($req) = @_;
    my $f = form($req);
    return json_res(400, { error => 'invalid_client' })
        unless ($f->{client_id} // '') eq $CONF{apple_client} && apple_secret_ok($f->{client_secret});
    return exchange('a', $f, 'https://appleid.apple.com', $CONF{apple_client});
}
