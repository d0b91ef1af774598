#!/usr/bin/env python3
"""Log-mel features of a VCTK-layout corpus with a thread pool, written into TFRecord-framed shards.

A model of the case study's service, for `leakharness watch` (not a dependency of the package; numpy and the
standard library only): a ThreadPoolExecutor runs get_examples(file) for every file (decode, STFT, mel, log, one
serialized example per 200-frame segment), the main thread iterates as_completed over a {future: file} dict and
writes the examples into shards of --shard-size files, printing its progress as done/total.

  --futures keep      the original: every future (and so its result) stays in the dict until the end
  --futures release   the fix: each future is dropped from the dict once its examples are written

Example:
  leakharness watch --allocator glibc --allocator jemalloc --progress-regex '(\\d+)/\\d+' -- \\
      python3 scripts/thread-pool-features.py --corpus "$(leakharness corpus --long-tail --out /tmp/lt | tail -1)"
"""
import argparse
import concurrent.futures
import os
import shutil
import struct
import sys
import tempfile
import time
import wave
import zlib

import numpy as np

N_FFT = 2048
MEL_BANDS = 80
SEGMENT = 200
CHUNK_FRAMES = 1000


def hz_to_mel(hz):
    """Slaney's mel scale (librosa's htk=False)."""
    hz = np.asanyarray(hz, dtype=np.float64)
    f_sp = 200.0 / 3
    mel = hz / f_sp
    min_log_hz = 1000.0
    logstep = np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, mel)


def mel_to_hz(mel):
    mel = np.asanyarray(mel, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(mel >= min_log_mel, 1000.0 * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def mel_filterbank(sample_rate):
    """80 Slaney-normalised triangular bands over the rfft bins."""
    fft_hz = np.linspace(0, sample_rate / 2, N_FFT // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sample_rate / 2), MEL_BANDS + 2))
    bank = np.zeros((MEL_BANDS, fft_hz.size), dtype=np.float32)
    for band in range(MEL_BANDS):
        low, centre, high = edges[band], edges[band + 1], edges[band + 2]
        rising = (fft_hz - low) / (centre - low)
        falling = (high - fft_hz) / (high - centre)
        bank[band] = np.maximum(0, np.minimum(rising, falling)) * (2.0 / (high - low))
    return bank


BANKS = {}


def read_wav(path):
    """Mono float32 samples and the sample rate of a 16-bit PCM WAV file."""
    with wave.open(path, "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        data = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples")
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def get_examples(path):
    """Decode, log-mel (25 ms Hann window, 10 ms hop, centred), cut into segments, one serialized example each."""
    samples, rate = read_wav(path)
    if samples.size < N_FFT:
        return []
    bank = BANKS.get(rate)
    if bank is None:
        bank = BANKS.setdefault(rate, mel_filterbank(rate))
    win, hop = int(0.025 * rate), int(0.010 * rate)
    window = np.hanning(win).astype(np.float32)
    padded = np.pad(samples, N_FFT // 2)
    frames = 1 + (padded.size - N_FFT) // hop
    offset = (N_FFT - win) // 2
    log_mel = np.empty((frames, MEL_BANDS), dtype=np.float32)
    for start in range(0, frames, CHUNK_FRAMES):
        count = min(CHUNK_FRAMES, frames - start)
        index = (start + np.arange(count))[:, None] * hop + offset + np.arange(win)[None, :]
        chunk = padded[index] * window
        spectrum = np.fft.rfft(chunk, n=N_FFT, axis=1)
        power = (spectrum.real ** 2 + spectrum.imag ** 2).astype(np.float32)
        log_mel[start:start + count] = np.log(np.maximum(power @ bank.T, 1e-6))
    name = os.path.splitext(os.path.basename(path))[0].encode()
    examples = []
    for segment, first in enumerate(range(0, frames, SEGMENT)):
        part = log_mel[first:first + SEGMENT]
        if part.shape[0] < 50 and first > 0:
            break
        header = struct.pack("<IIIq", part.shape[0], MEL_BANDS, segment, samples.size) + name
        examples.append(struct.pack("<I", len(header)) + header + part.tobytes())
    return examples


class ShardWriter:
    """TFRecord framing (length, checksum of the length, data, checksum of the data), CRC-32 as the checksum."""

    def __init__(self, path):
        self.file = open(path, "wb")

    def write(self, record):
        length = struct.pack("<Q", len(record))
        self.file.write(length + struct.pack("<I", zlib.crc32(length)) + record + struct.pack("<I", zlib.crc32(record)))

    def close(self):
        self.file.close()


def corpus_files(corpus):
    files = []
    for root, _, names in os.walk(corpus):
        files += [os.path.join(root, n) for n in names if n.endswith(".wav")]
    return sorted(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="a directory of 16-bit WAV files (VCTK layout)")
    parser.add_argument("--files", type=int, default=0, help="files to process, cycling the corpus (default: each once)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--shard-size", type=int, default=100, help="files per shard")
    parser.add_argument("--futures", choices=["keep", "release"], default="keep")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds to wait after the work, before returning (the futures dict still alive, as in the "
                             "original, where it lives until the function returns)")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    if not files:
        sys.exit(f"{args.corpus}: no .wav file")
    total = args.files or len(files)
    files = [files[i % len(files)] for i in range(total)]
    out = tempfile.mkdtemp(prefix="thread-pool-features-")
    try:
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=args.workers)
        futures = {executor.submit(get_examples, path): path for path in files}
        writer, shard, done, skipped = None, 0, 0, 0
        for future in concurrent.futures.as_completed(futures):
            try:
                examples = future.result()
            except Exception:  # a corrupt or empty file: skipped, as the service does
                examples = []
                skipped += 1
            if writer is None:
                writer = ShardWriter(os.path.join(out, f"shard-{shard:05d}.tfrecord"))
            for example in examples:
                writer.write(example)
            examples = None
            done += 1
            if done % args.shard_size == 0:
                writer.close()
                os.unlink(os.path.join(out, f"shard-{shard:05d}.tfrecord"))
                writer, shard = None, shard + 1
            if args.futures == "release":
                del futures[future]
            future = None
            print(f"{done}/{total}", flush=True)
        if writer is not None:
            writer.close()
        executor.shutdown()
        print(f"done: {done} files, {skipped} skipped, {len(futures)} futures still referenced; "
              f"settling {args.settle} s", flush=True)
        time.sleep(args.settle)
        futures = None
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
