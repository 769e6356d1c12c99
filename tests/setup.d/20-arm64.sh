# ARM64 code runs for real here: self-contained linux-arm64 publishes execute under qemu-user
# (qemu-aarch64-static -cpu max -L /), which gives .NET AdvSimd and the dot-product instructions.
if [[ $(id -u) -eq 0 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64 && apt_updated=
fi
apt_install qemu-user-static libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64 zlib1g:arm64
# With qemu present, the agent's own linux-arm64 run (publish + a short simulator run under qemu, 1-2 minutes) is
# part of every test run; without it the test reports itself as not run.
if command -v qemu-aarch64-static >/dev/null 2>&1; then
  export EDGETOKEN_ARM64_AGENT="${EDGETOKEN_ARM64_AGENT:-1}"
fi
