/*
 * transit.h: shells in transit along one pipeline, for a block of
 * replications: each shipment booked for its arrival day, and each day's
 * arrivals listed.
 *
 * A shipment due on day d is appended to the list of arrivals of d mod
 * SHELLSIM_TRANSIT_RING; the engine adds today's list to the receiving
 * side's stocks. Appending touches only the end of a short list (a table
 * indexed by replication and day would be touched at random, a cache miss
 * per shipment). Shipments due SHELLSIM_TRANSIT_RING or more days ahead
 * wait in an overflow list and move into the ring when they come within
 * reach (shellsim_transit_advance). Order within a day does not matter: all
 * counts are >= 0, so adding shipments one by one saturates exactly as
 * adding their sum would.
 *
 * Internal header. A transit belongs to one thread's engine workspace.
 * Every function takes a valid pointer (NULL only where it says so).
 */
#ifndef SHELLSIM_TRANSIT_H
#define SHELLSIM_TRANSIT_H

#include <stddef.h>

#define SHELLSIM_TRANSIT_RING 64

typedef struct shellsim_arrival {
    size_t j;          /* replication slot of the block */
    long long shells;
} shellsim_arrival;

typedef struct shellsim_arrivals {
    shellsim_arrival *item;
    size_t n, cap;
} shellsim_arrivals;

typedef struct shellsim_pending {
    size_t j;
    long long day;     /* arrival day */
    long long shells;
} shellsim_pending;

/* Plain data; zero-initialised is empty. */
typedef struct shellsim_transit {
    shellsim_arrivals due[SHELLSIM_TRANSIT_RING]; /* [day mod RING] */
    struct {
        shellsim_pending *item;
        size_t n, cap;
    } late;
} shellsim_transit;

/* Empty it for a new block (keeps its memory). */
void shellsim_transit_clear(shellsim_transit *t);

/* Free its lists (not t itself); t is then empty. NULL is a no-op. */
void shellsim_transit_free(shellsim_transit *t);

/* Book `shells` for slot j to arrive on day `arrive`, day <= arrive.
 * Returns 0, or -2 when out of memory (then nothing is booked). Inline:
 * the engine books every shipment; a list that must grow, and a shipment
 * beyond the ring, take shellsim_transit_book_slow. */
int shellsim_transit_book_slow(shellsim_transit *t, size_t j, int day, long long arrive, long long shells);

static inline int shellsim_transit_book(shellsim_transit *t, size_t j, int day, long long arrive, long long shells)
{
    if (arrive - day < SHELLSIM_TRANSIT_RING) {
        shellsim_arrivals *a = &t->due[arrive % SHELLSIM_TRANSIT_RING];
        if (a->n < a->cap) {
            a->item[a->n++] = (shellsim_arrival){j, shells};
            return 0;
        }
    }
    return shellsim_transit_book_slow(t, j, day, arrive, shells);
}

/* Bring the overflow shipments now within reach of `day` into the ring;
 * call at the start of each day before reading its arrivals. 0, or -2
 * when out of memory: then some have moved and the others wait, each
 * shipment still booked once. */
int shellsim_transit_advance(shellsim_transit *t, int day);

/* Today's arrivals; the caller empties the list (n = 0) once it has added
 * them. */
static inline shellsim_arrivals *shellsim_transit_today(shellsim_transit *t, int day)
{
    return &t->due[day % SHELLSIM_TRANSIT_RING];
}

#endif
