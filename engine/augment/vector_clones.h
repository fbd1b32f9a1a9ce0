#pragma once
// For the hand-written CPU loops of the augmentations: on x86-64, GCC compiles the marked
// function twice, for AVX2 + FMA and for the baseline, and picks one at run time by what the
// CPU has (LibTorch dispatches its own kernels likewise). Elsewhere it is a plain function.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SIMCLR_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SIMCLR_VECTOR_CLONES
#endif
