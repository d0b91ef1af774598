#!/usr/bin/env bash
# Regenerates Sources/FeaturePipeline/TFRecord/example.pb.swift from
# proto/example.proto. Run by hand only, when the .proto changes; the
# generated file is committed and neither the build nor CI runs this.
#
# Needs protoc (Debian: protobuf-compiler). The Swift plugin is taken from
# $PROTOC_GEN_SWIFT when set; otherwise it is built from the swift-protobuf
# mirror at /opt/swift-packages/apple/swift-protobuf.git, tag 1.39.0 (the
# version Package.swift pins), in a temporary directory. That build takes
# several minutes.
#
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift scripts/generate-proto.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="1.39.0"
mirror="${SWIFT_PROTOBUF_REPO:-/opt/swift-packages/apple/swift-protobuf.git}"
out="$root/Sources/FeaturePipeline/TFRecord"

command -v protoc >/dev/null || { echo "generate-proto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    echo "generate-proto: building protoc-gen-swift $version from $mirror (takes minutes)" >&2
    git clone --quiet --depth 1 --branch "$version" "$mirror" "$tmp/swift-protobuf"
    (cd "$tmp/swift-protobuf" && swift build -c release --product protoc-gen-swift >&2)
    plugin="$tmp/swift-protobuf/.build/release/protoc-gen-swift"
fi
[[ -x "$plugin" ]] || { echo "generate-proto: plugin $plugin is not executable" >&2; exit 1; }

protoc \
    --plugin="protoc-gen-swift=$plugin" \
    --proto_path="$root/proto" \
    --swift_out="$out" \
    --swift_opt=Visibility=Internal \
    "$root/proto/example.proto"

echo "generate-proto: wrote $out/example.pb.swift" >&2
