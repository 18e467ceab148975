/*
 * The key file and the EVP calls behind crypto.h: AES-256-GCM blobs for
 * phone numbers, HMAC-SHA-256 for lookups and the audit chain.  Nothing
 * here logs a number; errors say what failed, never with what.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "util.h"

#define AES_KEY_LEN	32
#define HMAC_KEY_LEN	32

struct crypto {
	uint8_t		 aes_key[AES_KEY_LEN];
	EVP_CIPHER	*cipher;		/* AES-256-GCM, fetched once */
	/*
	 * Keyed once; each MAC re-initialises it without a key, which
	 * restarts from the key's precomputed inner and outer states (no
	 * copy of the whole context per MAC: a third of a small MAC's cost).
	 * Not for two threads at once.
	 */
	EVP_MAC_CTX	*mac;
	/* AES-GCM keyed once (key schedule, GHASH tables); a nonce per use */
	EVP_CIPHER_CTX	*enc, *dec;
};

static int	 crypto_create_keyfile(const char *, char *, size_t);
static int	 crypto_read_keyfile(const char *, uint8_t *, char *, size_t);
static void	 crypto_dirname(const char *, char *, size_t);

struct crypto *
crypto_new(const uint8_t key[CRYPTO_KEYFILE_LEN])
{
	struct crypto	*c;
	EVP_MAC		*mac;
	OSSL_PARAM	 params[2];
	char		 digest[] = "SHA256";

	c = xcalloc(1, sizeof(*c));
	memcpy(c->aes_key, key, AES_KEY_LEN);
	if ((c->cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) == NULL)
		goto fail;
	if ((c->enc = EVP_CIPHER_CTX_new()) == NULL ||
	    (c->dec = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_EncryptInit_ex2(c->enc, c->cipher, c->aes_key, NULL, NULL) ||
	    !EVP_DecryptInit_ex2(c->dec, c->cipher, c->aes_key, NULL, NULL))
		goto fail;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		goto fail;
	c->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (c->mac == NULL)
		goto fail;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(c->mac, key + AES_KEY_LEN, HMAC_KEY_LEN, params))
		goto fail;
	return c;
fail:
	crypto_free(c);
	return NULL;
}

void
crypto_free(struct crypto *c)
{
	if (c == NULL)
		return;
	OPENSSL_cleanse(c->aes_key, sizeof(c->aes_key));
	EVP_MAC_CTX_free(c->mac);	/* cleanses the HMAC key */
	EVP_CIPHER_CTX_free(c->enc);	/* and these the AES key */
	EVP_CIPHER_CTX_free(c->dec);
	EVP_CIPHER_free(c->cipher);
	free(c);
}

struct crypto *
crypto_open(const char *path, char *err, size_t errlen)
{
	uint8_t		 key[CRYPTO_KEYFILE_LEN];
	struct crypto	*c;
	int		 r;

	if ((r = crypto_read_keyfile(path, key, err, errlen)) == 1) {
		if (crypto_create_keyfile(path, err, errlen) == -1)
			return NULL;
		r = crypto_read_keyfile(path, key, err, errlen);
	}
	if (r != 0) {
		if (r == 1)
			snprintf(err, errlen, "key-file %s: vanished after "
			    "creation", path);
		OPENSSL_cleanse(key, sizeof(key));
		return NULL;
	}
	c = crypto_new(key);
	OPENSSL_cleanse(key, sizeof(key));
	if (c == NULL)
		snprintf(err, errlen, "key-file %s: OpenSSL has no "
		    "AES-256-GCM or HMAC", path);
	return c;
}

/* 0 with the key read, 1 when the file does not exist, -1 on error. */
static int
crypto_read_keyfile(const char *path, uint8_t *key, char *err, size_t errlen)
{
	struct stat	 st;
	uint8_t		 buf[CRYPTO_KEYFILE_LEN + 1];
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "key-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "key-file %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key-file %s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "key-file %s is accessible by group or "
		    "others (mode %04o; chmod 600 it)", path,
		    (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size != CRYPTO_KEYFILE_LEN) {
		snprintf(err, errlen, "key-file %s: %lld bytes, want %d",
		    path, (long long)st.st_size, CRYPTO_KEYFILE_LEN);
		goto fail;
	}
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "key-file %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != CRYPTO_KEYFILE_LEN) {
		snprintf(err, errlen, "key-file %s: short read (%zu bytes)",
		    path, got);
		goto fail;
	}
	memcpy(key, buf, CRYPTO_KEYFILE_LEN);
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return 0;
fail:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return -1;
}

/*
 * Write the key to a mkstemp() file, fchmod 0600 whatever the umask, fsync,
 * then link() it into place: link() never replaces, so two daemons racing
 * to create the key agree on one, and a crash leaves no short key file.
 */
static int
crypto_create_keyfile(const char *path, char *err, size_t errlen)
{
	uint8_t	 key[CRYPTO_KEYFILE_LEN];
	char	 tmp[PATH_MAX], dir[PATH_MAX];
	int	 fd, dfd, r = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "key-file %s: path too long", path);
		return -1;
	}
	if (RAND_bytes(key, sizeof(key)) != 1) {
		snprintf(err, errlen, "key-file %s: no random bytes", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "key-file %s: creating: %s", path,
		    strerror(errno));
		goto done;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) == -1 ||
	    write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "key-file %s: writing: %s", path,
		    errno ? strerror(errno) : "short write");
		close(fd);
		unlink(tmp);
		goto done;
	}
	close(fd);
	if (link(tmp, path) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "key-file %s: %s", path, strerror(errno));
		unlink(tmp);
		goto done;
	}
	unlink(tmp);
	crypto_dirname(path, dir, sizeof(dir));
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = 0;
done:
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

static void
crypto_dirname(const char *path, char *dir, size_t len)
{
	char	*slash;

	strlcpy(dir, path, len);
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", len);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

int
crypto_normalise_msisdn(const char *in, char *out, size_t outlen)
{
	char		 buf[CRYPTO_MSISDN_MAX] = "";	/* p[2] below */
	const char	*p;
	size_t		 n = 0, len;
	int		 digits = 1;

	if (in == NULL)
		return -1;
	for (p = in; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-' || (*p == '+' && n == 0))
			continue;
		if (*p < '0' || *p > '9')
			digits = 0;
		if (n + 1 >= sizeof(buf))
			return -1;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (n == 0)
		return -1;
	if (!digits) {
		/* an alphanumeric sender id: kept exactly as given */
		if (strlcpy(out, in, outlen) >= outlen)
			return -1;
		return 0;
	}
	p = buf;
	if (strncmp(p, "00", 2) == 0 && n > 4)
		p += 2;
	len = strlen(p);
	if (len > 2 && strncmp(p, "86", 2) == 0) {	/* p[2] is a digit */
		if (len == 13 && p[2] == '1')
			p += 2;			/* mobile: 86 1xx xxxx xxxx */
		else if (len >= 11 && len <= 13 && p[2] != '0') {
			/* landline: 86 20 xxxxxxxx -> 020 xxxxxxxx */
			if (outlen < len)
				return -1;
			out[0] = '0';
			strlcpy(out + 1, p + 2, outlen - 1);
			return 0;
		}
	}
	if (strlcpy(out, p, outlen) >= outlen)
		return -1;
	return 0;
}

int
crypto_hmac(const struct crypto *c, const char *label, const void *a,
    size_t alen, const void *b, size_t blen, uint8_t out[CRYPTO_HASH_LEN])
{
	EVP_MAC_CTX	*ctx = c->mac;
	size_t		 olen;
	int		 ok;

	if (!EVP_MAC_init(ctx, NULL, 0, NULL))
		return -1;
	ok = EVP_MAC_update(ctx, (const unsigned char *)label,
	    strlen(label) + 1) &&
	    (alen == 0 || EVP_MAC_update(ctx, a, alen)) &&
	    (b == NULL || blen == 0 || EVP_MAC_update(ctx, b, blen)) &&
	    EVP_MAC_final(ctx, out, &olen, CRYPTO_HASH_LEN) &&
	    olen == CRYPTO_HASH_LEN;
	return ok ? 0 : -1;
}

int
crypto_log_key(const struct crypto *c, uint8_t out[CRYPTO_HASH_LEN])
{
	return crypto_hmac(c, "log-tag", NULL, 0, NULL, 0, out);
}

int
crypto_hash_msisdn(const struct crypto *c, const char *msisdn,
    uint8_t out[CRYPTO_HASH_LEN])
{
	char	norm[CRYPTO_MSISDN_MAX];
	int	r;

	if (crypto_normalise_msisdn(msisdn, norm, sizeof(norm)) == -1)
		return -1;
	r = crypto_hmac(c, "msisdn", norm, strlen(norm), NULL, 0, out);
	OPENSSL_cleanse(norm, sizeof(norm));
	return r;
}

/*
 * The version byte is authenticated data: a blob cannot be relabelled for
 * a later format.  The nonce is random; 2^32 numbers under one key keep the
 * collision chance negligible (NIST SP 800-38D, 8.3).
 */
int
crypto_encrypt_msisdn(const struct crypto *c, const char *msisdn,
    uint8_t *out, size_t outlen, size_t *outlenp)
{
	EVP_CIPHER_CTX	*ctx = c->enc;
	size_t		 len;
	uint8_t		 ver = CRYPTO_BLOB_VERSION;
	uint8_t		*nonce, *ct;
	int		 n, fin, ok;

	len = strlen(msisdn);
	if (len == 0 || len >= CRYPTO_MSISDN_MAX ||
	    outlen < len + CRYPTO_BLOB_OVERHEAD)
		return -1;
	out[0] = ver;
	nonce = out + 1;
	ct = nonce + CRYPTO_NONCE_LEN;
	if (RAND_bytes(nonce, CRYPTO_NONCE_LEN) != 1)
		return -1;
	ok = EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) &&
	    EVP_EncryptUpdate(ctx, NULL, &n, &ver, 1) &&
	    EVP_EncryptUpdate(ctx, ct, &n, (const uint8_t *)msisdn,
	    (int)len) && (size_t)n == len &&
	    EVP_EncryptFinal_ex(ctx, ct + n, &fin) && fin == 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_TAG_LEN,
	    ct + len);
	if (!ok)
		return -1;
	*outlenp = len + CRYPTO_BLOB_OVERHEAD;
	return 0;
}

int
crypto_decrypt_msisdn(const struct crypto *c, const uint8_t *blob,
    size_t bloblen, char *out, size_t outlen)
{
	EVP_CIPHER_CTX	*ctx = c->dec;
	uint8_t		 tag[CRYPTO_TAG_LEN];
	const uint8_t	*nonce, *ct;
	size_t		 len;
	int		 n, fin, ok;

	if (bloblen <= CRYPTO_BLOB_OVERHEAD || blob[0] != CRYPTO_BLOB_VERSION)
		return -1;
	len = bloblen - CRYPTO_BLOB_OVERHEAD;
	if (len >= CRYPTO_MSISDN_MAX || outlen < len + 1)
		return -1;
	nonce = blob + 1;
	ct = nonce + CRYPTO_NONCE_LEN;
	memcpy(tag, ct + len, sizeof(tag));
	ok = EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce, NULL) &&
	    EVP_DecryptUpdate(ctx, NULL, &n, blob, 1) &&
	    EVP_DecryptUpdate(ctx, (uint8_t *)out, &n, ct, (int)len) &&
	    (size_t)n == len &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_TAG_LEN,
	    tag) &&
	    EVP_DecryptFinal_ex(ctx, (uint8_t *)out + n, &fin) > 0;
	if (!ok) {
		OPENSSL_cleanse(out, outlen);
		return -1;
	}
	out[len] = '\0';
	if (memchr(out, '\0', len) != NULL) {
		OPENSSL_cleanse(out, outlen);
		return -1;
	}
	return 0;
}

int
crypto_check_value(const struct crypto *c, char out[CRYPTO_KCV_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 mac[CRYPTO_HASH_LEN];
	size_t			 i;

	if (crypto_hmac(c, "key-check", "hotlined", 8, NULL, 0, mac) == -1)
		return -1;
	for (i = 0; i < CRYPTO_KCV_LEN / 2; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 0x0f];
	}
	out[CRYPTO_KCV_LEN] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}
