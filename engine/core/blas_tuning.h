#pragma once
// Debian's OpenBLAS 0.3.21 does not know recent Intel CPUs (model 207 here) and falls back
// to its generic "Prescott" SSE3 kernels, even on CPUs with AVX-512: a 10 000 x 10 000 x 512
// GEMM takes 4.5 s that way and 1.3 s with the SkylakeX kernels. OpenBLAS picks its kernels
// in a library constructor, before main() runs, from $OPENBLAS_CORETYPE, so the only way to
// choose them from inside the program is to set that variable and start the program again.
// LibTorch's convolutions go through oneDNN and do not care; matrix products do (kNN, linear
// probes, PCA, t-SNE's affinities, neighbour search).

namespace simclr {

// Call first thing in main(), before any thread starts or output is written. When
// $OPENBLAS_CORETYPE is unset, $SIMCLR_NO_BLAS_TUNING is not "1", the CPU has AVX-512
// (F, CD, BW, DQ, VL in /proc/cpuinfo) and the loaded OpenBLAS reports a core without
// AVX-512 kernels, it sets OPENBLAS_CORETYPE=SkylakeX and re-executes /proc/self/exe with the
// same argv, once (a marker variable stops a second round). Otherwise, or when exec fails,
// it returns and the program carries on as it is. Linux only; a no-op elsewhere.
void tune_blas_for_cpu(char** argv);

// The kernel set the loaded OpenBLAS uses ("SkylakeX", "Prescott", ...), or "" when the BLAS
// is not OpenBLAS. For logs and benchmark reports.
const char* blas_core_name();

}  // namespace simclr
