/*
 * The admin API's routes that keep the data (README "Keep the data"):
 * POST /v1/backup, POST /v1/retention, GET /v1/audit/verify.  Their lines
 * sit in admin.c's routes[]; the handlers live in admin_data.c.
 */
#ifndef HOTLINED_ADMIN_DATA_H
#define HOTLINED_ADMIN_DATA_H

struct admin_req;

/* POST /v1/backup {"path": FILE}: a copy made in steps; replies when done. */
int	admin_backup(struct admin_req *);
/*
 * GET /v1/audit/verify: in a child process (a year of events takes
 * minutes); replies when it ends.  409 while a database check runs.
 */
int	admin_audit_verify(struct admin_req *);
/* 1 while an audit verification holds the dbcheck child. */
int	admin_data_checking(void);
/* POST /v1/retention {"dry_run": bool}: erase what retention-days allows. */
int	admin_retention(struct admin_req *);
/* Give up what runs (shutdown): a backup half made is removed. */
void	admin_data_stop(void);
/* Set the retention period in days (0: none) and the key file's path. */
void	admin_data_conf(int retention_days, const char *key_file);

#endif /* HOTLINED_ADMIN_DATA_H */
