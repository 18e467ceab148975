/*
 * Unit tests that move the clock exist only in builds configured
 * --enable-test-clock (CI's): wrap them and their line in the test table
 * in #ifdef HOTLINED_TEST_CLOCK.  Elsewhere TEST_CLOCK_SET() does nothing
 * (setup and teardown put the clock back in every build).
 */
#ifndef HOTLINED_TESTCLOCK_H
#define HOTLINED_TESTCLOCK_H

#ifdef HOTLINED_TEST_CLOCK
#define TEST_CLOCK_SET(s)	clock_set_offset(s)
#else
#define TEST_CLOCK_SET(s)	((void)(s))
#endif

#endif /* HOTLINED_TESTCLOCK_H */
