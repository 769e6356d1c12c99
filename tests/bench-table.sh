#!/usr/bin/env bash
# The README's bench table: every model of it through `edgetoken bench`, one after another, each run's output in
# OUT/<model>[_w7].txt, plus OUT/when.txt (start, end, load). Run on an otherwise idle machine; takes about 12 minutes.
#   tests/bench-table.sh [OUT]        (default /tmp/bench-table)
# Needs the openWakeWord models in .cache/models/openwakeword (tests/run.sh fetches them).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/bench-table}
mkdir -p "$out/models"
dotnet build src/EdgeToken.Cli -c Release -v q -nologo > "$out/build.txt"
dotnet run -c Release --project tests/EdgeToken.Benchmarks -- write-models "$out/models" > /dev/null
e=src/EdgeToken.Cli/bin/Release/net10.0/edgetoken
oww=.cache/models/openwakeword
{ date -u; uptime; } > "$out/when.txt"
for m in mlp cnn1d dscnn2d; do
  $e bench "$out/models/$m.onnx" --int8 --sparse 2:4 --seconds 6 > "$out/$m.txt" 2>&1
  $e bench "$out/models/$m.onnx" --int8 --weight-bits 7 --seconds 6 > "$out/${m}_w7.txt" 2>&1
done
for m in gru gru128; do
  $e bench "$out/models/$m.onnx" --int8 --seconds 6 > "$out/$m.txt" 2>&1
  $e bench "$out/models/$m.onnx" --int8 --weight-bits 7 --seconds 6 > "$out/${m}_w7.txt" 2>&1
done
$e bench $oww/embedding_model.onnx --bind unk__314=1 --int8 --sparse 2:4 --seconds 8 > "$out/embedding.txt" 2>&1
$e bench $oww/embedding_model.onnx --bind unk__314=1 --int8 --weight-bits 7 --against none --seconds 8 > "$out/embedding_w7.txt" 2>&1
$e bench $oww/melspectrogram.onnx --bind batch_size=1 --bind samples=1760 --int8 --seconds 6 > "$out/melspectrogram.txt" 2>&1
for m in hey_mycroft timer alexa; do
  $e bench $oww/${m}_v0.1.onnx --int8 --seconds 6 > "$out/$m.txt" 2>&1
  $e bench $oww/${m}_v0.1.onnx --int8 --weight-bits 7 --seconds 6 > "$out/${m}_w7.txt" 2>&1
done
$e bench samples/RailBearing/rail-bearing.onnx --int8 --seconds 4 > "$out/rail-bearing.txt" 2>&1
$e bench samples/RailBearing/rail-bearing.onnx --int8 --weight-bits 7 --seconds 4 > "$out/rail-bearing_w7.txt" 2>&1
{ date -u; uptime; } >> "$out/when.txt"
grep -H -E "^(generated|onnxruntime|weights)" "$out"/*.txt
