#!/usr/bin/env python3
"""Checks by hand that TensorFlow reads leakharness's TFRecord shards.

Not run by CI (it needs TensorFlow: `pip install tensorflow-cpu`, about 600 MB).
Reads every record of the given files with tf.data.TFRecordDataset (which
verifies both CRCs of each record), parses it with tf.io.parse_single_example
over the harness's Example schema, and checks len(log_mel) == frames * mel_bins.

    leakharness extract --out /tmp/shards
    python3 scripts/check-tensorflow.py /tmp/shards/*.tfrecord

Exit status 0 when every record of every file passes, 1 otherwise.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

SCHEMA = {
    "log_mel": tf.io.VarLenFeature(tf.float32),
    "frames": tf.io.FixedLenFeature([], tf.int64),
    "mel_bins": tf.io.FixedLenFeature([], tf.int64),
    "segment": tf.io.FixedLenFeature([], tf.int64),
    "num_samples": tf.io.FixedLenFeature([], tf.int64),
    "sample_rate": tf.io.FixedLenFeature([], tf.int64),
    "speaker": tf.io.FixedLenFeature([], tf.string),
    "utterance": tf.io.FixedLenFeature([], tf.string),
}


def check(path):
    """Returns (records, problems) for one file."""
    records = 0
    problems = []
    try:
        for serialized in tf.data.TFRecordDataset(path):
            parsed = tf.io.parse_single_example(serialized, SCHEMA)
            values = parsed["log_mel"].values.shape[0]
            frames = int(parsed["frames"])
            mel_bins = int(parsed["mel_bins"])
            if values != frames * mel_bins:
                problems.append(f"record {records}: log_mel has {values} values, frames {frames} x mel_bins {mel_bins}")
            if mel_bins != 80:
                problems.append(f"record {records}: mel_bins {mel_bins}, expected 80")
            if records == 0:
                print(f"{path}: first record: speaker {parsed['speaker'].numpy().decode()}, "
                      f"utterance {parsed['utterance'].numpy().decode()}, segment {int(parsed['segment'])}, "
                      f"frames {frames}, num_samples {int(parsed['num_samples'])}, "
                      f"sample_rate {int(parsed['sample_rate'])}")
            records += 1
    except tf.errors.OpError as error:
        problems.append(f"after {records} records: {error.message}")
    return records, problems


def main(paths):
    if not paths:
        print("usage: check-tensorflow.py FILE.tfrecord...", file=sys.stderr)
        return 2
    failed = False
    total = 0
    for path in paths:
        records, problems = check(path)
        total += records
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        failed = failed or bool(problems)
        print(f"{path}: {records} records, {'FAILED' if problems else 'ok'}")
    print(f"tensorflow {tf.__version__}: {total} records in {len(paths)} files, {'FAILED' if failed else 'all ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
