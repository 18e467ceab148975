/*
 * Unit tests of inbound.c's reassembly rules: which part headers make a
 * part of a long text (inbound_is_part), which parts make a group and when
 * it is whole (inbound_store, over a real store in a temporary directory),
 * and how a group reads (inbound_join: order, repeats, gap markers).
 * Parts come out of order, twice, never, with counts past 255 and with
 * headers no phone would send.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "inbound_int.h"
#include "log.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

#define NUM	"13800138001"
#define NUM2	"13800138002"
/* 2026-11-26 10:00:00 +08:00 in ms */
#define T0	(INT64_C(1795658400) * 1000)
#define RESEND	(INT64_C(3600) * 1000)	/* a part's windows, inbound.c's */

struct fixture {
	char		 dir[64];
	char		 path[128];
	struct crypto	*crypto;
	struct store	*st;
};

static int
setup(void **state)
{
	struct fixture	*f;

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_inbound");
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->st = testdb_open("test_inbound", f->dir, sizeof(f->dir),
	    f->path, sizeof(f->path), &f->crypto)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	crypto_free(f->crypto);
	testdb_remove(f->dir, f->path);
	free(f);
	return 0;
}

/* Part seq of total under ref from NUM, as inbound_receive() fills it. */
static struct store_inbound
part(const char *text, int ref, int total, int seq, int64_t at)
{
	struct store_inbound	in;

	memset(&in, 0, sizeof(in));
	in.smsc = "smsc1";
	in.source = NUM;
	in.dest = "12345";
	in.data_coding = 8;
	in.raw = text;
	in.rawlen = strlen(text);
	in.text = text;
	in.concat_ref = ref;
	in.concat_total = total;
	in.concat_seq = seq;
	in.received_at = at;
	in.resend_window = RESEND;
	in.msgid_window = RESEND;
	return in;
}

/* Store p; the result, its group into *grp. */
static enum store_in_result
put(struct fixture *f, struct store_inbound p, int64_t *grp)
{
	int64_t	id;

	return inbound_store(f->st, &p, &id, grp);
}

/* The group as the sweep or inbound_receive() reads it, joined. */
static void
read_joined(struct fixture *f, int64_t grp, struct store_group *g)
{
	assert_int_equal(store_inbound_group(f->st, grp, g), 1);
	assert_null(g->text);			/* the store joins nothing */
	inbound_join(g);
	assert_non_null(g->text);
}

/* A part with text t and seq, for groups built by hand. */
static void
add_part(struct store_group *g, int seq, const char *t, int64_t at)
{
	struct store_part	*p;

	g->parts = xreallocarray(g->parts, (size_t)g->nparts + 1,
	    sizeof(*p));
	p = &g->parts[g->nparts++];
	memset(p, 0, sizeof(*p));
	p->id = g->nparts;
	p->seq = seq;
	p->text = xstrdup(t);
	p->raw = (uint8_t *)xstrdup(t);
	p->rawlen = strlen(t);
	p->received_at = at;
}

/* Which headers make a part of a long text; the rest are single SMS. */
static void
test_is_part(void **state)
{
	static const struct {
		int	ref, total, seq, want;
	} h[] = {
		{ 7, 3, 1, 1 },
		{ 7, 3, 3, 1 },
		{ 0, 2, 2, 1 },
		{ 65535, 255, 255, 1 },		/* the largest there is */
		{ 0, 1, 1, 0 },			/* a single SMS */
		{ 0, 0, 0, 0 },			/* no header at all */
		{ 7, 3, 0, 0 },			/* seq 0 */
		{ 7, 3, 4, 0 },			/* seq past total */
		{ 7, 3, -1, 0 },
		{ 7, 256, 1, 0 },		/* a count no octet holds */
		{ 7, 1000000, 2, 0 },
		{ 7, INT_MAX, INT_MAX, 0 },
		{ 7, -3, 1, 0 },
		{ -1, 2, 1, 0 },		/* ref out of range */
		{ 65536, 2, 1, 0 },
		{ INT_MIN, 2, 1, 0 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(h); i++) {
		if (inbound_is_part(h[i].ref, h[i].total, h[i].seq) !=
		    h[i].want)
			fprintf(stderr, "# header %zu: ref=%d seq=%d/%d\n", i,
			    h[i].ref, h[i].seq, h[i].total);
		assert_int_equal(inbound_is_part(h[i].ref, h[i].total,
		    h[i].seq), h[i].want);
	}
}

/*
 * Three parts in the order 2, 3, 1: one group, whole with the last one to
 * come, read in seq order; another sender's part with the same reference
 * is a group of its own.
 */
static void
test_out_of_order(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 q;
	struct store_group	 g;
	int64_t			 grp, grp2, other;

	assert_int_equal(put(f, part("楼下烧烤店", 7, 3, 2, T0), &grp),
	    STORE_IN_PARTIAL);
	q = part("另一个人", 7, 3, 1, T0 + 10);
	q.source = NUM2;
	assert_int_equal(put(f, q, &other), STORE_IN_PARTIAL);
	assert_true(other != grp);
	assert_int_equal(put(f, part("噪音扰民。", 7, 3, 3, T0 + 100), &grp2),
	    STORE_IN_PARTIAL);
	assert_int_equal(grp2, grp);
	assert_int_equal(put(f, part("市民反映：", 7, 3, 1, T0 + 200), &grp2),
	    STORE_IN_COMPLETE);
	assert_int_equal(grp2, grp);

	read_joined(f, grp, &g);
	assert_int_equal(g.state, STORE_IN_S_COMPLETE);
	assert_int_equal(g.total, 3);
	assert_int_equal(g.nparts, 3);
	assert_int_equal(g.parts[0].seq, 1);
	assert_int_equal(g.parts[1].seq, 2);
	assert_int_equal(g.parts[2].seq, 3);
	assert_string_equal(g.text, "市民反映：楼下烧烤店噪音扰民。");
	assert_string_equal(g.source, NUM);
	assert_string_equal(g.dest, "12345");
	assert_int_equal(g.first_at, T0);
	assert_int_equal(g.parts[1].rawlen, strlen("楼下烧烤店"));
	store_group_clear(&g);
	assert_int_equal(store_inbound_group(f->st, 999999, &g), 0);
	/* the other sender's group still waits */
	read_joined(f, other, &g);
	assert_int_equal(g.state, STORE_IN_S_PARTIAL);
	assert_string_equal(g.text, "另一个人[第2/3段未收到][第3/3段未收到]");
	store_group_clear(&g);
}

/*
 * Twice: the SMSC's resend of a part is acknowledged, not stored; another
 * text under a seq already there (a reference the phone reused, or a
 * forged part) does not make the group whole, and the first text stays.
 */
static void
test_duplicate(void **state)
{
	struct fixture		*f = *state;
	struct store_group	 g;
	int64_t			 grp, grp2;

	assert_int_equal(put(f, part("第一段，", 9, 3, 1, T0), &grp),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("第一段，", 9, 3, 1, T0 + 30000), &grp2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(grp2, grp);
	assert_int_equal(put(f, part("第二段，", 9, 3, 2, T0 + 100), &grp2),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("冒名的第二段，", 9, 3, 2, T0 + 200),
	    &grp2), STORE_IN_PARTIAL);
	assert_int_equal(grp2, grp);
	assert_int_equal(store_inbound_parts(f->st, grp), 2);
	assert_int_equal(put(f, part("第三段。", 9, 3, 3, T0 + 300), &grp2),
	    STORE_IN_COMPLETE);
	assert_int_equal(grp2, grp);
	read_joined(f, grp, &g);
	assert_int_equal(g.nparts, 3);
	assert_string_equal(g.text, "第一段，第二段，第三段。");
	store_group_clear(&g);
	/* the group is done: its reference comes round again, a new one */
	assert_int_equal(store_inbound_done(f->st, grp, 0, 0), 0);
	assert_int_equal(put(f, part("新的一条", 9, 3, 1, T0 + 60000), &grp2),
	    STORE_IN_PARTIAL);
	assert_true(grp2 != grp);
	/* a late resend of a processed part is still a resend */
	assert_int_equal(put(f, part("第二段，", 9, 3, 2, T0 + 70000), &grp2),
	    STORE_IN_DUPLICATE);
	assert_int_equal(grp2, grp);
}

/*
 * Never: a group given up reads with a marker where each part is missing,
 * first, middle or last; the sweep finds it once its first part is older
 * than the timeout, and a whole group at once.
 */
static void
test_missing(void **state)
{
	struct fixture		*f = *state;
	struct store_group	 g;
	int64_t			 a, b, c, due[8];

	assert_int_equal(put(f, part("开头", 11, 3, 1, T0), &a),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("结尾", 11, 3, 3, T0 + 100), &b),
	    STORE_IN_PARTIAL);
	assert_int_equal(b, a);
	assert_int_equal(put(f, part("第二段", 12, 4, 2, T0 + 50), &b),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("短", 13, 2, 1, T0 + 5000), &c),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("信", 13, 2, 2, T0 + 5001), &c),
	    STORE_IN_COMPLETE);

	assert_int_equal(store_inbound_due(f->st, T0, due, 8), 1);
	assert_int_equal(due[0], c);
	assert_int_equal(store_inbound_due(f->st, T0 + 1000, due, 8), 3);

	read_joined(f, a, &g);
	assert_int_equal(g.state, STORE_IN_S_PARTIAL);
	assert_int_equal(g.nparts, 2);
	assert_string_equal(g.text, "开头[第2/3段未收到]结尾");
	store_group_clear(&g);
	read_joined(f, b, &g);
	assert_string_equal(g.text,
	    "[第1/4段未收到]第二段[第3/4段未收到][第4/4段未收到]");
	assert_int_equal(g.first_at, T0 + 50);
	store_group_clear(&g);
	read_joined(f, c, &g);
	assert_string_equal(g.text, "短信");
	store_group_clear(&g);
	assert_int_equal(store_inbound_done(f->st, a, 1, 0), 0);
	assert_int_equal(store_inbound_due(f->st, T0 + 1000, due, 8), 2);
	read_joined(f, a, &g);
	assert_int_equal(g.state, STORE_IN_S_INCOMPLETE);
	store_group_clear(&g);
}

/*
 * Which parts join: the same sender, destination, reference and total.
 * One reference with another count or to another number is another text;
 * a single SMS is whole at once and joins nothing.
 */
static void
test_group_key(void **state)
{
	struct fixture		*f = *state;
	struct store_inbound	 p;
	int64_t			 a, b, c, d;

	assert_int_equal(put(f, part("甲", 21, 2, 1, T0), &a),
	    STORE_IN_PARTIAL);
	assert_int_equal(put(f, part("乙", 21, 3, 2, T0 + 1), &b),
	    STORE_IN_PARTIAL);
	assert_true(b != a);
	p = part("丙", 21, 2, 2, T0 + 2);
	p.dest = "123450417";
	assert_int_equal(put(f, p, &c), STORE_IN_PARTIAL);
	assert_true(c != a && c != b);
	assert_int_equal(put(f, part("丁", 0, 1, 1, T0 + 3), &d),
	    STORE_IN_COMPLETE);
	assert_true(d != a && d != b && d != c);
	assert_int_equal(put(f, part("戊", 21, 2, 2, T0 + 4), &d),
	    STORE_IN_COMPLETE);
	assert_int_equal(d, a);
}

/*
 * Groups no store would hand over, joined anyway: parts in any order,
 * seqs outside 1..total, repeats, a total in the millions or below one.
 * Each text is what the rules say, and never longer than its parts plus
 * INBOUND_MAX_PARTS markers.
 */
static void
test_join_hostile(void **state)
{
	struct store_group	 g;
	char			 first[48], widest[48];
	size_t			 most;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.total = 4;
	add_part(&g, 4, "D", T0 + 4);
	add_part(&g, 2, "B", T0 + 2);
	add_part(&g, 0, "zero", T0 - 10);
	add_part(&g, 2, "B2", T0 + 1);
	add_part(&g, 9, "nine", T0 - 20);
	add_part(&g, -1, "minus", T0 - 30);
	inbound_join(&g);
	assert_string_equal(g.text, "[第1/4段未收到]B[第3/4段未收到]D");
	assert_int_equal(g.nparts, 2);
	assert_int_equal(g.parts[0].seq, 2);
	assert_string_equal(g.parts[0].text, "B");
	assert_int_equal(g.first_at, T0 + 2);
	store_group_clear(&g);

	/* a count past what a header holds: markers stop at 255 */
	memset(&g, 0, sizeof(g));
	g.total = 1000000;
	add_part(&g, 3, "x", T0);
	add_part(&g, 500000, "y", T0);
	inbound_join(&g);
	snprintf(first, sizeof(first), INBOUND_GAP_MARK, 1, g.total);
	snprintf(widest, sizeof(widest), INBOUND_GAP_MARK, INBOUND_MAX_PARTS,
	    g.total);
	most = 2 + INBOUND_MAX_PARTS * strlen(widest);
	assert_true(strlen(g.text) <= most);
	assert_int_equal(strncmp(g.text, first, strlen(first)), 0);
	assert_non_null(strstr(g.text, "x[第4/1000000段未收到]"));
	assert_non_null(strstr(g.text, "[第255/1000000段未收到]y"));
	assert_null(strstr(g.text, "[第256/"));
	assert_int_equal(g.nparts, 2);
	store_group_clear(&g);

	/* a count below one: no part has a place */
	memset(&g, 0, sizeof(g));
	g.total = 0;
	add_part(&g, 1, "x", T0);
	inbound_join(&g);
	assert_string_equal(g.text, "");
	assert_int_equal(g.nparts, 0);
	store_group_clear(&g);

	/* a single SMS reads as itself, no marker */
	memset(&g, 0, sizeof(g));
	g.total = 1;
	add_part(&g, 1, "路灯坏了", T0);
	inbound_join(&g);
	assert_string_equal(g.text, "路灯坏了");
	store_group_clear(&g);

	/* nothing at all */
	memset(&g, 0, sizeof(g));
	g.total = 2;
	inbound_join(&g);
	assert_string_equal(g.text, "[第1/2段未收到][第2/2段未收到]");
	store_group_clear(&g);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_part),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_key, setup,
		    teardown),
		cmocka_unit_test(test_join_hostile),
	};

	return cmocka_run_group_tests_name("test_inbound", tests, NULL, NULL);
}
