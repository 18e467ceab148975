#!/bin/sh
# run-storage.sh (storage faults) again with wal-write-gather no: the promise must
# hold with store_vfs.c's gathering of WAL writes turned off too.
HOTLINED_WAL_GATHER=no
export HOTLINED_WAL_GATHER
exec /bin/sh "${top_srcdir:-$(dirname "$0")/..}/tests/run-storage.sh"
