/*
 * groups.h: every resource group of the API, and the one list of all groups
 * (api/groups.c) that the module hands to the database layer and the router.
 */
#ifndef ET_GROUPS_H
#define ET_GROUPS_H

#include "core/group.h"

extern const et_group et_api_accounts;
extern const et_group et_api_verification;
extern const et_group et_api_password_reset;
extern const et_group et_api_social;
extern const et_group et_api_schools_boards;
extern const et_group et_api_posts;
extern const et_group et_api_popular;
extern const et_group et_api_reactions;
extern const et_group et_api_comments;
extern const et_group et_api_messages;
extern const et_group et_api_reports;
extern const et_group et_api_blocks;
extern const et_group et_api_notifications;
extern const et_group et_api_devices;
extern const et_group et_api_media;
extern const et_group et_api_courses;
extern const et_group et_api_timetables;
extern const et_group et_api_grades;
extern const et_group et_api_reviews;
extern const et_group et_api_friends;
extern const et_group et_api_ops;

/* Every group, the API's and those of lower layers that only bring
 * statements, ending with NULL. The router walks them in this order. */
extern const et_group *const et_groups[];

#endif
