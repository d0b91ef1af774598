#!/usr/bin/env python3
"""Writes the librosa reference fixtures for the log-mel tests.

For each signal (speech-like, silence, 440 Hz tone) at 48 kHz and 16 kHz, about 1 s:
  <name>-<rate>.input.f32   the exact float32 input samples, little-endian
  <name>-<rate>.logmel.f32  librosa's log(max(mel, 1e-6)), frames x 80, float32 little-endian
and fixtures.json with the shapes and parameters. Run: python3 scripts/make-librosa-fixture.py
"""
import json
import os

import librosa
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "FeaturePipelineTests", "Fixtures")


def speech_like(sr, seconds, rng):
    n = int(sr * seconds)
    t = np.arange(n) / sr
    f0 = 120 + 30 * np.sin(2 * np.pi * 1.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = np.zeros(n)
    for k in range(1, 30):
        fk = k * f0
        formant = (np.exp(-((fk - (500 + 200 * np.sin(2 * np.pi * t))) / 150) ** 2)
                   + 0.6 * np.exp(-((fk - (1500 + 400 * np.cos(2 * np.pi * 0.7 * t))) / 250) ** 2)
                   + 0.3 * np.exp(-((fk - 2500) / 300) ** 2))
        y += (formant + 0.02) * np.sin(k * phase) * (fk < sr / 2)
    envelope = np.clip(np.sin(2 * np.pi * 2.2 * t) * 1.5, 0, 1)
    y *= envelope
    burst = (t > 0.45) & (t < 0.55)
    y[burst] += 0.3 * rng.standard_normal(burst.sum())
    return 0.4 * y / np.max(np.abs(y))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    entries = []
    for sr in (48000, 16000):
        win = int(round(0.025 * sr))
        hop = int(round(0.010 * sr))
        signals = {
            "speech": speech_like(sr, 1.0, rng),
            "silence": np.zeros(int(sr * 0.8)),
            "tone440": 0.5 * np.sin(2 * np.pi * 440 * np.arange(int(sr * 1.03)) / sr),
        }
        for name, signal in signals.items():
            y = signal.astype(np.float32)
            mel = librosa.feature.melspectrogram(
                y=y.astype(np.float64), sr=sr, n_fft=2048, hop_length=hop, win_length=win,
                window="hann", center=True, pad_mode="constant", power=2.0,
                n_mels=80, htk=False, norm="slaney")
            logmel = np.log(np.maximum(mel, 1e-6)).T.astype(np.float32)  # frames x 80
            base = f"{name}-{sr}"
            y.astype("<f4").tofile(os.path.join(OUT, base + ".input.f32"))
            logmel.astype("<f4").tofile(os.path.join(OUT, base + ".logmel.f32"))
            entries.append({"name": base, "sample_rate": sr, "samples": int(y.size),
                            "frames": int(logmel.shape[0]), "mel_bins": int(logmel.shape[1]),
                            "win_length": win, "hop_length": hop})
    with open(os.path.join(OUT, "fixtures.json"), "w") as f:
        json.dump({"librosa": librosa.__version__, "n_fft": 2048, "fixtures": entries}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
