# t/api/reply_utf8.t: a stored string that is not UTF-8 cannot be written as
# JSON; the reply that needs it is a 500 whose log line names the key, never
# a 200 with the field quietly missing (infra/json.c, router.c). Request
# bodies are refused on the way in (errors.t), so such a row comes from
# elsewhere: only SQLite stores one (PostgreSQL and MariaDB refuse the bytes).
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT db_query new_post);

plan tests => 9, need { 'a database that stores invalid UTF-8 (SQLite)' =>
                        ($ENV{ET_TEST_DBDRIVER} // '') eq 'sqlite3' };

my $error_log = Apache::Test::vars('t_logs') . '/error_log';

# The error_log lines about an unwritable reply key, from here on.
my $log_from = -s $error_log // 0;
sub logged {
    my ($key) = @_;
    open my $fh, '<', $error_log or return 0;
    seek $fh, $log_from, 0;
    return scalar grep { /the reply's "\Q$key\E" is not UTF-8: answered 500/ } <$fh>;
}

sub status_code {
    my ($res, $d) = @_;
    return $res->code . ' ' . (ref $d eq 'HASH' ? $d->{code} // '-' : '-');
}

my $user = new_user();
my $post = new_post($user, title => 'utf8 test', content => 'fine');
my $id = $post->{id};
my $user_id = $user->{id} // die "new_user answered no user id\n";

my ($res, $d) = api(GET => "/posts/$id/");
ok t_cmp(status_code($res, $d) . ' ' . ($d->{title} // '-'), '200 - utf8 test',
         'a post with valid text: 200 with its title');

# Latin-1 "café" where UTF-8 was expected
db_query("UPDATE posts SET title = CAST(X'636166E9' AS TEXT) WHERE id = $id");
($res, $d) = api(GET => "/posts/$id/");
ok t_cmp(status_code($res, $d), '500 error', 'a title that is not UTF-8: 500 error, not a post without a title');
ok t_cmp(ref $d eq 'HASH' ? join(',', sort keys %$d) : '-', 'code,detail',
         'the 500 is the API error object, nothing of the post');
ok t_cmp(logged('title'), 1, 'the error_log names the key');
($res, $d) = api(GET => '/posts/?board=1');
ok t_cmp(status_code($res, $d), '500 error', 'a list that holds it: 500 too');

db_query("UPDATE posts SET title = 'utf8 test' WHERE id = $id");
($res, $d) = api(GET => "/posts/$id/");
ok t_cmp(status_code($res, $d), '200 -', 'the row repaired: 200 again (the error was the request\'s, not the server\'s)');

# a nested value: the author's nickname, a truncated sequence
my ($nick) = db_query("SELECT nickname FROM users WHERE id = '$user_id'");
db_query("UPDATE users SET nickname = CAST(X'EC9D' AS TEXT) WHERE id = '$user_id'");
($res, $d) = api(GET => "/posts/$id/");
ok t_cmp(status_code($res, $d), '500 error', 'an author nickname that is not UTF-8: 500 error');
ok t_cmp(logged('nickname'), 1, 'the error_log names the nested key');
$nick =~ s/'/''/g;
db_query("UPDATE users SET nickname = '$nick' WHERE id = '$user_id'");
($res, $d) = api(GET => "/posts/$id/");
ok t_cmp(($d->{author} // {})->{nickname} // '-', $user->{user}{nickname} // '?', 'repaired: the nickname is back');
