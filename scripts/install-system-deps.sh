#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, from the distribution's packages:
#   * Chromium, for the browser tests of the HTML views (Debian package chromium), and a CJK font
#     (fonts-wqy-microhei) so that screenshots show Chinese labels;
#   * Java 17 and Maven, to build and run the embedded Neo4j test server (tools/neo4j-test-server).
# Idempotent: does nothing when everything is present. Uses sudo when not root.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }; then
    missing+=(fonts-wqy-microhei)
fi
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: missing ${missing[*]} and no apt-get here; install them by hand" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
