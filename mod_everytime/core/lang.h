/*
 * lang.h: which language the client reads: Accept-Language.
 */
#ifndef ET_LANG_H
#define ET_LANG_H

/* Chooses Korean when Accept-Language prefers ko over en. */
int et_prefers_korean(const char *accept_language);

#endif
