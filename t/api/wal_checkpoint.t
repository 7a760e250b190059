# t/api/wal_checkpoint.t: SQLite's WAL starts over while readers never stop
# (infra/db_checkpoint.h). A WAL only starts over from its beginning when no
# reader is left on an older snapshot; with readers that overlap, as a busy
# server's requests do, SQLite's own checkpoints never get there and the WAL
# grows without bound. The child's checkpoint thread waits for the old
# snapshot's readers (holding off writers meanwhile) and makes it start over.
#
# Here a second process keeps a read transaction open at all times on two
# sqlite3 sessions that take turns (each lives about 40 ms), while posts are
# written through the API. The WAL's header counts the times it started over
# (its checkpoint sequence number): it must move. The test servers say
# EverytimeSQLiteCheckpoint 64 (pages), so a few hundred writes suffice.
use strict;
use warnings;
use utf8;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT db_query db_session new_post);
use Time::HiRes ();

plan tests => 6, need { "the SQLite suite" => ($ENV{ET_TEST_DBDRIVER} // '') eq 'sqlite3' };

my $wal = "$ENV{ET_TEST_DBPARAMS}-wal";

# The WAL header's checkpoint sequence number (big-endian, bytes 12..15).
sub wal_restarts {
    open my $fh, '<:raw', $wal or return 'no WAL';
    read($fh, my $hdr, 16) == 16 or return 'short WAL';
    return (unpack 'N4', $hdr)[3];
}

ok t_cmp(db_query('PRAGMA journal_mode'), 'wal', 'the test database is in WAL mode');

my $writer = new_user();
new_post($writer);    # a WAL with a header
my $before = wal_restarts();

# the readers: always one read transaction open, each about 40 ms old at most
my $readers = fork // die "fork: $!";
if (!$readers) {
    my @s = (db_session(), db_session());
    my $stop = 0;
    local $SIG{TERM} = sub { $stop = 1 };
    for (my $i = 0; !$stop; $i++) {
        $s[$i % 2]->run('BEGIN; SELECT COUNT(*) FROM users;');
        $s[($i + 1) % 2]->run('COMMIT;') if $i;
        Time::HiRes::sleep(0.02);
    }
    $_->close for @s;
    exit 0;
}
Time::HiRes::sleep(0.2);

my @ids;
for (1 .. 300) {
    my $p = eval { new_post($writer) };
    push @ids, $p->{id} if $p && $p->{id};
}
my $during = wal_restarts();
kill TERM => $readers;
waitpid $readers, 0;

ok t_cmp(scalar(@ids), 300, 'every post written while the readers never stopped: 201');
ok t_cmp($during =~ /^\d+$/ && $before =~ /^\d+$/ ? ($during > $before ? 'started over' : "still at $during")
             : "$before .. $during",
         'started over', 'the WAL started over under overlapping readers (its checkpoint sequence moved)');
ok t_cmp(-s $wal < 8 * 1024 * 1024 ? 'small' : (-s $wal) . ' bytes', 'small',
         '... and stayed small (under 8 MB for 300 posts)');

my ($res, $d) = api(GET => "/posts/$ids[-1]/");
ok t_cmp($res->code, 200, 'the last post reads back');
ok t_cmp(db_query('SELECT COUNT(*) FROM posts WHERE id >= ' . $ids[0] . ' AND id <= ' . $ids[-1]
                  . " AND author_id = '$writer->{id}'"),
         300, 'all 300 are in the database, none lost to a restart');
