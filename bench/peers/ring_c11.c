/*
 * Peers for `gsd bench ring`: the same work in C.
 *
 *   gcc -O2 -pthread -o ring_c11 bench/peers/ring_c11.c && ./ring_c11 [c11|mutex|memcpy|all]
 *
 * Each variant moves 1 GiB per run in 16 KiB chunks through a 4 MiB buffer, the producer copying each
 * chunk in (memcpy, split at the wrap) and the consumer copying it out into a 16 KiB destination, and
 * repeats runs (after one warm-up run) until at least a second has passed. Printed in GB/s (10^9 bytes).
 *
 *  c11    SPSC ring with C11 atomics: head/tail on separate 128-byte lines, acquire/release, each side
 *         caching the other's index; waits by spinning (pause) then sched_yield, never parks. (gsd's
 *         SampleRing also parks on a condition variable after a short spin; this peer never sleeps.)
 *  mutex  the same ring protected by one pthread mutex and two condition variables; the copies are
 *         done with the mutex held (the plain "mutex-protected ring").
 *  memcpy one thread doing both copies of every chunk through the same 4 MiB buffer: the copy cost
 *         alone, no synchronisation.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

#define CAPACITY ((size_t)4 << 20)
#define CHUNK ((size_t)16 << 10)
#define PER_RUN ((size_t)1 << 30)

static unsigned char *storage;
static unsigned char src[CHUNK] __attribute__((aligned(64)));
static unsigned char dst[CHUNK] __attribute__((aligned(64)));

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void copy_in(size_t pos, const unsigned char *from, size_t n) {
    size_t off = pos & (CAPACITY - 1), a = CAPACITY - off < n ? CAPACITY - off : n;
    memcpy(storage + off, from, a);
    if (n > a) memcpy(storage, from + a, n - a);
}

static void copy_out(size_t pos, unsigned char *to, size_t n) {
    size_t off = pos & (CAPACITY - 1), a = CAPACITY - off < n ? CAPACITY - off : n;
    memcpy(to, storage + off, a);
    if (n > a) memcpy(to + a, storage, n - a);
}

/* ---- c11 ---- */
struct spsc {
    _Alignas(128) _Atomic size_t head;
    _Alignas(128) _Atomic size_t tail;
    _Alignas(128) char end;
};
static struct spsc ring;

static void wait_step(unsigned *spins) {
    if (++*spins < 2000) cpu_relax();
    else sched_yield();
}

static void *c11_producer(void *arg) {
    (void)arg;
    size_t head = 0, tail_cache = 0;
    for (size_t moved = 0; moved < PER_RUN; moved += CHUNK) {
        unsigned spins = 0;
        while (CAPACITY - (head - tail_cache) < CHUNK) {
            tail_cache = atomic_load_explicit(&ring.tail, memory_order_acquire);
            if (CAPACITY - (head - tail_cache) >= CHUNK) break;
            wait_step(&spins);
        }
        copy_in(head, src, CHUNK);
        head += CHUNK;
        atomic_store_explicit(&ring.head, head, memory_order_release);
    }
    return NULL;
}

static size_t c11_consume(void) {
    size_t tail = 0, head_cache = 0, received = 0;
    while (received < PER_RUN) {
        unsigned spins = 0;
        while (head_cache == tail) {
            head_cache = atomic_load_explicit(&ring.head, memory_order_acquire);
            if (head_cache != tail) break;
            wait_step(&spins);
        }
        size_t n = head_cache - tail < CHUNK ? head_cache - tail : CHUNK;
        copy_out(tail, dst, n);
        tail += n;
        received += n;
        atomic_store_explicit(&ring.tail, tail, memory_order_release);
    }
    return received;
}

static size_t run_c11(void) {
    atomic_store(&ring.head, 0);
    atomic_store(&ring.tail, 0);
    pthread_t t;
    pthread_create(&t, NULL, c11_producer, NULL);
    size_t r = c11_consume();
    pthread_join(t, NULL);
    return r;
}

/* ---- mutex ---- */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t has_data = PTHREAD_COND_INITIALIZER, has_room = PTHREAD_COND_INITIALIZER;
static size_t m_head, m_tail;

static void *mutex_producer(void *arg) {
    (void)arg;
    for (size_t moved = 0; moved < PER_RUN; moved += CHUNK) {
        pthread_mutex_lock(&m);
        while (CAPACITY - (m_head - m_tail) < CHUNK) pthread_cond_wait(&has_room, &m);
        copy_in(m_head, src, CHUNK);
        m_head += CHUNK;
        pthread_cond_signal(&has_data);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static size_t run_mutex(void) {
    m_head = m_tail = 0;
    pthread_t t;
    pthread_create(&t, NULL, mutex_producer, NULL);
    size_t received = 0;
    while (received < PER_RUN) {
        pthread_mutex_lock(&m);
        while (m_head == m_tail) pthread_cond_wait(&has_data, &m);
        size_t n = m_head - m_tail < CHUNK ? m_head - m_tail : CHUNK;
        copy_out(m_tail, dst, n);
        m_tail += n;
        received += n;
        pthread_cond_signal(&has_room);
        pthread_mutex_unlock(&m);
    }
    pthread_join(t, NULL);
    return received;
}

/* ---- memcpy ---- */
static size_t run_memcpy(void) {
    size_t pos = 0;
    for (size_t moved = 0; moved < PER_RUN; moved += CHUNK) {
        copy_in(pos, src, CHUNK);
        copy_out(pos, dst, CHUNK);
        pos += CHUNK;
    }
    return PER_RUN;
}

static void measure(const char *name, size_t (*run)(void)) {
    if (run() != PER_RUN) { fprintf(stderr, "%s: short run\n", name); exit(1); }
    double start = now(), elapsed;
    size_t runs = 0;
    do {
        if (run() != PER_RUN) { fprintf(stderr, "%s: short run\n", name); exit(1); }
        runs++;
        elapsed = now() - start;
    } while (elapsed < 1.0);
    printf("{\"peer\": \"%s\", \"value\": %.3f, \"unit\": \"GB/s\", \"check\": %u}\n", name,
           (double)runs * PER_RUN / elapsed / 1e9, dst[CHUNK - 1]);
}

int main(int argc, char **argv) {
    const char *which = argc > 1 ? argv[1] : "all";
    storage = aligned_alloc(64, CAPACITY);
    if (!storage) return 1;
    memset(storage, 0, CAPACITY);
    for (size_t i = 0; i < CHUNK; i++) src[i] = (unsigned char)(i * 31);
    int all = strcmp(which, "all") == 0;
    if (all || strcmp(which, "c11") == 0) measure("c11", run_c11);
    if (all || strcmp(which, "mutex") == 0) measure("mutex", run_mutex);
    if (all || strcmp(which, "memcpy") == 0) measure("memcpy", run_memcpy);
    free(storage);
    return 0;
}
