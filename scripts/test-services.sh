#!/usr/bin/env bash
# What the tests need besides the .NET SDK, installed and started by the project itself
# (a fresh machine has none of it). Sourced by scripts/test.sh.

ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
}

ensure_test_services() {
  # Fonts for Chinese text in screenshots and Excel files; tzdata for Asia/Shanghai.
  ensure_apt_packages tzdata
}
