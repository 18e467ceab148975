/*
 * inbound_int.h: inbound.c's reassembly rules, for inbound.c and its unit
 * test (tests/test_inbound.c).  The bearers see only inbound.h, and no
 * store types through it.
 */
#ifndef HOTLINED_INBOUND_INT_H
#define HOTLINED_INBOUND_INT_H

#include <stdint.h>

#include "store.h"

#define INBOUND_MAX_PARTS	255	/* a UDH's count is one octet */
#define INBOUND_GAP_MARK	"[第%d/%d段未收到]"	/* seq, total */

/*
 * 1 when (ref, total, seq) make a part of a long text that may be joined:
 * ref 0..65535, total 2..INBOUND_MAX_PARTS, seq 1..total; 0 for a single
 * SMS, or a header out of range (taken as a single SMS).
 */
int	 inbound_is_part(int ref, int total, int seq);
/*
 * Store one part (its concat fields and windows already set): it joins
 * the open group of its sender, destination, ref and total, and makes the
 * group COMPLETE when every seq 1..total is there.  The store's result.
 */
enum store_in_result inbound_store(struct store *, struct store_inbound *,
	    int64_t *idp, int64_t *groupp);
/*
 * A group as the store read it -> the whole text: the first part of each
 * seq kept (a later one with the seq is a repeat or a reused reference),
 * parts outside 1..total left out, INBOUND_GAP_MARK where a seq never
 * came; nparts and first_at count the parts kept.  Sets g->text.
 */
void	 inbound_join(struct store_group *);

#endif /* HOTLINED_INBOUND_INT_H */
