/*
 * Unit tests for dbguard.c: the record beside the key file (parse strict,
 * malformed, truncated, oversized and hostile input; format and parse
 * agree; atomic write, mode 0600), and the start-up decision between key
 * file, record and database, case by case.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbguard.h"
#include "log.h"

#define ID	"0123456789abcdef0123456789abcdef"
#define ID2	"fedcba9876543210fedcba9876543210"
#define KCV	"00112233445566778899aabbccddeeff"
#define KCV2	"ffeeddccbbaa99887766554433221100"

static int
parse(const char *s, struct dbguard_record *r, char *err, size_t errlen)
{
	return dbguard_parse("rec", s, strlen(s), r, err, errlen);
}

static void
test_parse_good(void **state)
{
	struct dbguard_record	r;
	char			err[256];

	assert_int_equal(parse("# comment\n\ndatabase " ID "\nkey-check "
	    KCV "\ncreated 1796575688393\n", &r, err, sizeof(err)), 0);
	assert_string_equal(r.ident, ID);
	assert_string_equal(r.kcv, KCV);
	assert_int_equal(r.created_at, 1796575688393LL);
	/* CRLF, tabs, any order, created optional, no final newline */
	assert_int_equal(parse("key-check\t" KCV "\r\n  database " ID, &r,
	    err, sizeof(err)), 0);
	assert_string_equal(r.ident, ID);
	assert_int_equal(r.created_at, 0);
}

static void
test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",					/* empty */
		"# only a comment\n",
		"database " ID "\n",			/* key-check missing */
		"key-check " KCV "\n",			/* database missing */
		"database " ID "\ndatabase " ID "\nkey-check " KCV "\n",
		"database " ID "\nkey-check " KCV "\nkey-check " KCV "\n",
		"database 0123\nkey-check " KCV "\n",	/* short */
		"database " ID "00\nkey-check " KCV "\n",	/* long */
		"database 0123456789ABCDEF0123456789ABCDEF\nkey-check " KCV
		    "\n",				/* upper case */
		"database 0123456789abcdefg123456789abcdef\nkey-check " KCV
		    "\n",				/* not hex */
		"database\nkey-check " KCV "\n",	/* no value */
		"databases " ID "\nkey-check " KCV "\n",	/* unknown word */
		"database " ID "\nkey-check " KCV "\ncreated -5\n",
		"database " ID "\nkey-check " KCV "\ncreated 12x\n",
		"database " ID "\nkey-check " KCV "\ncreated\n",
		"database " ID "\nkey-check " KCV
		    "\ncreated 99999999999999999999999\n",
		"database " ID "\nkey-check " KCV "\nrm -rf /\n",
	};
	struct dbguard_record	 r;
	char			 err[256], big[DBGUARD_RECORD_MAX + 64];
	char			 line[400];
	size_t			 i;

	for (i = 0; i < nitems(bad); i++) {
		err[0] = '\0';
		if (parse(bad[i], &r, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(strncmp(err, "rec", 3) == 0);
	}
	/* a NUL byte inside */
	assert_int_equal(dbguard_parse("rec", "database " ID "\0\nkey-check "
	    KCV "\n", 9 + 32 + 2 + 10 + 32 + 1, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	/* oversized */
	memset(big, '#', sizeof(big));
	assert_int_equal(dbguard_parse("rec", big, sizeof(big), &r, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	/* one line too long for the parser */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line too long"));
	/* truncated in the middle of a value */
	assert_int_equal(dbguard_parse("rec", "database " ID "\nkey-check "
	    KCV, 9 + 32 + 1 + 10 + 20, &r, err, sizeof(err)), -1);
}

static void
test_format_roundtrip(void **state)
{
	struct dbguard_record	r, back;
	char			buf[512], err[256];
	int			n;

	memset(&r, 0, sizeof(r));
	strlcpy(r.ident, ID, sizeof(r.ident));
	strlcpy(r.kcv, KCV, sizeof(r.kcv));
	r.created_at = 1796575688393LL;
	n = dbguard_format(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(dbguard_parse("rec", buf, (size_t)n, &back, err,
	    sizeof(err)), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	assert_int_equal(dbguard_format(&r, buf, 20), -1);
}

static void
test_read_write(void **state)
{
	struct dbguard_record	r, back;
	struct stat		sb;
	char			dir[] = "/tmp/test_dbguard.XXXXXX", key[64];
	char			rec[96], err[256];
	FILE			*fp;

	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/hotlined.key", dir);
	snprintf(rec, sizeof(rec), "%s%s", key, DBGUARD_SUFFIX);
	assert_int_equal(dbguard_read(key, &back, err, sizeof(err)), 0);
	memset(&r, 0, sizeof(r));
	strlcpy(r.ident, ID, sizeof(r.ident));
	strlcpy(r.kcv, KCV, sizeof(r.kcv));
	r.created_at = 42;
	umask(022);
	assert_int_equal(dbguard_write(key, &r, err, sizeof(err)), 0);
	assert_int_equal(stat(rec, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(dbguard_read(key, &back, err, sizeof(err)), 1);
	assert_memory_equal(&r, &back, sizeof(r));
	/* replaced whole */
	strlcpy(r.ident, ID2, sizeof(r.ident));
	assert_int_equal(dbguard_write(key, &r, err, sizeof(err)), 0);
	assert_int_equal(dbguard_read(key, &back, err, sizeof(err)), 1);
	assert_string_equal(back.ident, ID2);
	/* a damaged record is an error, never "no record" */
	fp = fopen(rec, "w");
	assert_non_null(fp);
	fputs("database " ID "\n", fp);
	fclose(fp);
	assert_int_equal(dbguard_read(key, &back, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "incomplete"));
	unlink(rec);
	rmdir(dir);
}

/* A state: key present?, record (ident or NULL), database (ident or NULL). */
static void
state(struct dbguard_state *s, int key, const char *rec, const char *db)
{
	memset(s, 0, sizeof(*s));
	s->key_path = "/k/hotlined.key";
	s->db_path = "/d/hotlined.db";
	s->key_exists = key;
	if (rec != NULL) {
		s->has_record = 1;
		strlcpy(s->record.ident, rec, sizeof(s->record.ident));
		strlcpy(s->record.kcv, KCV, sizeof(s->record.kcv));
	}
	if (db != NULL) {
		s->db.exists = 1;
		s->db.version = STORE_SCHEMA_VERSION;
		strlcpy(s->db.ident, db, sizeof(s->db.ident));
		if (db[0] != '\0')	/* "": from before v7, no row yet */
			strlcpy(s->db.kcv, KCV, sizeof(s->db.kcv));
	}
}

static void
test_decide(void **state_)
{
	struct dbguard_state	s;
	char			why[1024];

	/* a first start: no key, no record, no database */
	state(&s, 0, NULL, NULL);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_CREATE_KEY);
	/* the key missing (a typo, a restore without it) */
	state(&s, 0, NULL, ID);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	assert_non_null(strstr(why, "key-file /k/hotlined.key is missing"));
	assert_non_null(strstr(why, "check value 00112233"));
	state(&s, 0, ID, NULL);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	assert_non_null(strstr(why, "names database 01234567"));
	state(&s, 0, ID, ID);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	/* a database from before v7: no identity yet, still not keyless */
	state(&s, 0, NULL, "");
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	assert_non_null(strstr(why, "from before schema v7"));
	/* the database lost where the record names one */
	state(&s, 1, ID, NULL);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	assert_non_null(strstr(why, "database /d/hotlined.db is empty or "
	    "missing"));
	assert_non_null(strstr(why, "remove /k/hotlined.key.database"));
	/* another database in its place */
	state(&s, 1, ID, ID2);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)),
	    DBGUARD_REFUSE);
	assert_non_null(strstr(why, "database /d/hotlined.db is fedcba98"));
	/* the pairs that start */
	state(&s, 1, ID, ID);
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)), DBGUARD_START);
	state(&s, 1, NULL, ID);		/* the first start at v7 */
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)), DBGUARD_START);
	state(&s, 1, NULL, NULL);	/* a key made for a database not made */
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)), DBGUARD_START);
	state(&s, 1, ID, "");		/* upgraded: identity made at open */
	assert_int_equal(dbguard_decide(&s, why, sizeof(why)), DBGUARD_START);
}

static void
test_check_key(void **state_)
{
	struct dbguard_state	s;
	char			why[1024];

	state(&s, 1, ID, ID);
	assert_int_equal(dbguard_check_key(&s, KCV, why, sizeof(why)), 0);
	assert_int_equal(dbguard_check_key(&s, KCV2, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is not the key its record"));
	assert_non_null(strstr(why, "the file gives ffeeddcc"));
	state(&s, 1, NULL, ID);		/* no record: the database decides */
	assert_int_equal(dbguard_check_key(&s, KCV2, why, sizeof(why)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_check_key),
	};

	log_init(LOG_TO_STDERR, LOG_L_WARN, "test_dbguard");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
