/*
 * hotlined: the 12345 hotline SMS/USSD gateway daemon.
 * Shared structures first, then one section per source file.
 */
#ifndef HOTLINED_H
#define HOTLINED_H

#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "config.h"
#include "daemon.h"

#define HOTLINED_CONF	SYSCONFDIR "/hotlined.conf"

#endif /* HOTLINED_H */
