/*
 * transit.c: shells in transit (transit.h).
 */
#include "transit.h"

#include "alloc.h"

#define RING SHELLSIM_TRANSIT_RING

/* The items of a list of n `elem`-byte items with room for *cap, with room
 * for one more: items itself, or a larger array (*cap updated); NULL when
 * out of memory (the list unaltered). */
static void *with_room(void *items, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? 2 * *cap : 64;
    void *it = shellsim_realloc(items, ncap * elem);
    if (it)
        *cap = ncap;
    return it;
}

static int push_due(shellsim_transit *t, size_t j, long long arrive, long long shells)
{
    shellsim_arrivals *a = &t->due[arrive % RING];
    shellsim_arrival *it = with_room(a->item, a->n, &a->cap, sizeof *it);
    if (!it)
        return -2;
    a->item = it;
    a->item[a->n++] = (shellsim_arrival){j, shells};
    return 0;
}

void shellsim_transit_clear(shellsim_transit *t)
{
    for (int i = 0; i < RING; i++)
        t->due[i].n = 0;
    t->late.n = 0;
}

void shellsim_transit_free(shellsim_transit *t)
{
    if (!t)
        return;
    for (int i = 0; i < RING; i++) {
        shellsim_free(t->due[i].item);
        t->due[i] = (shellsim_arrivals){0};
    }
    shellsim_free(t->late.item);
    t->late.item = NULL;
    t->late.n = t->late.cap = 0;
}

int shellsim_transit_book_slow(shellsim_transit *t, size_t j, int day, long long arrive, long long shells)
{
    if (arrive - day < RING)
        return push_due(t, j, arrive, shells);
    shellsim_pending *it = with_room(t->late.item, t->late.n, &t->late.cap, sizeof *it);
    if (!it)
        return -2;
    t->late.item = it;
    t->late.item[t->late.n++] = (shellsim_pending){j, arrive, shells};
    return 0;
}

int shellsim_transit_advance(shellsim_transit *t, int day)
{
    size_t k = 0;
    for (size_t i = 0; i < t->late.n; i++) {
        shellsim_pending *it = &t->late.item[i];
        if (it->day - day < RING) {
            if (push_due(t, it->j, it->day, it->shells) != 0) {
                /* the shipments moved so far stay in the ring, the
                 * others in the overflow: each is booked once */
                for (; i < t->late.n; i++)
                    t->late.item[k++] = t->late.item[i];
                t->late.n = k;
                return -2;
            }
        } else {
            t->late.item[k++] = *it;
        }
    }
    t->late.n = k;
    return 0;
}
