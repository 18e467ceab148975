/*
 * The store's side of the notices to the units (notice.h, schema v19): a
 * unit's contacts, its webhook, the record of every notice sent (once),
 * and the webhook deliveries waiting, durable like the outbox.
 */
#ifndef HOTLINED_STORE_NOTICE_H
#define HOTLINED_STORE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct store;

#define STORE_ROLE_MAX		16	/* "discipline" + NUL */
#define STORE_URL_MAX		512	/* a webhook's URL + NUL */
#define STORE_SECRET_MAX	64	/* a webhook's secret + NUL */

/* One contact of a unit (unit "": the hotline office); owns name. */
struct store_contact {
	int64_t		 id;
	char		 unit[STORE_UNIT_CODE_MAX];
	char		 role[STORE_ROLE_MAX];
	char		*name;				/* NULL: none */
	char		 msisdn[STORE_ADDR_MAX];	/* decrypted */
	int64_t		 created_at;
};

/* Add a contact: 0 with *idp, 1 when unit has it in role already, -1. */
int	 store_contact_add(struct store *, const char *unit, const char *role,
	    const char *name, const char *msisdn, int64_t at, int64_t *idp);
/* Remove contact id: 1, 0 when there is none such, -1. */
int	 store_contact_del(struct store *, int64_t id);
/* Contacts of unit (NULL: every unit and the office), count or -1. */
int	 store_contact_list(struct store *, const char *unit,
	    struct store_contact *out, size_t max, size_t offset);
void	 store_contact_clear(struct store_contact *);
/* The numbers of unit's contacts in role, up to max; count or -1. */
int	 store_contact_numbers(struct store *, const char *unit,
	    const char *role, char out[][STORE_ADDR_MAX], size_t max);

/* Set (replace) unit's webhook; 0 or -1. */
int	 store_hook_set(struct store *, const char *unit, const char *url,
	    const char *secret, int64_t at);
/* unit's webhook into url, secret: 1, 0 when none, -1. */
int	 store_hook_get(struct store *, const char *unit, char *url,
	    size_t urllen, char *secret, size_t secretlen);
/* Remove unit's webhook: 1, 0 when none, -1. */
int	 store_hook_del(struct store *, const char *unit);

/*
 * Record notice (case, unit, kind, ref): 1 with *idp when new, 0 when it
 * was recorded before (it went out already: send nothing), -1.
 */
int	 store_notice_once(struct store *, int64_t case_id, const char *unit,
	    const char *kind, const char *ref, int64_t at, int64_t *idp);
/* Count n more SMS queued for notice id; 0 or -1. */
int	 store_notice_sms(struct store *, int64_t id, int n);

/* A webhook delivery waiting; owns body. */
struct store_webhook {
	int64_t		 id;
	int64_t		 notice_id;
	char		 unit[STORE_UNIT_CODE_MAX];
	char		*body;
	int		 attempts;
	/* STORE_WEBHOOK_LIST only */
	char		 kind[16];
	char		 number[STORE_CASE_NUMBER_MAX];
	int		 state;		/* 0 waiting, 1 delivered, 2 failed */
	int64_t		 next_at;
	int		 status;	/* last HTTP status, 0: none */
};
#define STORE_WEBHOOK_WAIT	0
#define STORE_WEBHOOK_DONE	1
#define STORE_WEBHOOK_FAILED	2

/* Queue a delivery of notice to unit's webhook at at; 0 or -1. */
int	 store_webhook_add(struct store *, int64_t notice_id, const char *unit,
	    const char *body, int64_t at);
/* The next delivery due at now: 1 with *out (owns body), 0 none, -1. */
int	 store_webhook_next(struct store *, int64_t now,
	    struct store_webhook *out);
/*
 * After an attempt: state STORE_WEBHOOK_WAIT again at next_at, or DONE or
 * FAILED; status the HTTP status (0: no answer).  0 or -1.
 */
int	 store_webhook_result(struct store *, int64_t id, int state,
	    int64_t next_at, int status, int64_t now);
/* The latest deliveries (of unit, NULL: all), newest first; count, -1. */
int	 store_webhook_list(struct store *, const char *unit,
	    struct store_webhook *out, size_t max);
void	 store_webhook_clear(struct store_webhook *);

#endif /* HOTLINED_STORE_NOTICE_H */
