/* Monotonic time in milliseconds (microsecond resolution and better). */
#include <config.h>
#include <time.h>
#include "clock.h"

double np_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
