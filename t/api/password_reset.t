# t/api/password_reset.t: password reset (API.md "Accounts"). Asking answers
# 202 whether or not an account uses the address, in about the same time
# (the median of 20 paired differences); a known address gets a mail with a
# one-time token (stored as its SHA-256), valid 30 minutes. Spending it sets
# the password (signup's rules) and revokes every session of the user: the
# old access and refresh tokens answer 401. A spent, expired or unknown token
# is 400 invalid; spending one spends the user's other outstanding tokens.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT keys_of db_query);
use ETMail;
use Digest::SHA qw(sha256_hex);
use Time::HiRes ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 37;

sub verdict { my ($res, $d) = @_; return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-') }
sub field_err { my ($d, $f) = @_; return ref $d eq 'HASH' && ref $d->{errors} eq 'HASH' && $d->{errors}{$f} ? 'errors.' . $f : keys_of($d) }
sub ask { my ($body, %o) = @_; return api(POST => '/accounts/password_reset/', body => $body, %o) }
sub spend { my ($body) = @_; return api(POST => '/accounts/password_reset/confirm/', body => $body) }
sub email_of { my ($u) = @_; return $u->{login_id} . '@example.com' }
# Asks for a token for u and reads it out of the mail: (token, mail)
sub token_for {
    my ($u, %o) = @_;
    my $before = scalar mails_to(email_of($u));
    my ($res) = ask({ email => $o{as} // email_of($u) });
    die 'ask failed: ' . $res->content unless $res->code == 202;
    my $m = wait_mail(email_of($u), after => $before);
    return (mail_token($m), $m);
}
sub median { my @s = sort { $a <=> $b } @_; return $s[int(@s / 2)] }

# --- bad input ---------------------------------------------------------------------
my ($res, $d) = api(POST => '/accounts/password_reset/', raw => '{"email"', type => 'application/json');
ok t_cmp(verdict($res, $d), '400 parse_error', 'malformed JSON: 400 parse_error');
($res, $d) = ask({ email => ['a@b.c'] });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'email as a list: 400');
($res, $d) = ask({});
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'no email: 400');
($res, $d) = ask({ email => 'not an address' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'not an address: 400');
($res, $d) = ask({ email => ('a' x 250) . '@example.com' });
ok t_cmp(verdict($res, $d), '400 invalid', 'an address over 254 characters: 400');

# --- known and unknown addresses answer alike ----------------------------------------------
my $u = new_user();
my $nobody = 'nobody.' . $u->{login_id} . '@example.com';
my ($r1, $d1) = ask({ email => email_of($u) });
my ($r2, $d2) = ask({ email => $nobody });
ok t_cmp($r1->code . ' ' . $r2->code, '202 202', 'a known and an unknown address: 202 both');
ok t_cmp($r1->content, $r2->content, '... with the same body');
my ($r3) = ask({ email => email_of($u) }, token => 'garbage.bad.token');
ok t_cmp($r3->code, 202, 'a public route: a bad bearer token is ignored, 202');
my $m = wait_mail(email_of($u));
ok t_cmp(defined $m ? 'mail' : 'none', 'mail', 'the known address gets a mail');
Time::HiRes::sleep(1);
ok t_cmp(scalar(mails_to($nobody)), 0, 'the unknown one gets none');
$m //= { subject => '', body => '' };
ok t_cmp($m->{subject}, '[에브리타임] 비밀번호 재설정 안내', 'Subject decodes to Korean');
my $token = mail_token($m) // '';
ok t_cmp($token, qr/^[A-Za-z0-9_-]{43}$/, 'the mail carries a token (32 random bytes, base64url)');
ok t_cmp(db_query("SELECT COUNT(*) FROM password_resets WHERE token_hash = '" . sha256_hex($token) . "'")
         . ' ' . db_query("SELECT COUNT(*) FROM password_resets WHERE token_hash = '$token'"),
         '1 0', 'the token is stored as its SHA-256, never as it is');
my $ttl = db_query("SELECT expires_at - created_at FROM password_resets WHERE token_hash = '" . sha256_hex($token) . "'");
ok t_cmp($ttl, 1800000000, 'valid 30 minutes');

# timing: 20 pairs of one known and one unknown address, which goes first
# alternating; the median of the pairs' differences (load that drifts over
# the run cancels out within a pair) against the median latency
{
    my (@diff, @all);
    for my $i (1 .. 20) {
        my %t;
        for my $which ($i % 2 ? ('known', 'unknown') : ('unknown', 'known')) {
            my $t0 = Time::HiRes::time();
            ask({ email => $which eq 'known' ? email_of($u) : $nobody });
            $t{$which} = Time::HiRes::time() - $t0;
        }
        push @diff, $t{known} - $t{unknown};
        push @all, $t{known}, $t{unknown};
    }
    my ($md, $ml) = (median(@diff), median(@all));
    my $bound = 0.15 * $ml + 0.003;
    ok t_cmp(abs($md) <= $bound ? 'close' : 'apart', 'close',
             sprintf('median latency %.2f ms; known minus unknown, median of 20 pairs: %.2f ms (bound %.2f ms)',
                     1000 * $ml, 1000 * $md, 1000 * $bound));
}

# --- spending a token ---------------------------------------------------------------------
my $v = new_user();
my (undef, $second) = login($v->{login_id}, $v->{password});    # a second session
my ($tok) = token_for($v);
($res, $d) = spend({ token => $tok });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'password'), '400 invalid errors.password', 'no password: 400');
($res, $d) = spend({ password => 'brand new pass 1' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'token'), '400 invalid errors.token', 'no token: 400');
($res, $d) = spend({ token => 12345, password => 'brand new pass 1' });
ok t_cmp(verdict($res, $d), '400 invalid', 'token as a number: 400');
($res, $d) = spend({ token => 'x' x 101, password => 'brand new pass 1' });
ok t_cmp(verdict($res, $d), '400 invalid', 'a token over 100 characters: 400');
($res, $d) = spend({ token => 'A' x 43, password => 'brand new pass 1' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'token'), '400 invalid errors.token', 'an unknown token: 400 invalid');
($res, $d) = spend({ token => $tok, password => '1234567' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'password'), '400 invalid errors.password', 'a password that breaks the rules: 400');
($res, $d) = spend({ token => $tok, password => $v->{login_id} });
ok t_cmp(verdict($res, $d), '400 invalid', 'the login_id as password: 400');
($res, $d) = api(GET => '/accounts/me/', token => $v->{access});
ok t_cmp($res->code, 200, '... the refusals changed nothing: the old session still works');
($res, $d) = spend({ token => $tok, password => 'brand new pass 1' });
ok t_cmp($res->code . ' ' . $res->content, '204 ', 'the token and a good password: 204');
($res, $d) = api(GET => '/accounts/me/', token => $v->{access});
ok t_cmp(verdict($res, $d), '401 token_not_valid', "the signup session's access token: 401");
($res, $d) = api(GET => '/accounts/me/', token => $second->{token}{access});
ok t_cmp(verdict($res, $d), '401 token_not_valid', "the second session's access token: 401");
($res, $d) = api(POST => '/accounts/token_refresh/', body => { refresh => $v->{refresh} });
ok t_cmp(verdict($res, $d), '401 token_not_valid', 'the old refresh token: 401');
($res, $d) = api(POST => '/accounts/token_refresh/', body => { refresh => $second->{token}{refresh} });
ok t_cmp(verdict($res, $d), '401 token_not_valid', "the second session's refresh token: 401");
($res) = login($v->{login_id}, $v->{password});
ok t_cmp($res->code, 401, 'the old password: 401');
($res) = login($v->{login_id}, 'brand new pass 1');
ok t_cmp($res->code, 200, 'the new password: 200');
($res, $d) = spend({ token => $tok, password => 'another new pass 2' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'token'), '400 invalid errors.token', 'the token again: 400 (spent)');

# --- expiry, other tokens, case ---------------------------------------------------------------
my $w = new_user();
my ($old) = token_for($w);
db_query("UPDATE password_resets SET expires_at = expires_at - 1800000001 WHERE token_hash = '" . sha256_hex($old) . "'");
($res, $d) = spend({ token => $old, password => 'brand new pass 3' });
ok t_cmp(verdict($res, $d), '400 invalid', 'a token past its 30 minutes: 400 invalid');
my ($t1) = token_for($w);
my ($t2, $m2) = token_for($w, as => uc email_of($w));
ok t_cmp(defined $t2 && $t2 ne $t1 ? 'two' : 'one', 'two', 'the address in capitals finds the account too: a second token');
($res) = spend({ token => $t2, password => 'brand new pass 3' });
ok t_cmp($res->code, 204, 'the second token: 204');
($res, $d) = spend({ token => $t1, password => 'brand new pass 4' });
ok t_cmp(verdict($res, $d), '400 invalid', 'the first, still unspent before: 400 (a reset spends them all)');
($res) = login($w->{login_id}, 'brand new pass 3');
ok t_cmp($res->code, 200, '... and the password is the one set with the second');
my $gone = new_user();
my ($gt) = token_for($gone);
($res) = api(DELETE => '/accounts/me/', token => $gone->{access}, body => { password => $gone->{password} });
($res, $d) = spend({ token => $gt, password => 'brand new pass 5' });
ok t_cmp(verdict($res, $d), '400 invalid', 'the token of a deactivated account: 400 invalid');
