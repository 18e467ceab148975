#!/bin/sh
# run-storage.sh again with wal-sync inline: the promise must hold whether a
# commit's sync of the WAL is made by the sync thread (the default, as
# run-storage.sh runs) or by SQLite on the loop, in the commit.
HOTLINED_WAL_SYNC=inline
export HOTLINED_WAL_SYNC
exec /bin/sh "${top_srcdir:-$(dirname "$0")/..}/tests/run-storage.sh"
