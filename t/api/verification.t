# t/api/verification.t: school verification (학교 인증, API.md "Accounts"):
# a 6-digit code mailed (through the outbox, over STARTTLS with AUTH to the
# SMTP sink of t/mock/smtp_sink.py) to an address at the school's domain or
# a subdomain; confirming it sets is_verified. Five mails per user an hour,
# then 429; the fifth wrong code voids it; codes expire (the row's
# expires_at moved into the past here); an address verifies one account.
# A mail server that hangs delays the mail, never the request. Boards with
# requires_verification refuse unverified writers (API.md "Schools and
# boards"); the owner or an admin sets the flag.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT keys_of db_query results new_post);
use ETMail;
use JSON::PP ();
use Time::HiRes ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 65;

my $T = JSON::PP::true;
my $F = JSON::PP::false;

# "STATUS code" of an answer
sub verdict { my ($res, $d) = @_; return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-') }
sub send_code { my ($u, $body, %o) = @_; return api(POST => '/accounts/verification/', token => $u && $u->{access}, body => $body, %o) }
sub confirm { my ($u, $body) = @_; return api(POST => '/accounts/verification/confirm/', token => $u && $u->{access}, body => $body) }
sub me { my ($u) = @_; my (undef, $d) = api(GET => '/accounts/me/', token => $u->{access}); return $d }
sub field_err { my ($d, $f) = @_; return ref $d eq 'HASH' && ref $d->{errors} eq 'HASH' && $d->{errors}{$f} ? 'errors.' . $f : keys_of($d) }
sub codes_of { my ($u) = @_; return db_query("SELECT COUNT(*) FROM verification_codes WHERE user_id = '$u->{id}'") }
sub sends_of { my ($u) = @_; return db_query("SELECT COUNT(*) FROM verification_mails WHERE user_id = '$u->{id}'") }
# A user with a code mailed to a fresh address of school 1 (snu.ac.kr): (user, address, code)
sub with_code {
    my $u = new_user();
    my $addr = lc($u->{login_id}) . '@snu.ac.kr';
    my ($res) = send_code($u, { email => $addr });
    die 'send failed: ' . $res->content unless $res->code == 202;
    my $m = wait_mail($addr);
    return ($u, $addr, mail_code($m));
}

# --- who may ask -------------------------------------------------------------------
my ($res, $d) = send_code(undef, { email => 'a@snu.ac.kr' });
ok t_cmp(verdict($res, $d), '401 not_authenticated', 'POST /accounts/verification/ anonymously: 401');
($res, $d) = confirm(undef, { code => '123456' });
ok t_cmp(verdict($res, $d), '401 not_authenticated', 'POST /accounts/verification/confirm/ anonymously: 401');

# --- bad input, nothing mailed or stored ---------------------------------------------
my $u = new_user();
($res, $d) = api(POST => '/accounts/verification/', token => $u->{access}, raw => '{"email": ', type => 'application/json');
ok t_cmp(verdict($res, $d), '400 parse_error', 'malformed JSON: 400 parse_error');
($res, $d) = send_code($u, { email => 12345 });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'email as a number: 400');
($res, $d) = send_code($u, {});
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'no email: 400');
($res, $d) = send_code($u, { email => ('a' x 250) . '@snu.ac.kr' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'an email over 254 characters: 400');
($res, $d) = send_code($u, { email => 'student@gmail.com' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'email'), '400 invalid errors.email', 'another domain: 400');
ok t_cmp($d->{errors}{email}[0] // '', qr/snu\.ac\.kr/, '... the message names the school domain');
for my $evil ('student@evilsnu.ac.kr', 'student@evil-snu.ac.kr', 'student@snu.ac.kr.evil.com') {
    ($res, $d) = send_code($u, { email => $evil });
    ok t_cmp(verdict($res, $d), '400 invalid', "$evil does not pass for snu.ac.kr: 400");
}
ok t_cmp(codes_of($u) . ' ' . sends_of($u), '0 0', 'after the refusals: no code, no mail counted');

# --- the mail ------------------------------------------------------------------------
my $addr = 'Stu.' . $u->{login_id} . '@CS.SNU.AC.KR';    # a subdomain, in capitals
my $t0 = Time::HiRes::time();
($res, $d) = send_code($u, { email => $addr });
my $took = Time::HiRes::time() - $t0;
ok t_cmp($res->code . ' ' . keys_of($d), '202 detail', 'a subdomain of the school, any case: 202 {detail}');
my $m = wait_mail(lc $addr);
ok t_cmp(defined $m ? 'mail' : 'none', 'mail', 'the code arrives at the SMTP server (over STARTTLS, with AUTH)');
$m //= { headers => {}, subject => '', from => '', body => '', raw => '' };
ok t_cmp($m->{subject}, '[에브리타임] 학교 인증 코드', 'Subject decodes to Korean');
ok t_cmp($m->{headers}{subject}[0] // '', qr/^=\?UTF-8\?B\?/, '... sent as an RFC 2047 encoded-word');
ok t_cmp($m->{from}, '에브리타임 <noreply@everytime.test>', 'From: the Korean display name and EverytimeMailFrom');
ok t_cmp(join(' | ', map { $m->{headers}{$_} ? $m->{headers}{$_}[0] : '-' } 'content-type', 'content-transfer-encoding', 'mime-version'),
         'text/plain; charset=UTF-8 | base64 | 1.0', 'text/plain in UTF-8, base64');
ok t_cmp(($m->{headers}{date} ? 'Date' : '-') . ' ' . ($m->{headers}{'message-id'}[0] // '-'),
         qr/^Date <[0-9a-f]{32}\@everytime\.test>$/, 'Date and Message-ID headers');
ok t_cmp($m->{body}, qr/학교 인증 코드는/, 'the body is Korean');
my $code = mail_code($m) // '';
ok t_cmp($code, qr/^\d{6}$/, 'the mail carries a 6-digit code');
my $hash = db_query("SELECT code_hash FROM verification_codes WHERE user_id = '$u->{id}'");
ok t_cmp($hash =~ /^\$2y\$/ && $hash !~ /$code/ ? 'hashed' : 'plain', 'hashed', 'the code is stored as a bcrypt hash, not as it is');
ok t_cmp(me($u)->{is_verified} ? 'true' : 'false', 'false', 'before confirming: is_verified false');

# --- confirming ------------------------------------------------------------------------
($res, $d) = confirm($u, { code => $code + 0 });
ok t_cmp(verdict($res, $d), '400 invalid', 'code as a number: 400');
($res, $d) = confirm($u, { code => '12345' });
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'code'), '400 invalid errors.code', 'five digits: 400');
($res, $d) = confirm($u, { code => '1234567' });
ok t_cmp(verdict($res, $d), '400 invalid', 'seven digits: 400');
($res, $d) = confirm($u, {});
ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'code'), '400 invalid errors.code', 'no code: 400');
my $other = new_user();
($res, $d) = confirm($other, { code => $code });
ok t_cmp(verdict($res, $d), '400 invalid', "another user with this user's code: 400 (it is not theirs)");
my $wrong = sprintf '%06d', ($code + 1) % 1000000;
my @v = map { (confirm($u, { code => $wrong }))[0]->code } 1 .. 4;
ok t_cmp("@v", '400 400 400 400', 'four wrong codes: 400 each');
($res, $d) = confirm($u, { code => $code });
ok t_cmp($res->code . ' ' . (ref $d eq 'HASH' && $d->{is_verified} ? 'verified' : 'not'), '200 verified',
         'the right code on the fifth try: 200 User with is_verified true');
ok t_cmp(me($u)->{is_verified} ? 'true' : 'false', 'true', 'GET /accounts/me/: is_verified true');
my (undef, $ld) = login($u->{login_id}, $u->{password});
ok t_cmp($ld->{user}{is_verified} ? 'true' : 'false', 'true', 'login: User with is_verified true');
ok t_cmp(db_query("SELECT school_email FROM users WHERE id = '$u->{id}'"), lc $addr, 'the address is kept, lowercased');
($res, $d) = confirm($u, { code => $code });
ok t_cmp(verdict($res, $d), '400 invalid', 'the code again: 400 (spent)');
($res, $d) = send_code($u, { email => lc $addr });
ok t_cmp(verdict($res, $d), '409 conflict', 'a verified user asks again: 409 conflict');
($res, $d) = send_code($other, { email => uc $addr });
ok t_cmp(verdict($res, $d), '409 conflict', 'an address that verified another account: 409 conflict');

# --- five wrong codes void it ----------------------------------------------------------
{
    my ($v, $vaddr, $vcode) = with_code();
    my $bad = sprintf '%06d', ($vcode + 500000) % 1000000;
    my @w = map { (confirm($v, { code => $bad }))[0]->code } 1 .. 5;
    ok t_cmp("@w", '400 400 400 400 400', 'five wrong codes: 400 each');
    ($res, $d) = confirm($v, { code => $vcode });
    ok t_cmp(verdict($res, $d) . ' ' . field_err($d, 'code'), '400 invalid errors.code', 'then the right one: 400 invalid (the code is void)');
    ok t_cmp(me($v)->{is_verified} ? 'true' : 'false', 'false', '... and the user is not verified');
    # a new code works
    ($res) = send_code($v, { email => $vaddr });
    my $m2 = wait_mail($vaddr, after => 1);
    ($res, $d) = confirm($v, { code => mail_code($m2) // '' });
    ok t_cmp($res->code . ' ' . ($d->{is_verified} ? 'verified' : 'not'), '200 verified', 'a new code mailed after: 200 verified');
}

# --- an expired code -------------------------------------------------------------------
{
    my ($x, $xaddr, $xcode) = with_code();
    db_query("UPDATE verification_codes SET expires_at = expires_at - 600000001 WHERE user_id = '$x->{id}'");
    ($res, $d) = confirm($x, { code => $xcode });
    ok t_cmp(verdict($res, $d), '400 invalid', 'a code past its 10 minutes: 400 invalid');
    ok t_cmp(me($x)->{is_verified} ? 'true' : 'false', 'false', '... not verified');
    my $left = db_query("SELECT (expires_at - created_at) FROM verification_codes WHERE user_id = '$x->{id}'");
    ok t_cmp($left + 600000001, 600000000, 'a code was given 10 minutes (600 s) of life');
}

# --- five mails an hour ------------------------------------------------------------------
{
    my $r = new_user();
    my $raddr = $r->{login_id} . '@snu.ac.kr';
    my @codes = map { (send_code($r, { email => $raddr }))[0]->code } 1 .. 5;
    ok t_cmp("@codes", '202 202 202 202 202', 'five mails within the hour: 202 each');
    ($res, $d) = send_code($r, { email => $raddr });
    ok t_cmp(verdict($res, $d), '429 throttled', 'the sixth: 429 throttled');
    my $ra = $res->header('Retry-After') // '';
    ok t_cmp($ra =~ /^\d+$/ && $ra >= 3500 && $ra <= 3601 ? 'about an hour' : "'$ra'", 'about an hour',
             'Retry-After: until the first mail of the hour leaves the window');
    ok t_cmp(sends_of($r), 5, '... and the sixth was not counted or mailed');
    db_query("UPDATE verification_mails SET sent_at = sent_at - 3600000001 WHERE user_id = '$r->{id}'");
    ($res, $d) = send_code($r, { email => $raddr });
    ok t_cmp($res->code, 202, 'an hour later: 202 again');
}

# --- a mail server that hangs ---------------------------------------------------------------
{
    my $h = new_user();
    my $haddr = $h->{login_id} . '@snu.ac.kr';
    my $pid = $ENV{ET_TEST_SMTP_PID};
    kill 'STOP', $pid;
    my $s0 = Time::HiRes::time();
    ($res, $d) = send_code($h, { email => $haddr });
    my $hung = Time::HiRes::time() - $s0;
    Time::HiRes::sleep(4);    # the drain's first try meets the hung server and gives up (3 s)
    my $during = scalar mails_to($haddr);
    kill 'CONT', $pid;
    ok t_cmp($res->code, 202, 'the SMTP server stopped (SIGSTOP): still 202');
    ok t_cmp($hung < 1 ? 'fast' : sprintf('%.2f s', $hung), 'fast', sprintf('... and fast (%.3f s; unhung: %.3f s)', $hung, $took));
    ok t_cmp($during, 0, 'no mail while it is stopped');
    my $late = wait_mail($haddr, timeout => 30);
    ok t_cmp(defined $late && mail_code($late) ? 'delivered' : 'lost', 'delivered', 'once it is back, the mail is delivered (a retry)');
}

# --- boards that require verification ---------------------------------------------------------
{
    my $admin = admin_login();
    my $owner = new_user();
    my ($r2, $b) = api(POST => '/boards/', token => $owner->{access}, body => {
        school => 1, category => 'verified', name => '인증 ' . $owner->{login_id}, requires_verification => $T });
    ok t_cmp($r2->code . ' ' . ($b->{requires_verification} ? 'true' : 'false'), '201 true', 'POST /boards/ with requires_verification: 201, true');
    my $bid = $b->{id};
    ($r2, $d) = api(GET => "/boards/$bid/");
    ok t_cmp($d->{requires_verification} ? 'true' : 'false', 'true', 'GET /boards/{id}/: requires_verification true');
    ($r2, $d) = api(PATCH => "/boards/$bid/", token => $other->{access}, body => { requires_verification => $F });
    ok t_cmp(verdict($r2, $d), '403 permission_denied', 'PATCH requires_verification by another user: 403');
    ($r2, $d) = api(PATCH => "/boards/$bid/", token => $owner->{access}, body => { requires_verification => 'yes' });
    ok t_cmp(verdict($r2, $d) . ' ' . field_err($d, 'requires_verification'), '400 invalid errors.requires_verification', 'requires_verification not a boolean: 400');
    ($r2, $d) = api(PATCH => "/boards/$bid/", token => $admin->{access}, body => { requires_verification => $F });
    ok t_cmp($r2->code . ' ' . ($d->{requires_verification} ? 'true' : 'false'), '200 false', 'an admin turns it off: 200');
    ($r2, $d) = api(PATCH => "/boards/$bid/", token => $owner->{access}, body => { requires_verification => $T });
    ok t_cmp($r2->code . ' ' . ($d->{requires_verification} ? 'true' : 'false'), '200 true', 'the owner turns it on: 200');

    my %post = (board => $bid, title => '인증 글', content => '본문', is_anonymous => $F, is_question => $F);
    ($r2, $d) = api(POST => '/posts/', token => $other->{access}, body => \%post);
    ok t_cmp(verdict($r2, $d), '403 permission_denied', 'an unverified user posts on it: 403 permission_denied');
    ($r2, $d) = api(POST => '/posts/', token => $u->{access}, body => \%post);
    ok t_cmp($r2->code, 201, 'a verified user posts on it: 201');
    my $pid = $d->{id};
    ($r2, $d) = api(POST => "/posts/$pid/comments/", token => $other->{access}, body => { content => '댓글' });
    ok t_cmp(verdict($r2, $d), '403 permission_denied', 'an unverified user comments on it: 403');
    ($r2, $d) = api(POST => "/posts/$pid/comments/", token => $u->{access}, body => { content => '댓글' });
    ok t_cmp($r2->code, 201, 'a verified user comments on it: 201');
    my $mine = new_post($other);
    ($r2, $d) = api(PATCH => "/posts/$mine->{id}/", token => $other->{access}, body => { board => $bid });
    ok t_cmp(verdict($r2, $d), '403 permission_denied', 'an unverified user moves a post onto it: 403');
    ($r2, $d) = api(GET => "/boards/$bid/posts/");
    ok t_cmp(scalar(results($d)) . ' ' . db_query("SELECT COUNT(*) FROM comments WHERE post_id = $pid"), '1 1',
             'the refused writes changed nothing');
    # the demo data: student1 verified, board 9 for verified writers
    my (undef, $s1) = login('student1', 'everytime123!');
    (undef, $d) = api(GET => '/boards/9/');
    ok t_cmp(($s1->{user}{is_verified} ? 'verified' : 'not') . ' ' . ($d->{requires_verification} ? 'true' : 'false'),
             'verified true', 'demo: student1 is verified, board 9 requires verification');
}
