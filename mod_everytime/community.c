/*
 * community.c: author rendering shared by posts, comments and messages.
 */
#include "community.h"

json_t *et_author_json(const char *user_id, const char *nickname, const char *label)
{
    json_t *a = json_object();
    if (label) {
        json_object_set_new(a, "id", json_null());
        et_json_set_str(a, "nickname", label);
    } else {
        et_json_set_str(a, "id", user_id);
        et_json_set_str(a, "nickname", nickname);
    }
    return a;
}

const char *et_caller(const et_req *q)
{
    return q->user ? q->user->user_id : NULL;
}
