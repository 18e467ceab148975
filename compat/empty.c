/* Keeps libcompat.a non-empty on systems whose libc has everything. */
int compat_empty;
