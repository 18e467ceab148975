/*
 * Unit tests for crypto.c: key file creation and refusal, AES-256-GCM
 * round trip, tamper and wrong-key detection, number normalisation and the
 * keyed hash.  Numbers are compared with strcmp so a failure prints none.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"

#define NUM	"13800138001"

struct fixture {
	char	 dir[64];
	char	 path[128];
};

static int
setup(void **state)
{
	struct fixture	*f;

	f = calloc(1, sizeof(*f));
	strlcpy(f->dir, "/tmp/test_crypto.XXXXXX", sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/hotlined.key", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct crypto *
key_of(uint8_t fill)
{
	uint8_t	key[CRYPTO_KEYFILE_LEN];

	memset(key, fill, sizeof(key));
	key[0] = 0x42;
	return crypto_new(key);
}

static void
test_round_trip(void **state)
{
	struct crypto	*c = key_of(1);
	uint8_t		 a[CRYPTO_BLOB_MAX], b[CRYPTO_BLOB_MAX];
	size_t		 alen, blen;
	char		 out[CRYPTO_MSISDN_MAX];

	assert_non_null(c);
	assert_int_equal(crypto_encrypt_msisdn(c, NUM, a, sizeof(a), &alen), 0);
	assert_int_equal(alen, strlen(NUM) + CRYPTO_BLOB_OVERHEAD);
	assert_int_equal(a[0], CRYPTO_BLOB_VERSION);
	assert_null(memmem(a, alen, NUM, strlen(NUM)));
	assert_int_equal(crypto_decrypt_msisdn(c, a, alen, out, sizeof(out)),
	    0);
	assert_true(strcmp(out, NUM) == 0);
	/* a fresh nonce each time: equal numbers, unequal blobs */
	assert_int_equal(crypto_encrypt_msisdn(c, NUM, b, sizeof(b), &blen), 0);
	assert_int_equal(alen, blen);
	assert_true(memcmp(a, b, alen) != 0);
	/* the number as given: "+86..." comes back as "+86..." */
	assert_int_equal(crypto_encrypt_msisdn(c, "+86" NUM, a, sizeof(a),
	    &alen), 0);
	assert_int_equal(crypto_decrypt_msisdn(c, a, alen, out, sizeof(out)),
	    0);
	assert_true(strcmp(out, "+86" NUM) == 0);
	crypto_free(c);
	crypto_free(NULL);
}

static void
test_tamper(void **state)
{
	struct crypto	*c = key_of(2);
	uint8_t		 a[CRYPTO_BLOB_MAX];
	size_t		 alen, i;
	char		 out[CRYPTO_MSISDN_MAX];

	assert_int_equal(crypto_encrypt_msisdn(c, NUM, a, sizeof(a), &alen), 0);
	for (i = 0; i < alen; i++) {
		a[i] ^= 0x01;
		assert_int_equal(crypto_decrypt_msisdn(c, a, alen, out,
		    sizeof(out)), -1);
		a[i] ^= 0x01;
		/* the context kept for every blob recovers from a failure */
		assert_int_equal(crypto_decrypt_msisdn(c, a, alen, out,
		    sizeof(out)), 0);
		assert_string_equal(out, NUM);
	}
	/* truncated, or too short to hold anything */
	assert_int_equal(crypto_decrypt_msisdn(c, a, alen - 1, out,
	    sizeof(out)), -1);
	assert_int_equal(crypto_decrypt_msisdn(c, a, CRYPTO_BLOB_OVERHEAD, out,
	    sizeof(out)), -1);
	assert_int_equal(crypto_decrypt_msisdn(c, a, alen, out, sizeof(out)),
	    0);
	crypto_free(c);
}

static void
test_wrong_key(void **state)
{
	struct crypto	*c = key_of(3), *d = key_of(4);
	uint8_t		 a[CRYPTO_BLOB_MAX], h1[CRYPTO_HASH_LEN];
	uint8_t		 h2[CRYPTO_HASH_LEN];
	size_t		 alen;
	char		 out[CRYPTO_MSISDN_MAX];

	assert_int_equal(crypto_encrypt_msisdn(c, NUM, a, sizeof(a), &alen), 0);
	assert_int_equal(crypto_decrypt_msisdn(d, a, alen, out, sizeof(out)),
	    -1);
	assert_int_equal(crypto_hash_msisdn(c, NUM, h1), 0);
	assert_int_equal(crypto_hash_msisdn(d, NUM, h2), 0);
	assert_true(memcmp(h1, h2, sizeof(h1)) != 0);
	crypto_free(c);
	crypto_free(d);
}

/* The check value: the same for one key, another for another key. */
static void
test_check_value(void **state)
{
	struct crypto	*c = key_of(3), *c2 = key_of(3), *d = key_of(4);
	uint8_t		 h[CRYPTO_HASH_LEN];
	char		 a[CRYPTO_KCV_LEN + 1], b[CRYPTO_KCV_LEN + 1];
	char		 x[CRYPTO_KCV_LEN + 1], hex[CRYPTO_KCV_LEN + 1];
	size_t		 i;

	assert_int_equal(crypto_check_value(c, a), 0);
	assert_int_equal(strlen(a), CRYPTO_KCV_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), CRYPTO_KCV_LEN);
	assert_int_equal(crypto_check_value(c2, b), 0);
	assert_string_equal(a, b);
	assert_int_equal(crypto_check_value(d, x), 0);
	assert_string_not_equal(a, x);
	/* not the lookup hash of anything a database also holds */
	assert_int_equal(crypto_hash_msisdn(c, "hotlined", h), 0);
	for (i = 0; i < CRYPTO_KCV_LEN / 2; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_string_not_equal(a, hex);
	crypto_free(c);
	crypto_free(c2);
	crypto_free(d);
}

static void
test_normalise(void **state)
{
	static const char *const same[] = {
		NUM, "+86" NUM, "0086" NUM, "86" NUM, "138 0013 8001",
		"+86 138-0013-8001"
	};
	char	out[CRYPTO_MSISDN_MAX];
	size_t	i;

	for (i = 0; i < nitems(same); i++) {
		assert_int_equal(crypto_normalise_msisdn(same[i], out,
		    sizeof(out)), 0);
		assert_true(strcmp(out, NUM) == 0);
	}
	assert_int_equal(crypto_normalise_msisdn("+862012345678", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "02012345678");
	assert_int_equal(crypto_normalise_msisdn("12345", out, sizeof(out)),
	    0);
	assert_string_equal(out, "12345");
	assert_int_equal(crypto_normalise_msisdn("+4915112345678", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "4915112345678");
	assert_int_equal(crypto_normalise_msisdn("BANK", out, sizeof(out)), 0);
	assert_string_equal(out, "BANK");
	assert_int_equal(crypto_normalise_msisdn("", out, sizeof(out)), -1);
	assert_int_equal(crypto_normalise_msisdn("+", out, sizeof(out)), -1);
	assert_int_equal(crypto_normalise_msisdn(NULL, out, sizeof(out)), -1);
}

static void
test_hash(void **state)
{
	struct crypto	*c = key_of(5);
	uint8_t		 h1[CRYPTO_HASH_LEN], h2[CRYPTO_HASH_LEN];
	uint8_t		 h3[CRYPTO_HASH_LEN];

	assert_int_equal(crypto_hash_msisdn(c, NUM, h1), 0);
	assert_int_equal(crypto_hash_msisdn(c, "+86" NUM, h2), 0);
	assert_memory_equal(h1, h2, sizeof(h1));
	assert_int_equal(crypto_hash_msisdn(c, "13800138002", h3), 0);
	assert_true(memcmp(h1, h3, sizeof(h1)) != 0);
	/* labels keep the uses apart */
	assert_int_equal(crypto_hmac(c, "msisdn", NUM, strlen(NUM), NULL, 0,
	    h2), 0);
	assert_memory_equal(h1, h2, sizeof(h1));
	assert_int_equal(crypto_hmac(c, "audit", NUM, strlen(NUM), NULL, 0,
	    h3), 0);
	assert_true(memcmp(h1, h3, sizeof(h1)) != 0);
	/* two parts hash as their concatenation */
	assert_int_equal(crypto_hmac(c, "audit", "1380", 4, "0138001", 7, h2),
	    0);
	assert_memory_equal(h2, h3, sizeof(h2));
	assert_int_equal(crypto_hash_msisdn(c, "", h1), -1);
	crypto_free(c);
}

static void
test_keyfile_created_0600(void **state)
{
	struct fixture	*f = *state;
	struct crypto	*c, *d;
	struct stat	 sb;
	uint8_t		 a[CRYPTO_BLOB_MAX];
	size_t		 alen;
	char		 err[256], out[CRYPTO_MSISDN_MAX];
	mode_t		 old;

	old = umask(0);		/* a careless umask must not widen it */
	c = crypto_open(f->path, err, sizeof(err));
	umask(old);
	assert_non_null(c);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, CRYPTO_KEYFILE_LEN);
	/* the second start reads the same key */
	d = crypto_open(f->path, err, sizeof(err));
	assert_non_null(d);
	assert_int_equal(crypto_encrypt_msisdn(c, NUM, a, sizeof(a), &alen), 0);
	assert_int_equal(crypto_decrypt_msisdn(d, a, alen, out, sizeof(out)),
	    0);
	crypto_free(c);
	crypto_free(d);
	/* an umask that takes the owner's write bit still gives 0600 */
	unlink(f->path);
	old = umask(0277);
	c = crypto_open(f->path, err, sizeof(err));
	umask(old);
	assert_non_null(c);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	crypto_free(c);
}

static void
test_keyfile_refused(void **state)
{
	struct fixture	*f = *state;
	struct crypto	*c;
	char		 err[256], link_path[160];
	uint8_t		 buf[CRYPTO_KEYFILE_LEN];
	int		 fd;

	c = crypto_open(f->path, err, sizeof(err));
	assert_non_null(c);
	crypto_free(c);
	assert_int_equal(chmod(f->path, 0644), 0);
	err[0] = '\0';
	assert_null(crypto_open(f->path, err, sizeof(err)));
	assert_non_null(strstr(err, "group or others"));
	assert_non_null(strstr(err, "0644"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(chmod(f->path, 0640), 0);
	assert_null(crypto_open(f->path, err, sizeof(err)));

	/* wrong size */
	unlink(f->path);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	memset(buf, 7, sizeof(buf));
	assert_int_equal(write(fd, buf, sizeof(buf) - 1), sizeof(buf) - 1);
	close(fd);
	assert_null(crypto_open(f->path, err, sizeof(err)));
	assert_non_null(strstr(err, "63 bytes"));

	/* a symlink is not followed */
	snprintf(link_path, sizeof(link_path), "%s/link.key", f->dir);
	assert_int_equal(symlink(f->path, link_path), 0);
	assert_null(crypto_open(link_path, err, sizeof(err)));
	unlink(link_path);

	/* a directory that cannot hold it */
	assert_null(crypto_open("/nonexistent-dir/hotlined.key", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "nonexistent-dir"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_hash),
		cmocka_unit_test_setup_teardown(test_keyfile_created_0600,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyfile_refused,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
