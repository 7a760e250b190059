/*
 * groups.c: the one list of the module's groups. A new resource group is a
 * new api/<group>.c with its et_group, and one line here.
 */
#include "api/groups.h"
#include "domain/anonymity.h"
#include "domain/comments.h"
#include "domain/devices.h"
#include "domain/media.h"
#include "domain/moderation.h"
#include "domain/notifications.h"
#include "domain/posts.h"
#include "domain/push.h"
#include "auth/throttle.h"
#include "domain/timetables.h"
#include "auth/tokens.h"
#include "domain/users.h"
#include "infra/outbox.h"

/* the outbox's statements (infra/ knows no et_group) */
static const et_group et_infra_outbox = {"outbox", et_outbox_statements, NULL};

const et_group *const et_groups[] = {
    /* statements only: what the routes below build on */
    &et_infra_outbox,
    &et_auth_tokens,
    &et_auth_throttle,
    &et_domain_users,
    &et_domain_posts,
    &et_domain_comments,
    &et_domain_anonymity,
    &et_domain_media,
    &et_domain_moderation,
    &et_domain_timetables,
    &et_domain_notifications,
    &et_domain_devices,
    &et_domain_push,
    /* the API, in the order the router tries the routes */
    &et_api_accounts,
    &et_api_verification,
    &et_api_password_reset,
    &et_api_social,
    &et_api_schools_boards,
    &et_api_popular,
    &et_api_posts,
    &et_api_reactions,
    &et_api_comments,
    &et_api_messages,
    &et_api_reports,
    &et_api_blocks,
    &et_api_notifications,
    &et_api_devices,
    &et_api_media,
    &et_api_courses,
    &et_api_timetables,
    &et_api_grades,
    &et_api_reviews,
    &et_api_friends,
    &et_api_ops,
    NULL,
};
