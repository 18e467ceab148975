/*
 * The admin API's routes for the notices to the units (notice.h,
 * hotlinectl(8)), the office's alone:
 *	POST   /v1/contacts		{"unit": CODE|"office", "role",
 *					 "number", "name"?}
 *	GET    /v1/contacts?unit=	numbers masked
 *	DELETE /v1/contacts/:id
 *	PUT    /v1/units/:code/webhook	{"url"}: answers the new secret
 *	DELETE /v1/units/:code/webhook
 *	GET    /v1/webhooks?unit=	the latest deliveries
 */
#ifndef HOTLINED_ADMIN_NOTICE_H
#define HOTLINED_ADMIN_NOTICE_H

struct admin_req;

int	 admin_contact_add(struct admin_req *);
int	 admin_contact_list(struct admin_req *);
int	 admin_contact_remove(struct admin_req *);
int	 admin_webhook_set(struct admin_req *);
int	 admin_webhook_remove(struct admin_req *);
int	 admin_webhook_list(struct admin_req *);

#endif /* HOTLINED_ADMIN_NOTICE_H */
