# t/api/run_state.t: build/run's state directory (var/, or EVERYTIME_VAR) is
# private (issue 8, item 15). build/run makes it with et_run_state
# (build/lib.sh); here that function runs against temporary directories, as
# build/run calls it: the directory and those in it 0700, its files (the
# database, jwt_secret) 0600, all owned by the user httpd's children run as
# (here the test's own user: only root may give files away), and the -wal
# and -shm that SQLite makes beside the database 0600 too. A directory left
# readable by an older build/run is put right, its secret and data kept.
# Nothing here depends on the suite's database: it runs in the SQLite suite.
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use File::Temp ();
use IPC::Open2 ();

plan tests => 12, need { "the SQLite suite (build/run's default database)" =>
                         ($ENV{ET_TEST_DBDRIVER} // '') eq 'sqlite3' };

my $top = Apache::Test::vars('t_dir') . '/..';
my $tmp = File::Temp->newdir;

# Runs et_run_state DIR <this user> sqlite3 in bash, under umask 022 (build/run's
# caller's); answers its exit status, its output in $log.
my $log = '';
sub run_state {
    my ($dir) = @_;
    my @cmd = ('bash', '-c', 'umask 022 && . "$1/build/lib.sh" && et_run_state "$2" "$(id -un)" sqlite3',
               'run_state', $top, $dir);
    open my $out, '-|', @cmd or die "bash: $!";
    $log = do { local $/; <$out> } // '';
    close $out;
    return $? >> 8;
}

# "name mode" of each entry of $dir (the directory itself as '.'), sorted.
sub modes {
    my ($dir, @names) = @_;
    return join ' ', map { sprintf '%s %04o', $_, (stat "$dir/$_")[2] & 07777 } '.', @names;
}

# The entries of $dir (and below, when deep) not owned by this user.
sub foreign {
    my ($dir) = @_;
    my @bad;
    require File::Find;
    File::Find::find({ no_chdir => 1, wanted => sub { push @bad, $_ if (lstat $_)[4] != $< } }, $dir);
    return join(',', @bad) || 'none';
}

my @TOP = qw(everytime.db htdocs jwt_secret logs media run);
my $PRIVATE = '. 0700 everytime.db 0600 htdocs 0700 jwt_secret 0600 logs 0700 media 0700 run 0700';

# The entries of $dir, at any depth, that group or others may use.
sub loose {
    my ($dir) = @_;
    my @bad;
    require File::Find;
    File::Find::find({ no_chdir => 1, wanted => sub { push @bad, $_ if (lstat $_)[2] & 077 } }, $dir);
    return join(',', @bad) || 'none';
}

# --- a new state directory -------------------------------------------------------------------

my $fresh = "$tmp/fresh";
ok t_cmp(run_state($fresh), 0, 'et_run_state makes a new state directory') or t_debug($log);
ok t_cmp(modes($fresh, @TOP), $PRIVATE, 'the directory and those in it 0700, the database and jwt_secret 0600');
ok t_cmp(foreign($fresh), 'none', 'all of it owned by the user httpd runs as');
ok t_cmp(loose($fresh), 'none', 'nothing in it, at any depth, open to group or others');
{
    # SQLite makes -wal and -shm beside the database while a writer has it open
    my $pid = IPC::Open2::open2(my $out, my $in, 'sqlite3', '-batch', "$fresh/everytime.db");
    print {$in} "CREATE TABLE probe (x); INSERT INTO probe VALUES (1); SELECT 'written';\n";
    $in->flush;
    readline $out;
    ok t_cmp(modes($fresh, 'everytime.db-wal', 'everytime.db-shm'),
             '. 0700 everytime.db-wal 0600 everytime.db-shm 0600',
             "the -wal and -shm SQLite makes beside the database while it is open: 0600");
    print {$in} "DROP TABLE probe;\n";
    close $in;
    waitpid $pid, 0;
}

# --- one left readable by an older build/run ----------------------------------------------------

my $old = "$tmp/old";
mkdir $old or die "$old: $!";
mkdir "$old/$_" or die "$old/$_: $!" for qw(logs media);
system('cp', "$fresh/everytime.db", "$old/everytime.db") == 0 or die 'cp failed';
for (['jwt_secret', "0123abcd\n"], ['logs/error_log', '']) {
    open my $fh, '>', "$old/$_->[0]" or die "$old/$_->[0]: $!";
    print {$fh} $_->[1];
    close $fh;
}
chmod 0755, $old, "$old/logs", "$old/media";
chmod 0644, "$old/everytime.db", "$old/jwt_secret", "$old/logs/error_log";
ok t_cmp(modes($old, qw(everytime.db jwt_secret logs)), '. 0755 everytime.db 0644 jwt_secret 0644 logs 0755',
         'an older state directory, readable by everyone');
ok t_cmp(run_state($old), 0, 'et_run_state on it succeeds') or t_debug($log);
ok t_cmp(modes($old, @TOP), $PRIVATE, 'it is then 0700, its directories 0700, its database and jwt_secret 0600');
ok t_cmp(do { open my $s, '<', "$old/jwt_secret" or die $!; local $/; <$s> }, "0123abcd\n",
         'its jwt_secret is kept, not made anew');
ok t_cmp(scalar(() = $log =~ /seeded/), 0, 'its database is migrated, not seeded again');
ok t_cmp(foreign($old), 'none', 'all of it owned by the user httpd runs as');
ok t_cmp(sprintf('%04o', (stat "$old/logs/error_log")[2] & 07777) . ' behind ' . modes($old, 'logs'),
         '0644 behind . 0700 logs 0700', 'a log file deeper down keeps its mode, shut off by 0700 directories');
