# Serial tests use a real pseudo-terminal pair; socat is the fallback way to make one.
apt_install socat
