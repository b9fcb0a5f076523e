// The read-bandwidth ceiling of W2 (sum of 800 MB of float64) on this machine: two OpenMP threads, AVX-512, four
// accumulators, the array on transparent huge pages, optional software prefetch. What it prints is the most any
// sum of W2's array can reach here, so it bounds W2's ratio against a peer that already runs near it.
//   gcc -O3 -march=native -fopenmp read_sum.c -o read_sum && OMP_NUM_THREADS=2 ./read_sum
//   (add -DPF=1024 for a prefetch that many doubles ahead)
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef PF
#define PF 0
#endif

int main(void)
{
    size_t n = 100000000; // 10000 x 10000 float64, as W2
    double *a;
    if (posix_memalign((void **)&a, 1 << 21, n * sizeof(double)) != 0) return 1;
    madvise(a, n * sizeof(double), MADV_HUGEPAGE);
#pragma omp parallel for
    for (size_t i = 0; i < n; i++) a[i] = 1.0 / (double)(i + 1);

    for (int rep = 0; rep < 15; rep++)
    {
        double t = omp_get_wtime(), s = 0;
#pragma omp parallel reduction(+ : s)
        {
            int id = omp_get_thread_num(), nt = omp_get_num_threads();
            size_t lo = n * id / nt, hi = n * (id + 1) / nt, i = lo;
            __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
            for (; i + 32 <= hi; i += 32)
            {
                if (PF) _mm_prefetch((const char *)(a + i + PF), _MM_HINT_T0);
                a0 = _mm512_add_pd(a0, _mm512_loadu_pd(a + i));
                a1 = _mm512_add_pd(a1, _mm512_loadu_pd(a + i + 8));
                a2 = _mm512_add_pd(a2, _mm512_loadu_pd(a + i + 16));
                a3 = _mm512_add_pd(a3, _mm512_loadu_pd(a + i + 24));
            }
            s += _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
            for (; i < hi; i++) s += a[i];
        }
        t = omp_get_wtime() - t;
        printf("%.2f ms  %.1f GB/s  (sum %.6f)\n", t * 1e3, n * sizeof(double) / t / 1e9, s);
    }
    free(a);
    return 0;
}
