// Memory read bandwidth, for the `bandwidth` benchmark section (bench/memoryBandwidth.ts compiles
// it with `cc -O3 -march=native -pthread` at bench time). Each of THREADS threads sums its share
// of a MIB-MiB buffer of 64-bit words; a pass is timed from the start barrier to the end barrier.
// Prints one JSON line: {"threads":T,"bytes":B,"seconds":[one per pass]}.
//
//   bandwidth THREADS MIB PASSES

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t *buffer;
static size_t words_per_thread;
static int passes;
static pthread_barrier_t start_barrier, end_barrier;
static volatile uint64_t sink; // keeps the sums from being optimised away

static void *reader(void *argument) {
  uint64_t *words = buffer + (size_t)(intptr_t)argument * words_per_thread;
  // Touch this thread's share first so its pages are mapped before any pass is timed.
  memset(words, 1, words_per_thread * sizeof(uint64_t));
  pthread_barrier_wait(&start_barrier);
  for (int pass = 0; pass < passes; pass++) {
    pthread_barrier_wait(&start_barrier);
    uint64_t sum = 0;
    for (size_t i = 0; i < words_per_thread; i++) sum += words[i];
    sink += sum;
    pthread_barrier_wait(&end_barrier);
  }
  return NULL;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s THREADS MIB PASSES\n", argv[0]);
    return 2;
  }
  int threads = atoi(argv[1]);
  size_t bytes = (size_t)atol(argv[2]) << 20;
  passes = atoi(argv[3]);
  if (threads < 1 || bytes == 0 || passes < 1) return 2;
  words_per_thread = bytes / sizeof(uint64_t) / (size_t)threads;
  buffer = aligned_alloc(4096, words_per_thread * (size_t)threads * sizeof(uint64_t));
  if (!buffer) {
    fprintf(stderr, "cannot allocate %zu bytes\n", bytes);
    return 1;
  }
  pthread_barrier_init(&start_barrier, NULL, (unsigned)threads + 1);
  pthread_barrier_init(&end_barrier, NULL, (unsigned)threads + 1);
  pthread_t *ids = calloc((size_t)threads, sizeof(pthread_t));
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, reader, (void *)(intptr_t)t);
  pthread_barrier_wait(&start_barrier); // all pages touched

  printf("{\"threads\":%d,\"bytes\":%zu,\"seconds\":[", threads, words_per_thread * (size_t)threads * sizeof(uint64_t));
  for (int pass = 0; pass < passes; pass++) {
    double started = now_seconds();
    pthread_barrier_wait(&start_barrier);
    pthread_barrier_wait(&end_barrier);
    printf("%s%.6f", pass ? "," : "", now_seconds() - started);
  }
  printf("]}\n");
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  return 0;
}
