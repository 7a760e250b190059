/*
 * lang.c: Accept-Language: Korean when the client prefers ko over en.
 */
#include "core/lang.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <strings.h>

/* The q-value of one Accept-Language entry, 1.0 when absent. */
static double entry_q(const char *params)
{
    const char *qp = params ? strstr(params, "q=") : NULL;
    return qp ? atof(qp + 2) : 1.0;
}

int et_prefers_korean(const char *header)
{
    double best_q = -1.0;
    int best_ko = 0;
    char *copy, *entry, *state;
    if (!header)
        return 0;
    copy = strdup(header);
    if (!copy)
        return 0;
    for (entry = apr_strtok(copy, ",", &state); entry; entry = apr_strtok(NULL, ",", &state)) {
        char *semi = strchr(entry, ';');
        double qv = entry_q(semi);
        int is_ko, is_en;
        if (semi)
            *semi = '\0';
        while (apr_isspace(*entry))
            entry++;
        is_ko = !strncasecmp(entry, "ko", 2) &&
                (entry[2] == '\0' || entry[2] == '-' || apr_isspace(entry[2]));
        is_en = !strncasecmp(entry, "en", 2) &&
                (entry[2] == '\0' || entry[2] == '-' || apr_isspace(entry[2]));
        if ((is_ko || is_en) && qv > best_q) {
            best_q = qv;
            best_ko = is_ko;
        }
    }
    free(copy);
    return best_ko && best_q > 0;
}
