#!/usr/bin/env bash
# Plans the 2048-point real FFT with FFTW_PATIENT once and prints the wisdom string committed in
# Sources/FeaturePipeline/Features/FFTWisdom.swift (run once per machine family; the result is a fixed plan).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/wisdom.c" <<'C'
#include <fftw3.h>
#include <stdio.h>
int main(void) {
    float *in = fftwf_alloc_real(2048);
    fftwf_complex *out = fftwf_alloc_complex(1025);
    fftwf_plan plan = fftwf_plan_dft_r2c_1d(2048, in, out, FFTW_PATIENT);
    fftwf_print_plan(plan);
    fprintf(stderr, "\n");
    fputs(fftwf_export_wisdom_to_string(), stdout);
    return 0;
}
C
cc -O2 "$work/wisdom.c" -o "$work/wisdom" -lfftw3f
"$work/wisdom"
