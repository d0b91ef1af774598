import CFFTW
import Foundation
import Synchronization

/// A real-to-complex FFTW (single precision) plan of one size, shared by every thread of the process.
///
/// FFTW's planner is not thread-safe, so plans are made once per size under a lock and never destroyed; executing a
/// plan on other arrays is thread-safe. Plans are deterministic: the committed `FFTWisdom` plan where FFTW accepts it
/// (no timing runs, the same plan in every run), else `FFTW_ESTIMATE`.
struct FFTPlan: @unchecked Sendable {
    /// Real input length.
    let size: Int
    private let plan: OpaquePointer

    private static let cache = Locked<[Int: FFTPlan]>([:])
    /// Touched only under `cache`'s lock, which also serialises FFTW's planner.
    nonisolated(unsafe) private static var wisdomImported = false

    /// The process-wide plan for real input of `size` samples.
    static func realForward(size: Int) -> FFTPlan {
        cache.withLock { plans in
            if let plan = plans[size] { return plan }
            let input = fftwf_alloc_real(size)!
            let output = fftwf_alloc_complex(size / 2 + 1)!
            defer {
                fftwf_free(input)
                fftwf_free(output)
            }
            if !wisdomImported {
                wisdomImported = true
                if ProcessInfo.processInfo.environment["LEAKHARNESS_FFTW_WISDOM"] != "0" {
                    _ = fftwf_import_wisdom_from_string(FFTWisdom.text)
                }
            }
            // With FFTW_WISDOM_ONLY the planner never times anything: it returns the imported plan or NULL.
            let made =
                fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_PATIENT | FFTW_WISDOM_ONLY))
                ?? fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))!
            let plan = FFTPlan(size: size, plan: made)
            plans[size] = plan
            return plan
        }
    }

    private init(size: Int, plan: OpaquePointer) {
        self.size = size
        self.plan = plan
    }

    /// Transforms `input` (size reals) into `output` (size/2+1 complex); both from `fftwf_malloc`.
    func execute(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<fftwf_complex>) {
        fftwf_execute_dft_r2c(plan, input, output)
    }
}

/// One thread's FFT: the shared plan and this owner's own SIMD-aligned input and output arrays.
final class RealFFT {
    /// The shared plan.
    let plan: FFTPlan
    /// `plan.size` reals; the caller fills it before `execute()`.
    let input: UnsafeMutableBufferPointer<Float>
    /// `plan.size / 2 + 1` complex values, interleaved (re, im).
    let output: UnsafeMutableBufferPointer<Float>
    private let complexOutput: UnsafeMutablePointer<fftwf_complex>

    init(size: Int) {
        plan = FFTPlan.realForward(size: size)
        let bins = size / 2 + 1
        input = UnsafeMutableBufferPointer(start: fftwf_alloc_real(size)!, count: size)
        input.initialize(repeating: 0)
        complexOutput = fftwf_alloc_complex(bins)!
        output = UnsafeMutableBufferPointer(
            start: UnsafeMutableRawPointer(complexOutput).assumingMemoryBound(to: Float.self), count: 2 * bins)
        output.initialize(repeating: 0)
    }

    deinit {
        fftwf_free(input.baseAddress)
        fftwf_free(complexOutput)
    }

    /// Runs the transform from `input` into `output`.
    func execute() {
        plan.execute(input.baseAddress!, complexOutput)
    }
}
