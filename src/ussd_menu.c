/*
 * ussd_menu: the screens of the *12345# menu and what a choice does.  Every
 * screen is a template (templates/ussd_*.txt); lists are packed into pages
 * that fit one USSD string, numbered across pages, with "0 下一页" while
 * more follow and "00 返回" always.  Reads the store; writes nothing (an
 * evaluation is ussd.c's, inside the group commit).
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "hooks.h"
#include "log.h"
#include "util.h"
#include "category.h"
#include "gsm7.h"
#include "mo.h"
#include "store.h"
#include "template.h"
#include "ussd.h"

static enum ussd_step	menu_show(struct ussd_menu *, char *, size_t);
static enum ussd_step	menu_invalid(struct ussd_menu *, char *, size_t);
static int	menu_page(const struct ussd_menu *, int, const char *,
		    const char *, int, int, char *, size_t);
static int	menu_item(const struct ussd_menu *, size_t, const char *,
		    char *, size_t);
static int	menu_paginate(struct ussd_menu *, const char *, const char *);
static int	menu_load_cases(struct ussd_menu *, struct store *,
		    const char *);
static int	menu_load_surveys(struct ussd_menu *, struct store *,
		    const char *, int64_t);
static int	menu_pick(const struct ussd_menu *, const char *, size_t *);
static const char *menu_trim(const char *, char *, size_t);

int
ussd_fits_max(const char *text, int gsm_max, int ucs2_max)
{
	struct gsm7_count	c;

	if (gsm7_count(text, strlen(text), &c) < 0)
		return 0;
	return c.gsm ? c.septets <= (size_t)gsm_max :
	    c.ucs2 <= (size_t)ucs2_max;
}

int
ussd_fits(const char *text)
{
	return ussd_fits_max(text, USSD_GSM7_MAX, USSD_UCS2_MAX);
}

int
ussd_menu_screen(const char *name, char *out, size_t outlen)
{
	return template_render(template_current(), name, NULL, 0, out, outlen);
}

/* One list line: item i (numbered from 1 across pages) by template tpl. */
static int
menu_item(const struct ussd_menu *m, size_t i, const char *tpl, char *out,
    size_t outlen)
{
	const struct ussd_item	*it = &m->item[i];
	struct template_var	 v[5];
	char			 n[24];

	snprintf(n, sizeof(n), "%zu", i + 1);
	v[0] = (struct template_var){ "n", n };
	v[1] = (struct template_var){ "case", it->number };
	v[2] = (struct template_var){ "state", it->state };
	v[3] = (struct template_var){ "due", it->due };
	v[4] = (struct template_var){ "category", it->category };
	return template_render(template_current(), tpl, v, nitems(v), out,
	    outlen);
}

/*
 * Items [from, to) as page p of npages by tpl_list, nav "0 下一页" when
 * more follows; 0 or -1.  page and pages are given as numbers to print.
 */
static int
menu_page(const struct ussd_menu *m, int p, const char *tpl_list,
    const char *tpl_item, int more, int npages, char *out, size_t outlen)
{
	struct template_var	 v[4];
	char			 items[TEMPLATE_OUT_MAX], line[512];
	char			 nav[128], back[64], page[16], pages[16];
	size_t			 i, from = m->first[p], to = m->first[p + 1];

	items[0] = '\0';
	for (i = from; i < to; i++) {
		if (menu_item(m, i, tpl_item, line, sizeof(line)) == -1)
			return -1;
		if (i > from)
			strlcat(items, "\n", sizeof(items));
		if (strlcat(items, line, sizeof(items)) >= sizeof(items))
			return -1;
	}
	if (ussd_menu_screen("ussd_nav_back", back, sizeof(back)) == -1)
		return -1;
	nav[0] = '\0';
	if (more) {
		if (ussd_menu_screen("ussd_nav_more", nav, sizeof(nav)) == -1)
			return -1;
		strlcat(nav, "\n", sizeof(nav));
	}
	strlcat(nav, back, sizeof(nav));
	snprintf(page, sizeof(page), "%d", p + 1);
	snprintf(pages, sizeof(pages), "%d", npages);
	v[0] = (struct template_var){ "page", page };
	v[1] = (struct template_var){ "pages", pages };
	v[2] = (struct template_var){ "items", items };
	v[3] = (struct template_var){ "nav", nav };
	return template_render(template_current(), tpl_list, v, nitems(v), out,
	    outlen);
}

/*
 * Pack the items into pages: as many as fit one USSD string, measured
 * with the widest page numbers (an item alone that does not fit is a page
 * of its own; the SMSC then decides).  0 or -1.
 */
static int
menu_paginate(struct ussd_menu *m, const char *tpl_list, const char *tpl_item)
{
	char	out[TEMPLATE_OUT_MAX];
	size_t	i = 0, k;
	int	p = 0;

	while (i < m->nitems && p < USSD_PAGES_MAX) {
		m->first[p] = i;
		for (k = i + 1; k <= m->nitems; k++) {
			m->first[p + 1] = k;
			if (menu_page(m, p, tpl_list, tpl_item, k < m->nitems,
			    USSD_PAGES_MAX, out, sizeof(out)) == -1)
				return -1;
			if (!ussd_fits_max(out, m->gsm_max, m->ucs2_max))
				break;
		}
		/* k items [i, k) overflowed: keep [i, k - 1), at least one */
		i = k > i + 1 ? k - 1 : i + 1;
		if (i > m->nitems)
			i = m->nitems;
		m->first[++p] = i;
	}
	m->npages = p;
	m->nitems = m->first[p];	/* what did not fit in the pages */
	return 0;
}

/* The citizen's latest cases, newest first. */
static int
menu_load_cases(struct ussd_menu *m, struct store *st, const char *msisdn)
{
	struct store_case	c[USSD_LIST_MAX];
	struct ussd_item	*it;
	int			n, i;

	if ((n = store_case_list_msisdn(st, msisdn, NULL, NULL, 0, c,
	    nitems(c))) == -1)
		return -1;
	m->nitems = 0;
	for (i = 0; i < n; i++) {
		it = &m->item[m->nitems++];
		memset(it, 0, sizeof(*it));
		it->id = c[i].id;
		strlcpy(it->number, c[i].number, sizeof(it->number));
		strlcpy(it->state, mo_state_zh(c[i].state != NULL ?
		    c[i].state : ""), sizeof(it->state));
		/* YYYY-MM-DD shown as MM-DD: a case is due within months */
		strlcpy(it->due, c[i].due != NULL && strlen(c[i].due) == 10 ?
		    c[i].due + 5 : "-", sizeof(it->due));
		strlcpy(it->due_full, c[i].due != NULL ? c[i].due : "-",
		    sizeof(it->due_full));
		strlcpy(it->category, mo_category_zh(c[i].category != NULL ?
		    c[i].category : "other"), sizeof(it->category));
		store_case_clear(&c[i]);
	}
	return 0;
}

/*
 * The surveys awaiting this citizen's answer whose SMS has gone out (one
 * still waiting for quiet hours to end is not offered: its SMS would ask
 * again for an evaluation already given), newest first.
 */
static int
menu_load_surveys(struct ussd_menu *m, struct store *st, const char *msisdn,
    int64_t now)
{
	struct store_survey	sv[USSD_LIST_MAX];
	struct store_case	c;
	struct ussd_item	*it;
	int			n, i, r;

	if ((n = store_survey_open(st, msisdn, sv, nitems(sv))) == -1)
		return -1;
	m->nitems = 0;
	for (i = 0; i < n; i++) {
		if (sv[i].sent_at > now)
			continue;
		it = &m->item[m->nitems++];
		memset(it, 0, sizeof(*it));
		it->id = sv[i].id;
		strlcpy(it->number, sv[i].number, sizeof(it->number));
		strlcpy(it->category, mo_category_zh("other"),
		    sizeof(it->category));
		memset(&c, 0, sizeof(c));
		if ((r = store_case_get(st, sv[i].case_id, &c)) == -1)
			return -1;
		if (r == 1) {
			strlcpy(it->category, mo_category_zh(c.category != NULL
			    ? c.category : "other"), sizeof(it->category));
			strlcpy(it->state, mo_state_zh(c.state != NULL ?
			    c.state : ""), sizeof(it->state));
			strlcpy(it->due, c.due != NULL && strlen(c.due) == 10 ?
			    c.due + 5 : "-", sizeof(it->due));
			strlcpy(it->due_full, c.due != NULL ? c.due : "-",
			    sizeof(it->due_full));
		}
		store_case_clear(&c);
	}
	return 0;
}

/* A choice without the blanks a keypad or gateway adds. */
static const char *
menu_trim(const char *text, char *buf, size_t len)
{
	size_t	n;

	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	strlcpy(buf, text, len);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
	    buf[n - 1] == '\r' || buf[n - 1] == '\n'))
		buf[--n] = '\0';
	return buf;
}

/* An item number on the page shown: 1 with its index in *ip, else 0. */
static int
menu_pick(const struct ussd_menu *m, const char *s, size_t *ip)
{
	const char	*errstr;
	long long	 n;

	if (*s < '1' || *s > '9')
		return 0;
	n = strtonum(s, 1, USSD_LIST_MAX, &errstr);
	if (errstr != NULL || m->npages == 0 ||
	    (size_t)n <= m->first[m->page] ||
	    (size_t)n > m->first[m->page + 1])
		return 0;
	*ip = (size_t)n - 1;
	return 1;
}

/* The screen of the state the menu is in. */
static enum ussd_step
menu_show(struct ussd_menu *m, char *out, size_t outlen)
{
	struct template_var	 v[4];
	const struct ussd_item	*it = &m->item[m->picked];
	int			 r = -1, cases;

	switch (m->state) {
	case USSD_S_MENU:
		r = ussd_menu_screen("ussd_menu", out, outlen);
		break;
	case USSD_S_CASES:
	case USSD_S_RATE:
		cases = m->state == USSD_S_CASES;
		r = m->nitems == 0 ? ussd_menu_screen(cases ? "ussd_cases_none" :
		    "ussd_rate_none", out, outlen) : menu_page(m, m->page,
		    cases ? "ussd_cases" : "ussd_rate", cases ? "ussd_case_item" :
		    "ussd_rate_item", m->page + 1 < m->npages, m->npages, out,
		    outlen);
		break;
	case USSD_S_CASE:
	case USSD_S_RATE_CASE:
		v[0] = (struct template_var){ "case", it->number };
		v[1] = (struct template_var){ "category", it->category };
		v[2] = (struct template_var){ "state", it->state };
		v[3] = (struct template_var){ "due", it->due_full };
		r = template_render(template_current(), m->state ==
		    USSD_S_CASE ? "ussd_case" : "ussd_rate_case", v, nitems(v),
		    out, outlen);
		break;
	case USSD_S_INVALID:
		r = ussd_menu_screen("ussd_invalid", out, outlen);
		break;
	}
	if (r == -1)
		return USSD_STEP_ERROR;
	if (!ussd_fits_max(out, m->gsm_max, m->ucs2_max))
		log_warnx("ussd screen state=%d longer than one screen of this "
		    "bearer (%d GSM or %d UCS-2 characters): check the template",
		    (int)m->state, m->gsm_max, m->ucs2_max);
	return USSD_STEP_SCREEN;
}

/* Not a choice this screen offers: say so; any reply goes back. */
static enum ussd_step
menu_invalid(struct ussd_menu *m, char *out, size_t outlen)
{
	m->back = m->state;
	m->state = USSD_S_INVALID;
	return menu_show(m, out, outlen);
}

enum ussd_step
ussd_menu_start(struct ussd_menu *m, int ucs2_max, int gsm_max, char *out,
    size_t outlen)
{
	memset(m, 0, offsetof(struct ussd_menu, item));
	m->ucs2_max = ucs2_max > 0 ? ucs2_max : USSD_UCS2_MAX;
	m->gsm_max = gsm_max > 0 ? gsm_max : USSD_GSM7_MAX;
	m->state = USSD_S_MENU;
	return menu_show(m, out, outlen);
}

enum ussd_step
ussd_menu_input(struct ussd_menu *m, struct store *st, const char *msisdn,
    const char *text, int64_t now, char *out, size_t outlen)
{
	char	s[32];
	size_t	i;

	menu_trim(text != NULL ? text : "", s, sizeof(s));
	switch (m->state) {
	case USSD_S_MENU:
		if (strcmp(s, "1") == 0 || strcmp(s, "2") == 0) {
			if ((s[0] == '1' ? menu_load_cases(m, st, msisdn) :
			    menu_load_surveys(m, st, msisdn, now)) == -1 ||
			    menu_paginate(m, s[0] == '1' ? "ussd_cases" :
			    "ussd_rate", s[0] == '1' ? "ussd_case_item" :
			    "ussd_rate_item") == -1)
				return USSD_STEP_ERROR;
			m->state = s[0] == '1' ? USSD_S_CASES : USSD_S_RATE;
			m->page = 0;
			return menu_show(m, out, outlen);
		}
		if (strcmp(s, "3") == 0)
			return ussd_menu_screen("ussd_contact", out, outlen) ==
			    -1 ? USSD_STEP_ERROR : USSD_STEP_END;
		return menu_invalid(m, out, outlen);
	case USSD_S_CASES:
	case USSD_S_RATE:
		if (strcmp(s, "00") == 0) {
			m->state = USSD_S_MENU;
			return menu_show(m, out, outlen);
		}
		if (strcmp(s, "0") == 0 && m->page + 1 < m->npages) {
			m->page++;
			return menu_show(m, out, outlen);
		}
		if (!menu_pick(m, s, &i))
			return menu_invalid(m, out, outlen);
		m->picked = i;
		m->state = m->state == USSD_S_CASES ? USSD_S_CASE :
		    USSD_S_RATE_CASE;
		return menu_show(m, out, outlen);
	case USSD_S_CASE:
	case USSD_S_RATE_CASE:
		if (strcmp(s, "00") == 0) {
			m->state = m->state == USSD_S_CASE ? USSD_S_CASES :
			    USSD_S_RATE;
			return menu_show(m, out, outlen);
		}
		if (m->state == USSD_S_RATE_CASE && s[0] >= '1' &&
		    s[0] <= '3' && s[1] == '\0') {
			m->score = s[0] - '0';
			return USSD_STEP_RATE;
		}
		return menu_invalid(m, out, outlen);
	case USSD_S_INVALID:
		m->state = m->back;
		return menu_show(m, out, outlen);
	}
	return USSD_STEP_ERROR;
}

enum ussd_step
ussd_menu_rated(struct ussd_menu *m, int r, int reopened, char *out,
    size_t outlen)
{
	struct template_var	v[1];
	const char		*name;

	v[0] = (struct template_var){ "case", m->item[m->picked].number };
	if (r == -1)
		name = "ussd_error";
	else if (r == 1)
		name = "ussd_rate_closed";
	else
		name = reopened ? "ussd_rated_reopened" : "ussd_rated";
	if (template_render(template_current(), name, v, nitems(v), out,
	    outlen) == -1)
		return USSD_STEP_ERROR;
	return USSD_STEP_END;
}
