# ARM64 code runs for real here: self-contained linux-arm64 publishes execute under qemu-user
# (qemu-aarch64-static -cpu max -L /), which gives .NET AdvSimd and the dot-product instructions.
if [[ $(id -u) -eq 0 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64 && apt_updated=
fi
apt_install qemu-user-static libc6:arm64 libstdc++6:arm64 libicu72:arm64 libssl3:arm64 zlib1g:arm64
