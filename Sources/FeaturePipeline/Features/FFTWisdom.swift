/// FFTW wisdom for the 2048-point single-precision real forward FFT, planned once with `FFTW_PATIENT`.
///
/// `FFTW_MEASURE`/`FFTW_PATIENT` time candidate plans, so planning at start would pick a different plan from run to
/// run and the features would change in their last bits. This fixed plan (FFTW 3.3.10, x86-64 with AVX: radix-8
/// `hc2cfdftv_8_sse2` over 4 x `n2fv_64_avx`) runs in about 1.6 µs against 2.24 µs for `FFTW_ESTIMATE`'s on this
/// machine; imported at start it gives the same plan, hence the same output, in every run. Where FFTW cannot use it
/// (another FFTW version or a CPU without AVX) planning falls back to `FFTW_ESTIMATE`.
/// Regenerate with `scripts/make-fftw-wisdom.sh` (and keep the faster plan of a few runs: planning is timed).
enum FFTWisdom {
    /// The wisdom, as `fftwf_export_wisdom_to_string` printed it.
    static let text = """
        (fftw-3.3.10 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf
          (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11048 #x11048 #x0 #xc447d79d #x3bb36c12 #x2e7c8386 #xc241521c)
          (fftwf_codelet_t2fv_4_avx 0 #x11048 #x11048 #x0 #xb0bde699 #x3baa1ac0 #xdbbed5b2 #x3b1456c3)
          (fftwf_dft_vrank_geq1_register 0 #x11048 #x11048 #x0 #x1d5f8951 #x83ff8a7f #x97795bcc #x27178c7e)
          (fftwf_codelet_n2fv_64_avx 0 #x11048 #x11048 #x0 #xdae94766 #xa548e347 #x8a9a261b #xff2066cd)
          (fftwf_codelet_r2cfII_8 2 #x11048 #x11048 #x0 #x9b71d905 #x7d7faf81 #x09c45860 #x2a522386)
          (fftwf_codelet_r2cf_8 2 #x11048 #x11048 #x0 #xa8e723ad #x5577b756 #x19ace181 #xf0b6f4b2)
        )
        """
}
