#!/usr/bin/perl
# t/valgrind/leaks.pl MEMCHECK_XML: what memcheck found in mod_everytime.
#
# Reads the XML that valgrind --xml=yes wrote and picks the errors whose
# stack passes through the module (a frame in mod_everytime.so, or a
# function named et_*): "definitely lost" blocks, and memory errors such as
# invalid reads and uninitialised jumps. Prints each with its stack, then
#   module: R loss records, B blocks, N bytes definitely lost; E errors
# and, on a second line, the same counts for everything else (for the log):
#   elsewhere: R loss records, B blocks, N bytes definitely lost; E errors
# Exits 0 when the module has neither, 1 when it has, 2 when the file is not
# a complete memcheck run (valgrind killed, or exited before its leak check).
use strict;
use warnings;

my ($file) = @ARGV;
die "usage: $0 MEMCHECK_XML\n" unless $file;
open my $fh, '<', $file or do { print "leaks: cannot read $file: $!\n"; exit 2 };
my $xml = do { local $/; <$fh> };
close $fh;

# valgrind writes FINISHED, and closes the document, after the leak check
unless ($xml =~ m{<state>FINISHED</state>} && $xml =~ m{</valgrindoutput>\s*$}) {
    print "leaks: $file is not a finished memcheck run (no leak summary)\n";
    exit 2;
}

sub unescape {
    my ($s) = @_;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&quot;/"/g;
    $s =~ s/&apos;/'/g;
    $s =~ s/&amp;/&/g;
    return $s;
}

sub tag {
    my ($in, $name) = @_;
    return $in =~ m{<$name>(.*?)</$name>}s ? unescape($1) : undef;
}

my %count = map { $_ => { records => 0, blocks => 0, bytes => 0, errors => 0 } } qw(module elsewhere);
my @report;
while ($xml =~ m{<error>(.*?)</error>}sg) {
    my $e = $1;
    my $kind = tag($e, 'kind') // '?';
    # only the first stack: an error's origin stacks follow it
    my $stack = $e =~ m{<stack>(.*?)</stack>}s ? $1 : '';
    my (@frames, $in_module);
    while ($stack =~ m{<frame>(.*?)</frame>}sg) {
        my $f = $1;
        my ($fn, $obj, $file_, $line) = map { tag($f, $_) } qw(fn obj file line);
        $in_module = 1 if ($obj && $obj =~ m{/mod_everytime\.so$}) || ($fn && $fn =~ /^et_/);
        push @frames, sprintf('    %s (%s)', $fn // '???',
                              $file_ ? "$file_:" . ($line // '?') : ($obj // '?'));
    }
    my $where = $in_module ? 'module' : 'elsewhere';
    my $text = tag($e, 'text') // tag($e, 'what') // $kind;
    if ($kind eq 'Leak_DefinitelyLost') {
        $count{$where}{records}++;
        $count{$where}{blocks} += tag($e, 'leakedblocks') // 0;
        $count{$where}{bytes} += tag($e, 'leakedbytes') // 0;
    } elsif ($kind =~ /^Leak_/) {
        next; # indirect, possible, reachable: they hang off a definite one, or are not leaks
    } else {
        $count{$where}{errors}++;
    }
    push @report, join("\n", "$kind: $text", @frames) if $in_module;
}

print "$_\n\n" for @report;
for my $where (qw(module elsewhere)) {
    my $c = $count{$where};
    printf "%s: %d loss records, %d blocks, %d bytes definitely lost; %d errors\n", $where,
        $c->{records}, $c->{blocks}, $c->{bytes}, $c->{errors};
}
exit($count{module}{records} || $count{module}{errors} ? 1 : 0);
