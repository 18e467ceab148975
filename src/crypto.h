/*
 * Phone numbers at rest (Art. 19, 23(10)): AES-256-GCM for the number
 * itself, HMAC-SHA-256 over the normalised number for lookups, and a keyed
 * HMAC for the audit chain.  Both keys live in one 64-byte file, mode 0600.
 */
#ifndef HOTLINED_CRYPTO_H
#define HOTLINED_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEYFILE_LEN	64	/* 32 AES-256-GCM + 32 HMAC-SHA-256 */
#define CRYPTO_HASH_LEN		32	/* HMAC-SHA-256 output */
#define CRYPTO_BLOB_VERSION	1
#define CRYPTO_NONCE_LEN	12
#define CRYPTO_TAG_LEN		16
/* Blob: version byte, nonce, ciphertext (as long as the number), tag. */
#define CRYPTO_BLOB_OVERHEAD	(1 + CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN)
#define CRYPTO_MSISDN_MAX	64	/* longest number accepted, with NUL */
#define CRYPTO_BLOB_MAX		(CRYPTO_BLOB_OVERHEAD + CRYPTO_MSISDN_MAX)

/*
 * The keys, and the keyed OpenSSL contexts every call re-uses: a struct
 * crypto, even one passed as const, is for one thread at a time.
 */
struct crypto;

/*
 * Load the key file at path, creating it (64 random bytes, mode 0600,
 * O_EXCL, atomically via link()) when it does not exist.  Refuses a file
 * that group or others may access, that is not a regular file or that has
 * the wrong size; NULL with a one-line reason in err.
 */
struct crypto	*crypto_open(const char *path, char *err, size_t errlen);
/* A handle on the given key bytes (tests, benchmarks). */
struct crypto	*crypto_new(const uint8_t key[CRYPTO_KEYFILE_LEN]);
/* Zero the keys and free; crypto_free(NULL) does nothing. */
void		 crypto_free(struct crypto *);

/*
 * Normalise a number for hashing: drop spaces, '-' and a leading '+';
 * international prefix "00" dropped; China's country code 86 dropped before
 * an 11-digit mobile number (1xxxxxxxxxx) and replaced by the trunk prefix
 * 0 before a landline (8620xxxxxxxx -> 020xxxxxxxx).  Alphanumeric sender
 * ids are kept as they are.  So +8613800138000, 008613800138000,
 * 8613800138000 and 13800138000 are one person.  0, or -1 when empty or
 * too long.
 */
int	 crypto_normalise_msisdn(const char *in, char *out, size_t outlen);
/* Keyed lookup hash of the normalised number; 0 or -1. */
int	 crypto_hash_msisdn(const struct crypto *, const char *msisdn,
	    uint8_t out[CRYPTO_HASH_LEN]);
/*
 * Encrypt the number exactly as given (replies go back to the address the
 * SMSC sent) into out; *outlenp = strlen + CRYPTO_BLOB_OVERHEAD.  0 or -1.
 */
int	 crypto_encrypt_msisdn(const struct crypto *, const char *msisdn,
	    uint8_t *out, size_t outlen, size_t *outlenp);
/* Decrypt and verify a blob into a NUL-terminated number; 0 or -1. */
int	 crypto_decrypt_msisdn(const struct crypto *, const uint8_t *blob,
	    size_t bloblen, char *out, size_t outlen);
/*
 * HMAC-SHA-256 over label, a NUL, a and b (b may be NULL).  The label keeps
 * the uses apart ("audit", "dedupe"); the msisdn hash is label "msisdn".
 */
int	 crypto_hmac(const struct crypto *, const char *label, const void *a,
	    size_t alen, const void *b, size_t blen,
	    uint8_t out[CRYPTO_HASH_LEN]);

/*
 * The key's check value, CRYPTO_KCV_LEN hex digits and a NUL: the first
 * 16 bytes of HMAC "key-check" over a constant.  Stored in the database and
 * beside the key file (dbguard.h), it says whether a key is the one a
 * database was written with without revealing anything of the key.
 */
#define CRYPTO_KCV_LEN		32
int	 crypto_check_value(const struct crypto *, char out[CRYPTO_KCV_LEN + 1]);

/*
 * The key of the tag the log puts after a masked number (log.h): derived
 * from the HMAC key with the label "log-tag", so the tag is neither the
 * lookup hash nor any plain hash of the number.  0 or -1.
 */
int	 crypto_log_key(const struct crypto *, uint8_t out[CRYPTO_HASH_LEN]);

#endif /* HOTLINED_CRYPTO_H */
