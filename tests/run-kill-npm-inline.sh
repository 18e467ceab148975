#!/bin/sh
# run-kill-npm.sh again with checkpoint inline: the promise must hold whether
# the WAL is checkpointed by the store's thread (the default, as
# run-kill-npm.sh runs) or on the loop, in the commit.
HOTLINED_CHECKPOINT=inline
export HOTLINED_CHECKPOINT
exec /bin/sh "${top_srcdir:-$(dirname "$0")/..}/tests/run-kill-npm.sh"
