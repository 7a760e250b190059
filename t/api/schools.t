# t/api/schools.t: GET /schools/ (public, ?name= contains) and POST /schools/
# (admin only), per API.md "Schools and boards".
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT hangul query_escape keys_of results);
use JSON::PP ();

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';

plan tests => 39 + 16;

my %SEEDED = (1 => '서울대학교', 2 => '연세대학교', 3 => '고려대학교');

sub list {
    my ($name) = @_;
    my $q = defined $name ? '?name=' . query_escape($name) : '';
    return api(GET => "/schools/$q");
}

sub ids { my ($d) = @_; return join ',', map { $_->{id} } @{ ref $d eq 'HASH' && ref $d->{results} eq 'ARRAY' ? $d->{results} : [] } }
sub names { my ($d) = @_; return map { $_->{name} } @{ ref $d eq 'HASH' && ref $d->{results} eq 'ARRAY' ? $d->{results} : [] } }
sub status_code { my ($res, $d) = @_; return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-') }

# --- the public list ------------------------------------------------------------

{
    my ($res, $d) = list();
    ok t_cmp($res->code, 200, 'GET /schools/ anonymously: 200');
    ok t_cmp(keys_of($d), 'next,results', 'GET /schools/: {"results", "next"}');
    ok t_cmp(exists $d->{next} && !defined $d->{next} ? 'null' : 'not null', 'null',
             'GET /schools/: next is null');
    my %by_id = map { $_->{id} => $_ } @{ $d->{results} // [] };
    ok t_cmp(+{ map { $_ => $by_id{$_}{name} } grep { $by_id{$_} } 1 .. 3 }, \%SEEDED,
             'GET /schools/: the seeded schools 1..3 with their Korean names');
    ok t_cmp(keys_of($by_id{1}), 'domain,gpa_scale,id,name', 'GET /schools/: each School is {id, name, domain, gpa_scale}');
    ok t_cmp($by_id{1}{domain} // '', 'snu.ac.kr', 'GET /schools/: domain is listed');
    my @ids = map { $_->{id} } @{ $d->{results} // [] };
    ok t_cmp(join(',', @ids), join(',', sort { $a <=> $b } @ids), 'GET /schools/: ordered by id');

    ($res) = api(GET => '/schools');
    ok t_cmp($res->code, 200, 'GET /schools without the trailing slash: 200');

    ($res) = api(HEAD => '/schools/');
    ok t_cmp($res->code . ' ' . length($res->content), '200 0', 'HEAD /schools/: 200 without a body');
    ($res) = api(GET => '/schools/', token => 'garbage.token.value');
    ok t_cmp($res->code, 200, 'GET /schools/ is public: a bad token is ignored');
}

# ?name= contains, with Korean text sent as percent-encoded UTF-8
{
    my ($res, $d) = list('연세');
    ok t_cmp($res->code . ' ' . ids($d), '200 2', '?name=연세 finds only 연세대학교');
    ($res, $d) = list('대학교');
    ok t_cmp(join(',', grep { $_ <= 3 } split /,/, ids($d)), '1,2,3', '?name=대학교 (a common suffix) finds all three');
    ($res, $d) = list('학');
    ok t_cmp((grep { !/학/ } names($d)) ? 'stray' : 'all match', 'all match',
             '?name=학: every result contains the one-character substring');
    ($res, $d) = list('없는학교이름' . hangul(3));
    ok t_cmp($res->code . ' [' . ids($d) . ']', '200 []', '?name= with no match: 200 and an empty list');
    ($res, $d) = list('');
    ok t_cmp(scalar(() = names($d)) >= 3 ? 'all' : 'some', 'all', '?name= empty: the whole list');
}

# --- creating schools ------------------------------------------------------------------

my $admin = admin_login();
my $user = new_user();

sub create {
    my ($body, $token) = @_;
    return api(POST => '/schools/', body => $body, token => $token);
}

{
    my $name = '테스트대학교' . hangul(4);
    my ($res, $d) = create({ name => $name, domain => 'test.ac.kr' }, $admin->{access});
    ok t_cmp($res->code, 201, 'POST /schools/ as admin: 201');
    ok t_cmp(keys_of($d), 'domain,gpa_scale,id,name', 'POST /schools/: answers {id, name, domain, gpa_scale}');
    ok t_cmp(($d->{name} // '') . ' ' . ($d->{domain} // ''), "$name test.ac.kr",
             'POST /schools/: name (Korean) and domain echoed');
    ok t_cmp($d->{id} // '', qr/^\d+$/, 'POST /schools/: id is an integer');
    ok t_cmp($res->content =~ /"id":\s*\d+[,}]/ ? 'number' : 'string', 'number', 'POST /schools/: id is a JSON number');
    my (undef, $l) = list($name);
    ok t_cmp(ids($l), $d->{id} // '-', 'POST /schools/: the new school is listed');

    ($res, $d) = create({ name => $name }, $admin->{access});
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /schools/ with a taken name: 409 conflict');
    ($res, $d) = create({ name => '서울대학교' }, $admin->{access});
    ok t_cmp(status_code($res, $d), '409 conflict', 'POST /schools/ with a seeded name: 409 conflict');

    my $other = 'Other ' . hangul(3);
    ($res, $d) = create({ name => $other }, $user->{access});
    ok t_cmp(status_code($res, $d), '403 permission_denied', 'POST /schools/ as a normal user: 403 permission_denied');
    ($res, $d) = create({ name => $other }, undef);
    ok t_cmp(status_code($res, $d), '401 not_authenticated', 'POST /schools/ anonymously: 401 not_authenticated');
    ($res, $d) = create({ name => $other }, 'garbage.token.value');
    ok t_cmp(status_code($res, $d), '401 token_not_valid', 'POST /schools/ with a garbage token: 401 token_not_valid');
    (undef, $l) = list($other);
    ok t_cmp('[' . ids($l) . ']', '[]', 'POST /schools/ refused: nothing was created');

    ($res, $d) = create({ domain => 'x.ac.kr' }, $admin->{access});
    ok t_cmp(status_code($res, $d) . ' ' . ($d->{errors}{name}[0] // ''),
             '400 invalid This field is required.', 'POST /schools/ without name: 400 naming name');
    ($res, $d) = create({ name => '' }, $admin->{access});
    ok t_cmp(status_code($res, $d) . ' ' . join(',', sort keys %{ $d->{errors} // {} }), '400 invalid name',
             'POST /schools/ with a blank name: 400 naming name');
    ($res, $d) = create({ name => 'a' x 101 }, $admin->{access});
    ok t_cmp(status_code($res, $d) . ' ' . join(',', sort keys %{ $d->{errors} // {} }), '400 invalid name',
             'POST /schools/ with a 101-character name: 400 naming name');
    ($res, $d) = create({ name => hangul(101) }, $admin->{access});
    ok t_cmp(status_code($res, $d), '400 invalid', 'POST /schools/ with a 101-character Korean name: 400');
    my $long = hangul(100);
    ($res, $d) = create({ name => $long }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{name} // ''), "201 $long",
             'POST /schools/ with a 100-character Korean name: 201, stored whole');
    ($res, $d) = create({ name => 123 }, $admin->{access});
    ok t_cmp(status_code($res, $d), '400 invalid', 'POST /schools/ with a number as name: 400');

    # domain is optional and may be null
    ($res, $d) = create({ name => 'NoDomain ' . hangul(4) }, $admin->{access});
    ok t_cmp($res->code . ' ' . (exists $d->{domain} ? $d->{domain} // 'null' : 'absent'), '201 null',
             'POST /schools/ without domain: 201 with domain null');
    ($res, $d) = create({ name => 'NullDomain ' . hangul(4), domain => undef }, $admin->{access});
    ok t_cmp($res->code . ' ' . (exists $d->{domain} ? $d->{domain} // 'null' : 'absent'), '201 null',
             'POST /schools/ with domain null: 201 with domain null');
}

# gpa_scale: 4.5 by default, 4.3 on request, nothing else
{
    my ($res, $d) = create({ name => 'Scale45 ' . hangul(4) }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{gpa_scale} // '-'), '201 4.5', 'POST /schools/ without gpa_scale: 4.5');
    ok t_cmp($res->content =~ /"gpa_scale":\s*4\.5[,}]/ ? 'number' : $res->content, 'number',
             'gpa_scale is the JSON number 4.5');
    my $name43 = 'Scale43 ' . hangul(4);
    ($res, $d) = create({ name => $name43, gpa_scale => 4.3 }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{gpa_scale} // '-'), '201 4.3', 'POST /schools/ with gpa_scale 4.3: 201');
    ok t_cmp($res->content =~ /"gpa_scale":\s*4\.3[,}]/ ? 'number' : $res->content, 'number',
             'gpa_scale 4.3 reads 4.3, not 4.2999...');
    my (undef, $l) = list($name43);
    ok t_cmp(join(',', map { $_->{gpa_scale} } results($l)), '4.3', 'GET /schools/: the stored scale is listed');
    ($res, $d) = create({ name => 'Scale43s ' . hangul(4), gpa_scale => '4.3' }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{gpa_scale} // '-'), '201 4.3', 'gpa_scale as the string "4.3": 201');
    ($res, $d) = create({ name => 'ScaleNull ' . hangul(4), gpa_scale => undef }, $admin->{access});
    ok t_cmp($res->code . ' ' . ($d->{gpa_scale} // '-'), '201 4.5', 'gpa_scale null: the default 4.5');
    my $bad = 'ScaleBad ' . hangul(4);
    for my $v (4.0, 5, 4.31, 'A', JSON::PP::true, [4.5], { v => 4.3 }) {
        ($res, $d) = create({ name => $bad, gpa_scale => $v }, $admin->{access});
        ok t_cmp(status_code($res, $d) . ' ' . join(',', sort keys %{ $d->{errors} // {} }), '400 invalid gpa_scale',
                 'POST /schools/ with gpa_scale ' . (ref $v ? ref $v : $v) . ': 400 naming gpa_scale');
    }
    (undef, $l) = list($bad);
    ok t_cmp('[' . ids($l) . ']', '[]', 'a refused gpa_scale created nothing');
    ($res, $d) = list('');
    ok t_cmp(join(',', map { $_->{gpa_scale} } grep { $_->{id} <= 3 } results($d)), '4.5,4.3,4.5',
             'GET /schools/: the demo schools, 연세대학교 on the 4.3 scale');
}

# LIKE wildcards in ?name= are literal
{
    my $u = 'W' . hangul(3) . int(rand(1e6));
    for my $name ("${u}a%b", "${u}aXYb", "${u}c_d", "${u}cZd") {
        create({ name => $name }, $admin->{access});
    }
    my ($res, $d) = list("${u}a%b");
    ok t_cmp(join('|', names($d)), "${u}a%b", '?name= with % matches a literal %, not any text');
    ($res, $d) = list("${u}c_d");
    ok t_cmp(join('|', names($d)), "${u}c_d", '?name= with _ matches a literal _, not any character');
    ($res, $d) = list('%');
    ok t_cmp((grep { !/%/ } names($d)) ? 'stray' : 'only %', 'only %', '?name=% lists only names holding a %');
    ($res, $d) = list('_');
    ok t_cmp((grep { !/_/ } names($d)) ? 'stray' : 'only _', 'only _', '?name=_ lists only names holding a _');
}
