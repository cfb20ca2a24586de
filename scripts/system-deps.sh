#!/usr/bin/env bash
# Debian packages lingtan needs beyond PyPI: a CJK TrueType font for PDF reports
# (fonts-wqy-zenhei) and poppler-utils (pdftotext/pdftoppm, used by the tests).
set -euo pipefail
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
