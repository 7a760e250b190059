/*
 * api.h: the route functions and statement tables of every resource group.
 */
#ifndef ET_API_H
#define ET_API_H

#include "db.h"
#include "request.h"

/* tokens.c: refresh families */
extern const et_stmt et_auth_statements[];

/* api_accounts.c */
extern const et_stmt et_accounts_statements[];
/* throttle.c: login attempts */
extern const et_stmt et_throttle_statements[];
int et_accounts_signup(et_req *q);
int et_accounts_login(et_req *q);
int et_accounts_refresh(et_req *q);
int et_accounts_verify(et_req *q);
int et_accounts_logout(et_req *q);
int et_accounts_logout_all(et_req *q);
int et_accounts_me_get(et_req *q);
int et_accounts_me_patch(et_req *q);
int et_accounts_me_delete(et_req *q);

/* api_schools_boards.c */
extern const et_stmt et_schools_boards_statements[];
int et_schools_list(et_req *q);
int et_schools_create(et_req *q);
int et_boards_list(et_req *q);
int et_boards_create(et_req *q);
int et_boards_get(et_req *q);
int et_boards_patch(et_req *q);
int et_boards_delete(et_req *q);
int et_boards_favorite(et_req *q);
int et_boards_unfavorite(et_req *q);
int et_boards_mine(et_req *q);

/* api_posts.c */
extern const et_stmt et_posts_statements[];
int et_posts_list(et_req *q);
int et_posts_board_list(et_req *q);
int et_posts_hot(et_req *q);
int et_posts_create(et_req *q);
int et_posts_get(et_req *q);
int et_posts_put(et_req *q);
int et_posts_patch(et_req *q);
int et_posts_delete(et_req *q);
int et_posts_mine(et_req *q);

/* api_messages.c */
extern const et_stmt et_messages_statements[];
int et_messages_start(et_req *q);
int et_messages_conversations(et_req *q);
int et_messages_read(et_req *q);
int et_messages_reply(et_req *q);

/* anonymity.c */
extern const et_stmt et_anonymity_statements[];

/* api_comments.c */
extern const et_stmt et_comments_statements[];
int et_comments_list(et_req *q);
int et_comments_create(et_req *q);
int et_comments_patch(et_req *q);
int et_comments_delete(et_req *q);
int et_me_comments(et_req *q);

/* api_reactions.c */
extern const et_stmt et_reactions_statements[];
int et_posts_like(et_req *q);
int et_posts_unlike(et_req *q);
int et_posts_scrap(et_req *q);
int et_posts_unscrap(et_req *q);
int et_comments_like(et_req *q);
int et_comments_unlike(et_req *q);
int et_me_scraps(et_req *q);

/* api_media.c */
extern const et_stmt et_media_statements[];
int et_media_upload(et_req *q);
int et_media_delete(et_req *q);

/* api_reviews.c */
extern const et_stmt et_reviews_statements[];
int et_reviews_list(et_req *q);
int et_reviews_create(et_req *q);
int et_reviews_patch(et_req *q);
int et_reviews_delete(et_req *q);

/* api_friends.c */
extern const et_stmt et_friends_statements[];
int et_friends_request(et_req *q);
int et_friends_requests(et_req *q);
int et_friends_accept(et_req *q);
int et_friends_reject(et_req *q);
int et_friends_list(et_req *q);
int et_friends_delete(et_req *q);
int et_friends_timetable(et_req *q);

/* api_courses.c */
extern const et_stmt et_courses_statements[];
int et_courses_list(et_req *q);
int et_courses_create(et_req *q);
int et_courses_get(et_req *q);

/* api_timetables.c */
extern const et_stmt et_timetables_statements[];
int et_timetables_list(et_req *q);
int et_timetables_create(et_req *q);
int et_timetables_get(et_req *q);
int et_timetables_patch(et_req *q);
int et_timetables_delete(et_req *q);
int et_timetables_add_course(et_req *q);
int et_timetables_remove_course(et_req *q);
int et_timetables_history(et_req *q);

/* api_social.c: social login */
extern const et_stmt et_social_statements[];
int et_social_login(et_req *q);
int et_social_signup(et_req *q);
int et_social_kakao(et_req *q);

/* api_ops.c */
extern const et_stmt et_ops_statements[];
int et_ops_health(et_req *q);
int et_ops_schema(et_req *q);

#endif
