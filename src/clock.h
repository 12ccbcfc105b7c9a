/* Monotonic time in milliseconds, the one clock every phase is timed with. */
#ifndef NP_CLOCK_H
#define NP_CLOCK_H

double np_now_ms(void);

#endif
