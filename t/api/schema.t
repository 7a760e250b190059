# t/api/schema.t: GET /schema/ serves the OpenAPI 3.1 document (the bytes of
# docs/openapi.json, with an ETag, and 304 to a matching If-None-Match), and
# the document and the groups' route tables name the same (method, path) pairs.
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use File::Find ();
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest;

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

# --- the route table, from the source -----------------------------------------------

# every group's table ("static const et_route routes[] = {...}"), wherever
# its file is under mod_everytime/
my $srcdir = Apache::Test::vars('t_dir') . '/../mod_everytime';
my @routes;   # [METHOD, pattern]
my @files;
File::Find::find(sub { push @files, $File::Find::name if /\.c$/ }, $srcdir);
for my $file (sort @files) {
    open my $fh, '<', $file or die "$file: $!";
    my $src = do { local $/; <$fh> };
    close $fh;
    $src =~ s{/\*.*?\*/}{}gs;   # a commented-out row is not a route
    $src =~ s{//[^\n]*}{}g;
    my ($table) = $src =~ /\bet_route\s+routes\[\]\s*=\s*\{(.*?)\n\s*ET_ROUTES_END\s*\};/s
        or next;
    while ($table =~ /\{\s*M_([A-Z]+)\s*,\s*"([^"]+)"/g) {
        push @routes, [ $1, $2 ];
    }
}
die "no routes parsed from the route tables under $srcdir" unless @routes;

# "/boards/{int}/" and "/boards/{id}" both become "/boards/{}".
sub norm {
    my ($path) = @_;
    $path =~ s/\{[^}]*\}/{}/g;
    $path =~ s{/+$}{};
    return $path eq '' ? '/' : $path;
}

my %table;       # "METHOD /norm" => pattern
my %by_pattern;  # pattern => {METHOD => 1}
for my $r (@routes) {
    $table{"$r->[0] " . norm($r->[1])} = $r->[1];
    $by_pattern{ $r->[1] }{ $r->[0] } = 1;
}

# a 405 check for each pattern that leaves one of the common methods unrouted
my @checkable = grep {
    my $p = $_;
    grep { !$by_pattern{$p}{$_} } qw(PUT PATCH DELETE POST GET)
} sort keys %by_pattern;
plan tests => 15 + 2 * @routes + @checkable;

# --- the document -------------------------------------------------------------------------

my ($res, $doc) = api(GET => '/schema/');
ok t_cmp($res->code, 200, 'GET /schema/: 200');
ok t_cmp($res->header('Content-Type') // '', qr{^application/json}, 'GET /schema/: answers JSON');
ok t_cmp(ref $doc eq 'HASH' ? $doc->{openapi} // '' : '', qr/^3\.1\.\d+$/, 'GET /schema/: openapi is 3.1.x');
my $paths = ref $doc eq 'HASH' && ref $doc->{paths} eq 'HASH' ? $doc->{paths} : {};
ok t_cmp(scalar(grep { !m{/$} } keys %$paths), 0, 'every document path carries a trailing slash');

# --- the bytes as built, their ETag, conditional GET -----------------------------------

my $file = Apache::Test::vars('t_dir') . '/../docs/openapi.json';
open my $dfh, '<:raw', $file or die "$file: $!";
my $bytes = do { local $/; <$dfh> };
close $dfh;
my $etag = $res->header('ETag') // '';
ok t_cmp($res->content eq $bytes ? 'the same' : 'different', 'the same',
         'GET /schema/: the body is docs/openapi.json byte for byte');
ok t_cmp($etag, '"' . sha256_hex($bytes) . '"', 'GET /schema/: the ETag is the quoted SHA-256 of the bytes');

sub schema_if_none_match {
    my ($value) = @_;
    my ($r) = api(GET => '/schema/', headers => [ 'If-None-Match' => $value ]);
    return $r;
}
my $r304 = schema_if_none_match($etag);
ok t_cmp($r304->code, 304, 'If-None-Match with the ETag: 304');
ok t_cmp(length($r304->content) . ' ' . ($r304->header('ETag') // '-'), "0 $etag",
         '... without a body, naming the ETag');
ok t_cmp(schema_if_none_match("W/$etag")->code, 304, 'If-None-Match with the weak ETag: 304 (weak comparison)');
ok t_cmp(schema_if_none_match(qq{"stale", $etag})->code, 304, 'If-None-Match listing the ETag: 304');
my $r200 = schema_if_none_match('"stale"');
ok t_cmp($r200->code . ' ' . ($r200->content eq $bytes ? 'document' : 'other'), '200 document',
         'If-None-Match with another ETag: 200 and the document');
my ($rhead) = api(HEAD => '/schema/');
ok t_cmp(join(' ', $rhead->code, length($rhead->content), $rhead->header('Content-Length') // '-',
              $rhead->header('ETag') // '-'), '200 0 ' . length($bytes) . " $etag",
         'HEAD /schema/: 200, no body, the length and ETag of GET');
my ($rhead304) = api(HEAD => '/schema/', headers => [ 'If-None-Match' => $etag ]);
ok t_cmp($rhead304->code, 304, 'HEAD with the ETag: 304');

my %documented;   # "METHOD /norm" => document path
my @methods = qw(get put post delete options head patch trace);
for my $p (keys %$paths) {
    next unless ref $paths->{$p} eq 'HASH';
    for my $m (@methods) {
        next unless exists $paths->{$p}{$m};
        $documented{ uc($m) . ' ' . norm($p) } = $p;
    }
}

for my $r (@routes) {
    my $key = "$r->[0] " . norm($r->[1]);
    ok t_cmp(exists $documented{$key} ? 'documented' : 'missing', 'documented',
             "route $r->[0] $r->[1] is in the OpenAPI document");
}

# HEAD is answered wherever GET is, so a documented HEAD needs a GET row.
my @stray = sort grep {
    my ($m, $p) = split / /, $_, 2;
    !exists $table{$_} && !($m eq 'HEAD' && exists $table{"GET $p"})
} keys %documented;
ok t_cmp(join('; ', map { "$_ ($documented{$_})" } @stray), '',
         'the document names no (method, path) that no route table routes');

# --- every route is routed -------------------------------------------------------------------

# A concrete path for a pattern: {int} -> 1, {uuid} -> a UUID.
sub concrete {
    my ($pattern) = @_;
    (my $p = $pattern) =~ s/\{int\}/1/g;
    $p =~ s/\{uuid\}/00000000-0000-4000-8000-000000000000/g;
    return $p =~ m{/$} ? $p : "$p/";
}

my @answers;
for my $r (@routes) {
    my ($m, $pattern) = @$r;
    my $path = concrete($pattern);
    my %o = $m =~ /^(POST|PUT|PATCH|DELETE)$/ ? (body => {}) : ();
    my ($rr, $rd) = api($m => $path, %o);
    my $verdict = $rr->code == 404 ? 'not routed' : 'routed';
    # a public route with an id may rightly say 404 for a missing row: a
    # method the pattern does not route must then answer 405, which only a
    # matched path can
    if ($rr->code == 404 && $pattern =~ /\{(?:int|uuid)\}/) {
        my ($other) = grep { !$by_pattern{$pattern}{$_} } qw(PUT PATCH DELETE POST GET);
        if ($other) {
            my ($r405) = api($other => $path, body => {});
            $verdict = 'routed' if $r405->code == 405;
        }
    }
    ok t_cmp($verdict, 'routed', "route $m $pattern answers something other than 404 (got " . $rr->code . ')');
    push @answers, $rr->code . " $m $pattern";
}

ok t_cmp(join(', ', grep { /^5/ } @answers), '', 'no route answers 5xx to an anonymous request');

# each pattern: a method it does not route answers 405 with exactly its methods in Allow
for my $pattern (@checkable) {
    my @mine = sort keys %{ $by_pattern{$pattern} };
    my ($other) = grep { !$by_pattern{$pattern}{$_} } qw(PUT PATCH DELETE POST GET);
    my ($rr) = api($other => concrete($pattern), body => {});
    my @allow = sort grep { $_ ne 'HEAD' && $_ ne 'OPTIONS' } split /\s*,\s*/, $rr->header('Allow') // '';
    ok t_cmp($rr->code . ' ' . join(',', @allow), '405 ' . join(',', @mine),
             "$other $pattern: 405 with Allow naming exactly " . join(', ', @mine));
}
