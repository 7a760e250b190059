# t/api/token_cache.t: the token cache (shmcb, the default) answers: a family
# found live is trusted for EverytimeCacheTTL without asking the database.
# shmcb refuses an id shorter than 4 bytes, and the cache's generation key
# "g" was one: every read of a family failed (an error_log line per request)
# and every authenticated request read the database again (infra/cache.c).
use strict;
use warnings;

use Apache::Test;
use Apache::TestUtil;
use FindBin ();
use lib "$FindBin::Bin/../lib";
use ETest qw(:DEFAULT db_query jwt_decode outcome);

plan tests => 4;

my $error_log = Apache::Test::vars('t_logs') . '/error_log';
my $log_from = -s $error_log // 0;
sub short_ids_logged {
    open my $fh, '<', $error_log or return -1;
    seek $fh, $log_from, 0;
    return scalar grep { /unusably short id/ } <$fh>;
}

my $user = new_user();
my ($res, $d) = login($user->{login_id}, $user->{password});
my $access = $d->{token}{access};
my (undef, $claims) = jwt_decode($access);
ok t_cmp(outcome(api(GET => '/accounts/me/', token => $access)), qr/^200/,
         'a fresh login: the access token works (its family now cached live)');
ok t_cmp(outcome(api(GET => '/accounts/me/', token => $access)), qr/^200/, 'and again');
ok t_cmp(short_ids_logged(), 0, 'shmcb refused no key of the cache (no "unusably short id")');

# revoked behind the cache's back, as another server without this cache
# would: the live answer stands until EverytimeCacheTTL (30 s) runs out
my $sid = $claims->{sid} // '';
$sid =~ s/'/''/g;
db_query("UPDATE token_families SET revoked_at = 1 WHERE id = '$sid'");
ok t_cmp(outcome(api(GET => '/accounts/me/', token => $access)), qr/^200/,
         'revoked in the database alone: still 200, answered by the cache, not the database');
