/* strtonum(3): parse a decimal integer within [minval, maxval]; *errstrp says why not. */
#include "compat.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

long long
strtonum(const char *numstr, long long minval, long long maxval,
    const char **errstrp)
{
	long long	 ll = 0;
	char		*ep;
	const char	*err = NULL;

	if (minval > maxval)
		err = "invalid";
	else {
		errno = 0;
		ll = strtoll(numstr, &ep, 10);
		if (numstr == ep || *ep != '\0')
			err = "invalid";
		else if ((ll == LLONG_MIN && errno == ERANGE) || ll < minval)
			err = "too small";
		else if ((ll == LLONG_MAX && errno == ERANGE) || ll > maxval)
			err = "too large";
	}
	if (errstrp != NULL)
		*errstrp = err;
	return err ? 0 : ll;
}
