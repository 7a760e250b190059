package ETMail;
# The mails the SMTP sink (t/mock/smtp_sink.py) received, as files in
# $ENV{ET_TEST_MAIL_DIR}: found by recipient, their MIME decoded (RFC 2047
# headers, base64 UTF-8 bodies).
use strict;
use warnings;
use Encode ();
use MIME::Base64 ();
use Time::HiRes ();
use Exporter 'import';

our @EXPORT = qw(mails_to wait_mail mail_code mail_token);

sub dir { return $ENV{ET_TEST_MAIL_DIR} // die "ET_TEST_MAIL_DIR is not set\n" }

# {raw, headers => {lowercased name => [raw values]}, subject, from, to, body}
sub parse {
    my ($raw) = @_;
    my ($head, $body) = split /\r?\n\r?\n/, $raw, 2;
    $head =~ s/\r?\n[ \t]+/ /g;    # unfold
    my %h;
    for my $line (split /\r?\n/, $head) {
        my ($k, $v) = $line =~ /^([^:]+):\s*(.*)$/ or next;
        push @{ $h{lc $k} }, $v;
    }
    my $dec = sub { my $v = $h{ $_[0] } ? $h{ $_[0] }[0] : ''; Encode::decode('MIME-Header', $v) };
    my $text = $body // '';
    if (lc($h{'content-transfer-encoding'}[0] // '') eq 'base64') {
        $text = MIME::Base64::decode_base64($text);
    }
    return { raw => $raw, headers => \%h, subject => $dec->('subject'), from => $dec->('from'),
             to => $h{to} ? $h{to}[0] : '', body => Encode::decode('UTF-8', $text) };
}

# The mails to address, oldest first.
sub mails_to {
    my ($to) = @_;
    my @mails;
    opendir my $dh, dir() or die "mail dir: $!\n";
    for my $f (sort grep { /\.eml$/ && !/^\./ } readdir $dh) {
        open my $fh, '<:raw', dir() . "/$f" or next;
        my $m = parse(do { local $/; <$fh> });
        push @mails, $m if lc $m->{to} eq lc $to;
    }
    return @mails;
}

# Waits (up to timeout seconds, 20) until address has more than `after`
# mails; returns the newest, or undef.
sub wait_mail {
    my ($to, %o) = @_;
    my $deadline = Time::HiRes::time() + ($o{timeout} // 20);
    while (1) {
        my @m = mails_to($to);
        return $m[-1] if @m > ($o{after} // 0);
        return undef if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.1);
    }
}

# The 6-digit code of a verification mail, the token of a reset mail.
sub mail_code { my ($m) = @_; return $m && $m->{body} =~ /^\s+(\d{6})\s*$/m ? $1 : undef }
sub mail_token { my ($m) = @_; return $m && $m->{body} =~ /^\s+([A-Za-z0-9_-]{43})\s*$/m ? $1 : undef }

1;
