# The int8 kernels' ARM64 paths (AdvSimd, sdot) run for real under qemu user-mode emulation: the check runner
# (tests/EdgeToken.Int8Check) is published self-contained for linux-arm64 and a kernel test starts it with
# qemu-aarch64-static -cpu max. Without qemu or the arm64 runtime pack that test is reported as skipped.
if apt_install qemu-user-static && command -v qemu-aarch64-static >/dev/null 2>&1; then
  int8_arm64="$root/.cache/int8check-linux-arm64"
  if dotnet publish "$root/tests/EdgeToken.Int8Check" -c Release -r linux-arm64 --self-contained -o "$int8_arm64" -v q -nologo >/dev/null 2>&1; then
    export EDGETOKEN_INT8_ARM64="$int8_arm64/EdgeToken.Int8Check"
  else
    echo "warning: could not publish the int8 check runner for linux-arm64; the ARM64 kernel test will be skipped"
  fi
fi
