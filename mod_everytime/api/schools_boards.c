/*
 * api/schools_boards.c: schools (signup needs one) and boards: the public
 * list, user-created boards with an owner, edits by the owner or an admin,
 * soft delete, and favourites (pinned boards, DRF's MyBoard).
 */
#include "domain/gpa.h"
#include "domain/users.h"
#include "api/groups.h"
#include "auth/auth.h"
#include "core/cursor.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"

/* The Board columns, in the order board_json reads them. The favourite join
 * takes the caller's id ('' for anonymous callers, which matches no row). */
#define BOARD_COLUMNS                                                                            \
    "SELECT b.id, b.category, b.name, b.description, b.allow_anonymous, b.owner_id, "            \
    "u.nickname, u.is_active, b.created_at, b.updated_at, s.id, s.name, s.domain, s.gpa_scale, " \
    "f.user_id, b.requires_verification "                                                        \
    "FROM boards b JOIN schools s ON s.id = b.school_id "                                        \
    "LEFT JOIN users u ON u.id = b.owner_id "
#define BOARD_FAVORITE_JOIN "LEFT JOIN board_favorites f ON f.board_id = b.id AND f.user_id = %s "

enum {
    B_ID,
    B_CATEGORY,
    B_NAME,
    B_DESCRIPTION,
    B_ANON,
    B_OWNER,
    B_OWNER_NICK,
    B_OWNER_ACTIVE,
    B_CREATED,
    B_UPDATED,
    B_SCHOOL_ID,
    B_SCHOOL_NAME,
    B_SCHOOL_DOMAIN,
    B_SCHOOL_SCALE,
    B_FAVORITE,
    B_VERIFIED,
    B_NCOLS /* declared by the statements: checked against each result */
};

static const et_stmt statements[] = {
    /* '!' escapes LIKE wildcards the same way on every driver */
    {"et_sch_list", "s", 4,
     "SELECT id, name, domain, gpa_scale FROM schools WHERE LOWER(name) LIKE LOWER(%s) ESCAPE '!' "
     "ORDER BY id",
     NULL, NULL},
    {"et_sch_by_name", "s", 1, "SELECT id FROM schools WHERE name = %s", NULL, NULL},
    {"et_sch_insert", "sslll", 1,
     "INSERT INTO schools (name, domain, gpa_scale, created_at, updated_at) "
     "VALUES (%s, %s, %lld, %lld, %lld) "
     "RETURNING id",
     NULL, NULL},
    {"et_sch_exists", "l", 1, "SELECT id FROM schools WHERE id = %lld", NULL, NULL},
    /* the filters are off when given 0 / '' (one statement, not one per combination) */
    {"et_brd_list", "sllsss", B_NCOLS,
     BOARD_COLUMNS BOARD_FAVORITE_JOIN
     "WHERE b.is_deleted = 0 AND (%lld = 0 OR b.school_id = %lld) "
     "AND (%s = '' OR b.category = %s) AND LOWER(b.name) LIKE LOWER(%s) ESCAPE '!' "
     "ORDER BY b.id",
     NULL, NULL},
    {"et_brd_get", "sl", B_NCOLS,
     BOARD_COLUMNS BOARD_FAVORITE_JOIN "WHERE b.id = %lld AND b.is_deleted = 0", NULL, NULL},
    {"et_brd_pinned", "s", B_NCOLS,
     BOARD_COLUMNS "JOIN board_favorites f ON f.board_id = b.id AND f.user_id = %s "
                   "WHERE b.is_deleted = 0 ORDER BY f.created_at, b.id",
     NULL, NULL},
    {"et_brd_insert", "lsssllsll", 1,
     "INSERT INTO boards (school_id, category, name, description, allow_anonymous, "
     "requires_verification, owner_id, is_deleted, created_at, updated_at) "
     "VALUES (%lld, %s, %s, %s, %lld, %lld, %s, 0, %lld, %lld) "
     "RETURNING id",
     NULL, NULL},
    {"et_brd_update", "lsssllll", 0,
     "UPDATE boards SET school_id = %lld, category = %s, name = %s, description = %s, "
     "allow_anonymous = %lld, requires_verification = %lld, updated_at = %lld "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_brd_delete", "ll", 0,
     "UPDATE boards SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_brd_fav_insert", "sll", 0,
     "INSERT INTO board_favorites (user_id, board_id, created_at) VALUES (%s, %lld, %lld)", NULL,
     NULL},
    {"et_brd_fav_delete", "sl", 0,
     "DELETE FROM board_favorites WHERE user_id = %s AND board_id = %lld", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- schools ------------------------------------------------------------------ */

static int et_schools_list(et_req *q)
{
    const char *name = et_query(q, "name");
    json_t *list;
    et_rows *rows;
    int i;
    if (name && et_utf8_chars(name) < 0) {
        et_field_error(q, "name", ET_M_NOT_STRING, 0);
        return et_fail_invalid(q);
    }
    if (et_db_select(q->r, "et_sch_list", &rows, et_like_contains(q->r->pool, name ? name : "")) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < rows->nrows; i++)
        et_json_push(list, et_school_json(q->r->pool, ET_CELL(rows, i, 0), ET_CELL(rows, i, 1),
                                          ET_CELL(rows, i, 2), ET_CELL(rows, i, 3)));
    return et_reply(q, HTTP_OK, et_page_json(q, list, NULL));
}

static int school_taken(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "A school with that name already exists.",
                          "같은 이름의 학교가 이미 있습니다.");
}

/* {gpa_scale?}: 4.5 (the default when absent or null) or 4.3, as a JSON
 * number or as DRF's DecimalField also reads it, a string ("4.3"). The
 * scale in tenths, or 0 after a field error. */
static int read_gpa_scale(et_req *q)
{
    json_t *v = q->body ? json_object_get(q->body, "gpa_scale") : NULL;
    int tenths = 0;
    if (!v || json_is_null(v))
        return ET_GPA_SCALE_DEFAULT;
    if (json_is_number(v))
        tenths = et_gpa_scale_of_number(json_number_value(v));
    else if (json_is_string(v))
        tenths = !strcmp(json_string_value(v), "4.5")   ? ET_GPA_SCALE_45
                 : !strcmp(json_string_value(v), "4.3") ? ET_GPA_SCALE_43
                                                        : 0;
    if (!tenths)
        et_field_error_text(q, "gpa_scale", "Must be 4.5 or 4.3.", "4.5 또는 4.3이어야 합니다.");
    return tenths;
}

static int et_schools_create(et_req *q)
{
    const char *name = et_body_str(q, "name", ET_REQUIRED, 0, 100);
    const char *domain = et_body_str(q, "domain", ET_ALLOW_BLANK | ET_NULLABLE, 0, 100);
    apr_int64_t now = apr_time_now(), scale = read_gpa_scale(q);
    et_rows *rows;
    et_db_outcome o;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (domain && !*domain)
        domain = NULL;
    if (et_db_select(q->r, "et_sch_by_name", &rows, name) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows)
        return school_taken(q);
    o = et_db_select(q->r, "et_sch_insert", &rows, name, domain, scale, now, now);
    if (o == ET_DB_CONFLICT) /* a concurrent insert of the same name won */
        return school_taken(q);
    if (o != ET_DB_OK || rows->nrows != 1)
        return et_fail_unavailable(q);
    return et_reply(q, HTTP_CREATED,
                    et_school_json(q->r->pool, ET_CELL(rows, 0, 0), name, domain,
                                   apr_psprintf(q->r->pool, "%" APR_INT64_T_FMT, scale)));
}

/* --- boards: reading ------------------------------------------------------------ */

/* The caller's id for the favourite join: '' matches nobody. */
static const char *caller_or_blank(const et_req *q)
{
    return et_caller(q) ? et_caller(q) : "";
}

static json_t *owner_json(apr_pool_t *p, const et_rows *rows, int i)
{
    if (!ET_CELL(rows, i, B_OWNER))
        return NULL; /* a seeded board: null */
    if (et_cell_i64(ET_CELL(rows, i, B_OWNER_ACTIVE)) != 1)
        return et_author_json(p, NULL, NULL, ET_DELETED_USER);
    return et_author_json(p, ET_CELL(rows, i, B_OWNER), ET_CELL(rows, i, B_OWNER_NICK), NULL);
}

static json_t *board_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *b = et_json_obj(p);
    et_json_set_int(b, "id", et_cell_i64(ET_CELL(rows, i, B_ID)));
    et_json_set(b, "school",
                et_school_json(p, ET_CELL(rows, i, B_SCHOOL_ID), ET_CELL(rows, i, B_SCHOOL_NAME),
                               ET_CELL(rows, i, B_SCHOOL_DOMAIN),
                               ET_CELL(rows, i, B_SCHOOL_SCALE)));
    et_json_set_str(p, b, "category", ET_CELL(rows, i, B_CATEGORY));
    et_json_set_str(p, b, "name", ET_CELL(rows, i, B_NAME));
    et_json_set_str(p, b, "description", ET_CELL(rows, i, B_DESCRIPTION));
    et_json_set_bool(b, "allow_anonymous", et_cell_i64(ET_CELL(rows, i, B_ANON)) != 0);
    et_json_set_bool(b, "requires_verification", et_cell_i64(ET_CELL(rows, i, B_VERIFIED)) != 0);
    et_json_set(b, "owner", owner_json(p, rows, i));
    /* only a signed-in caller has favourites */
    if (et_caller(q))
        et_json_set_bool(b, "is_favorite", ET_CELL(rows, i, B_FAVORITE) != NULL);
    et_json_set_str(p, b, "created_at", et_cell_time(p, ET_CELL(rows, i, B_CREATED)));
    et_json_set_str(p, b, "updated_at", et_cell_time(p, ET_CELL(rows, i, B_UPDATED)));
    return b;
}

static json_t *board_list_json(et_req *q, const et_rows *rows)
{
    json_t *list = et_json_arr(q->r->pool);
    int i;
    for (i = 0; i < rows->nrows; i++)
        et_json_push(list, board_json(q, rows, i));
    return et_page_json(q, list, NULL);
}

/* The live board of the path into *out: OK, 404 or 503 already set up. */
static int load_board(et_req *q, apr_int64_t id, et_rows **out)
{
    if (et_db_select(q->r, "et_brd_get", out, caller_or_blank(q), id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return (*out)->nrows ? OK : et_fail(q, ET_E_NOT_FOUND);
}

/* A query parameter that must be a positive integer when present. */
static apr_int64_t query_id(et_req *q, const char *name)
{
    const char *text = et_query(q, name);
    apr_int64_t v = 0;
    if (text && (et_parse_i64(text, &v) || v < 1)) {
        et_field_error(q, name, ET_M_NOT_INT, 0);
        return 0;
    }
    return v;
}

static int et_boards_list(et_req *q)
{
    apr_int64_t school = query_id(q, "school");
    const char *category = et_query(q, "category");
    const char *name = et_query(q, "name");
    et_rows *rows;
    if (category && et_utf8_chars(category) < 0)
        et_field_error(q, "category", ET_M_NOT_STRING, 0);
    if (name && et_utf8_chars(name) < 0)
        et_field_error(q, "name", ET_M_NOT_STRING, 0);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (!category)
        category = "";
    if (et_db_select(q->r, "et_brd_list", &rows, caller_or_blank(q), school, school, category,
                     category, et_like_contains(q->r->pool, name ? name : "")) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_reply(q, HTTP_OK, board_list_json(q, rows));
}

static int et_boards_get(et_req *q)
{
    et_rows *rows;
    int status = load_board(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    return et_reply(q, HTTP_OK, board_json(q, rows, 0));
}

static int et_boards_mine(et_req *q)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_brd_pinned", &rows, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_reply(q, HTTP_OK, board_list_json(q, rows));
}

/* --- boards: writing ------------------------------------------------------------ */

/* The fields of a board as a write leaves them. */
typedef struct {
    apr_int64_t school;
    const char *category;
    const char *name;
    const char *description;
    int allow_anonymous;
    int requires_verification; /* only verified users may write on it */
} board_fields;

/* Records a field error unless the school exists; -1 when the database failed. */
static int check_school(et_req *q, apr_int64_t school)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_sch_exists", &rows, school) != APR_SUCCESS)
        return -1;
    if (!rows->nrows)
        et_field_invalid_pk(q, "school", school);
    return 0;
}

/* Reads the body over f: required fields only when creating (required set);
 * absent fields keep f's values. OK, or 400/503 already set up. */
static int read_board_fields(et_req *q, int required, board_fields *f)
{
    int need = required ? ET_REQUIRED : 0, school_given;
    const char *s;
    school_given = et_body_int(q, "school", need, 1, APR_INT64_C(999999999999), &f->school) == 1;
    if ((s = et_body_str(q, "category", need, 0, 50)))
        f->category = s;
    if ((s = et_body_str(q, "name", need, 0, 100)))
        f->name = s;
    if ((s = et_body_str(q, "description", ET_ALLOW_BLANK | ET_NULLABLE, 0, 500)))
        f->description = s;
    else if (et_body_has(q, "description") && json_is_null(json_object_get(q->body, "description")))
        f->description = "";
    et_body_bool(q, "allow_anonymous", 0, &f->allow_anonymous);
    et_body_bool(q, "requires_verification", 0, &f->requires_verification);
    if (school_given && check_school(q, f->school) < 0)
        return et_fail_unavailable(q);
    return et_has_errors(q) ? et_fail_invalid(q) : OK;
}

static int may_change(const et_req *q, const et_rows *board)
{
    const char *owner = ET_CELL(board, 0, B_OWNER);
    return !strcmp(q->user->role, ET_ROLE_ADMIN) || (owner && !strcmp(owner, q->user->user_id));
}

static int et_boards_create(et_req *q)
{
    board_fields f = {0, NULL, NULL, "", 1, 0};
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int status = read_board_fields(q, 1, &f);
    if (status != OK)
        return status;
    if (et_db_select(q->r, "et_brd_insert", &rows, f.school, f.category, f.name, f.description,
                     (apr_int64_t)f.allow_anonymous, (apr_int64_t)f.requires_verification,
                     et_caller(q), now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return et_fail_unavailable(q);
    if ((status = load_board(q, et_cell_i64(ET_CELL(rows, 0, 0)), &rows)) != OK)
        return status;
    return et_reply(q, HTTP_CREATED, board_json(q, rows, 0));
}

static int et_boards_patch(et_req *q)
{
    board_fields f;
    et_rows *rows;
    int status = load_board(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    if (!may_change(q, rows))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    f.school = et_cell_i64(ET_CELL(rows, 0, B_SCHOOL_ID));
    f.category = ET_CELL(rows, 0, B_CATEGORY);
    f.name = ET_CELL(rows, 0, B_NAME);
    f.description = ET_CELL(rows, 0, B_DESCRIPTION);
    f.allow_anonymous = et_cell_i64(ET_CELL(rows, 0, B_ANON)) != 0;
    f.requires_verification = et_cell_i64(ET_CELL(rows, 0, B_VERIFIED)) != 0;
    if ((status = read_board_fields(q, 0, &f)) != OK)
        return status;
    if (et_db_exec(q->r, "et_brd_update", NULL, f.school, f.category, f.name, f.description,
                   (apr_int64_t)f.allow_anonymous, (apr_int64_t)f.requires_verification,
                   (apr_int64_t)apr_time_now(), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if ((status = load_board(q, q->ids[0], &rows)) != OK)
        return status;
    return et_reply(q, HTTP_OK, board_json(q, rows, 0));
}

static int et_boards_delete(et_req *q)
{
    et_rows *rows;
    int status = load_board(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    if (!may_change(q, rows))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    if (et_db_exec(q->r, "et_brd_delete", NULL, (apr_int64_t)apr_time_now(), q->ids[0]) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    return HTTP_NO_CONTENT;
}

/* --- favourites ------------------------------------------------------------------- */

static int already_pinned(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "This board is already in your favorites.",
                          "이미 즐겨찾기한 게시판입니다.");
}

static int et_boards_favorite(et_req *q)
{
    et_rows *rows;
    et_db_outcome o;
    int status = load_board(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    if (ET_CELL(rows, 0, B_FAVORITE))
        return already_pinned(q);
    o = et_db_exec(q->r, "et_brd_fav_insert", NULL, et_caller(q), q->ids[0],
                   (apr_int64_t)apr_time_now());
    if (o == ET_DB_CONFLICT) /* the same user's concurrent pin won */
        return already_pinned(q);
    if (o != ET_DB_OK)
        return et_fail_unavailable(q);
    if ((status = load_board(q, q->ids[0], &rows)) != OK)
        return status;
    return et_reply(q, HTTP_CREATED, board_json(q, rows, 0));
}

static int et_boards_unfavorite(et_req *q)
{
    et_rows *rows;
    int n = 0, status = load_board(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    if (et_db_exec(q->r, "et_brd_fav_delete", &n, et_caller(q), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (n == 0)
        return et_fail_detail(q, ET_E_NOT_FOUND, "This board is not in your favorites.",
                              "즐겨찾기하지 않은 게시판입니다.");
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_GET, "/schools", et_schools_list, ET_PUBLIC, 0},
    {M_POST, "/schools", et_schools_create, ET_ADMIN, ET_JSON_BODY},
    {M_GET, "/boards", et_boards_list, ET_PUBLIC, 0},
    {M_POST, "/boards", et_boards_create, ET_USER, ET_JSON_BODY},
    {M_GET, "/boards/{int}", et_boards_get, ET_PUBLIC, 0},
    {M_PATCH, "/boards/{int}", et_boards_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/boards/{int}", et_boards_delete, ET_USER, 0},
    {M_POST, "/boards/{int}/favorite", et_boards_favorite, ET_USER, 0},
    {M_DELETE, "/boards/{int}/favorite", et_boards_unfavorite, ET_USER, 0},
    {M_GET, "/me/boards", et_boards_mine, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_schools_boards = {"schools_boards", statements, routes};
