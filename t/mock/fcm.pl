#!/usr/bin/perl
# t/mock/fcm.pl: FCM HTTP v1 and Google's token endpoint, as far as
# mod_everytime's push deliverer talks to them, on 127.0.0.1, for
# t/api/push.t, which starts and stops it (a down FCM is this mock stopped).
#
#   perl t/mock/fcm.pl PORT SERVICE_ACCOUNT_JSON STATE_DIR
#
# POST /token: the jwt-bearer grant. The assertion must be RS256, signed by
#   the service account's key (its public half, from the JSON's private_key),
#   with iss = client_email, scope = firebase.messaging, aud = token_uri, iat
#   now (±5 min), exp after iat by at most an hour; else 400 invalid_grant.
#   Answers an access token "mock-fcm-<n>" for an hour.
# POST /v1/projects/<project_id>/messages:send: needs "Bearer <a token it
#   issued>" (else 401) and a JSON {"message": {"token": ...}}. The device
#   token decides the answer:
#     ok-*           200 {"name": "projects/<p>/messages/<n>"}
#     unreg-*        404 with errorCode UNREGISTERED in details
#     bad-*          400 INVALID_ARGUMENT
#     e500x<N>-*     500 the first N times this token is sent to, then 200
#     e503x<N>-*     503 likewise; e429x<N>-* 429
# Every request is appended to STATE_DIR/log as one JSON line:
#   {"path", "status", "body" (the decoded JSON or form), "claims" (token
#   exchange: the assertion's claims, verified)}.
# GET /_log answers those lines as a JSON array (not logged itself).
use strict;
use warnings;

use Crypt::JWT qw(decode_jwt);
use Crypt::PK::RSA ();
use HTTP::Daemon ();
use HTTP::Response ();
use JSON::PP ();
use URI ();

my ($port, $account_file, $state) = @ARGV;
die "usage: $0 PORT SERVICE_ACCOUNT_JSON STATE_DIR\n" unless $port && $account_file && $state;

my $JSON = JSON::PP->new->utf8->canonical;
my $account = do {
    open my $fh, '<', $account_file or die "$account_file: $!";
    local $/;
    $JSON->decode(<$fh>);
};
my $pub = Crypt::PK::RSA->new(\$account->{private_key});
my $SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

my $d = HTTP::Daemon->new(LocalAddr => '127.0.0.1', LocalPort => $port, ReuseAddr => 1,
                          Listen => 64, Timeout => 1)
    or die "mock fcm: cannot listen on 127.0.0.1:$port: $!\n";
$SIG{CHLD} = 'IGNORE';
open my $ready, '>', "$state/ready" or die "$state/ready: $!";
close $ready;

# exits when the test that started it does
my $parent = getppid();
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
    $c->timeout(10);
    while (my $req = $c->get_request) {
        my $res;
        if ($req->uri->path eq '/_log') {
            $res = json_res(200, read_log());
        } else {
            $res = eval { answer($req) } || json_res(500, { error => "mock: " . ($@ || 'no answer') });
        }
        $c->send_response($res);
    }
    $c->close;
}

sub json_res {
    my ($code, $data) = @_;
    my $r = HTTP::Response->new($code);
    $r->header('Content-Type' => 'application/json; charset=UTF-8');
    $r->content($JSON->encode($data));
    return $r;
}

sub record {
    my (%e) = @_;
    open my $fh, '>>', "$state/log" or die "$state/log: $!";
    syswrite $fh, $JSON->encode(\%e) . "\n";
    close $fh;
}

sub read_log {
    my @out;
    if (open my $fh, '<', "$state/log") {
        while (my $line = <$fh>) {
            push @out, $JSON->decode($line);
        }
    }
    return \@out;
}

# How many times a key was seen before (a counter file per key).
sub bump {
    my ($key) = @_;
    $key =~ s/[^\w.-]/_/g;
    my $f = "$state/count_$key";
    my $n = 0;
    if (open my $fh, '<', $f) { $n = <$fh> + 0 }
    open my $fh, '>', $f or die "$f: $!";
    print $fh $n + 1;
    close $fh;
    return $n;
}

sub answer {
    my ($req) = @_;
    my $path = $req->uri->path;
    return token($req) if $req->method eq 'POST' && $path eq '/token';
    return send_message($req, $1)
        if $req->method eq 'POST' && $path =~ m{^/v1/projects/([\w-]+)/messages:send$};
    return json_res(404, { error => 'not_found' });
}

sub token {
    my ($req) = @_;
    my $u = URI->new('http:');
    $u->query($req->content // '');
    my %f = $u->query_form;
    my $claims = eval {
        decode_jwt(token => $f{assertion} // '', key => $pub, accepted_alg => 'RS256',
                   verify_exp => 1, verify_iat => 0)
    };
    my $now = time;
    my $ok = $claims && ($f{grant_type} // '') eq 'urn:ietf:params:oauth:grant-type:jwt-bearer'
        && ($claims->{iss} // '') eq $account->{client_email}
        && ($claims->{scope} // '') eq $SCOPE
        && ($claims->{aud} // '') eq $account->{token_uri}
        && defined $claims->{iat} && abs($claims->{iat} - $now) < 300
        && defined $claims->{exp} && $claims->{exp} > $claims->{iat}
        && $claims->{exp} - $claims->{iat} <= 3600;
    my $n = bump('tokens');
    my $status = $ok ? 200 : 400;
    record(path => '/token', status => $status, body => { grant_type => $f{grant_type} },
           claims => $claims);
    return json_res(400, { error => 'invalid_grant' }) unless $ok;
    return json_res(200, { access_token => "mock-fcm-$n", token_type => 'Bearer', expires_in => 3600 });
}

sub send_message {
    my ($req, $project) = @_;
    my ($bearer) = ($req->header('Authorization') // '') =~ /^Bearer (mock-fcm-\d+)$/;
    my $body = eval { $JSON->decode($req->content) };
    my $token = ref $body eq 'HASH' && ref $body->{message} eq 'HASH' ? $body->{message}{token} // '' : '';
    my ($status, $answer);
    if (!$bearer || $project ne $account->{project_id}) {
        ($status, $answer) = (401, { error => { code => 401, status => 'UNAUTHENTICATED' } });
    } elsif ($token =~ /^ok-/) {
        ($status, $answer) = (200, { name => "projects/$project/messages/" . bump('messages') });
    } elsif ($token =~ /^unreg-/) {
        ($status, $answer) = (404, { error => { code => 404, message => 'Requested entity was not found.',
            status => 'NOT_FOUND', details => [{ '@type' => 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
            errorCode => 'UNREGISTERED' }] } });
    } elsif ($token =~ /^e(500|503|429)x(\d+)-/) {
        my ($code, $times) = ($1, $2);
        if (bump("fail_$token") < $times) {
            ($status, $answer) = ($code, { error => { code => $code, status => 'UNAVAILABLE' } });
        } else {
            ($status, $answer) = (200, { name => "projects/$project/messages/" . bump('messages') });
        }
    } else {
        ($status, $answer) = (400, { error => { code => 400, status => 'INVALID_ARGUMENT' } });
    }
    record(path => $req->uri->path, status => $status, body => $body, bearer => $bearer);
    return json_res($status, $answer);
}
